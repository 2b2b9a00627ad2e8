/**
 * Which policies the element knows before and after loading its second file of them
 * (more-policies.ts; the first is element-builtins.ts in the built element).
 */
import { balancerNames, getBalancer } from '../src/balancers/registry.js';

/** Names of the policies in more-policies.ts, with their aliases (the element lists and accepts them before loading it). */
export const MORE_POLICIES: Readonly<Record<string, readonly string[]>> = {
  'edf-round-robin': ['edf'],
  'weighted-random': [],
  'least-request-weighted': ['least-request'],
  'join-idle-queue': ['jiq'],
  'ring-hash': ['ketama'],
  maglev: [],
  'bounded-load-hash': ['chwbl'],
  first: [],
};

const later = new Set(Object.entries(MORE_POLICIES).flat(2));

/** Every policy the element can run: those registered, then those it would load. */
export function policyNames(): string[] {
  const names = balancerNames();
  return [...names, ...Object.keys(MORE_POLICIES).filter((n) => !names.includes(n))];
}

/** True when `name` is a registered policy, or one (or an alias of one) the element would load. */
export function isPolicy(name: string): boolean {
  return getBalancer(name) !== undefined || later.has(name);
}

/**
 * True when a string anywhere in scenario JSON `json` (a balancer's name, in a pool or in a
 * topology's service), or one of `names`, names a policy of the second file that is not registered yet.
 */
export function needsPolicies(json: unknown, names: readonly string[] = []): boolean {
  return names.some(unloaded) || mentions(json);
}

/**
 * Error `message` listing the registered policies (the library's "a known balancer: …" when a name
 * is unknown) with those the element would load added: the reader is told every policy it can run.
 */
export function withEveryPolicy(message: string): string {
  return message.replace(balancerNames().join(', '), policyNames().join(', '));
}

/** Loads (registers) the second file's policies. */
export async function loadPolicies(): Promise<void> {
  await import('./more-policies.js');
}

function unloaded(name: string): boolean {
  return later.has(name) && getBalancer(name) === undefined;
}

/** A walk without recursion (JSON nested thousands deep must not overflow the stack) that visits each object once (a scenario given as an object may hold cycles). */
function mentions(json: unknown): boolean {
  const stack = [json];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (unloaded(v)) return true;
    } else if (typeof v === 'object' && v !== null && !seen.has(v)) {
      seen.add(v);
      for (const x of Object.values(v)) stack.push(x);
    }
  }
  return false;
}
