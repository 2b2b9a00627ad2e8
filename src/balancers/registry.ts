/**
 * Name → factory. The built-in policies are here from the start (each file exports its own
 * entry; `builtins.ts` lists them), so a Model built on its own knows them; user code calls
 * `registerBalancer` and then uses the name in scenarios and on the CLI.
 */
import type { BalancerFactory } from './balancer.js';
import type { OptionSpec } from './options.js';
import { BUILTIN_BALANCERS } from './builtins.js';

export interface BalancerInfo {
  name: string;
  description: string;
  /** Option names the factory accepts besides `name` (for validation messages and `lbsim list`). */
  options: readonly string[];
  /** Other names that resolve to this policy (e.g. "p2c"). */
  aliases?: readonly string[];
  /** Default of each option, for `lbsim list` (the factory applies them). */
  defaults?: Readonly<Record<string, unknown>>;
  /** Each option's kind, range and default (built-in policies; see options.ts). */
  optionSpec?: OptionSpec;
  /** True for policies that route by the request key (hashing): they need `keys` in the scenario. */
  keyed?: boolean;
  /**
   * False for a policy that never reads `ctx.outstanding` (nor indexes it): the model then keeps
   * no count of each instance's open requests for it (with the default `view.load: own`,
   * `outstanding` stays all 0 except in a sparse fleet, whose counts are shared; with `reported`
   * it holds the reports as for any policy), which at large pools saves a cache line per request
   * sent and per request ended. Absent or true: counted, which is always correct.
   */
  readsOutstanding?: boolean;
  /**
   * False for a policy whose `observe` never reads `ctx.outstanding` (its latency metric reads it at
   * pick time only): in a sparse fleet the model then does not first put the instance's own counts
   * there, as it does before a pick, and saves a walk of two instances' open requests per response.
   * Absent or true (and `readsOutstanding` not false): put there, which is always correct.
   */
  observeReadsOutstanding?: boolean;
  /**
   * True for a policy whose picks since its last `rebuild` depend on the pool alone (weights and
   * eligibility: no counts, no coin flips, no key, nothing observed), such as weighted round robin
   * and EDF: a fleet of any size (kept sparse, see BalancerFleet.sparse) then makes one schedule
   * that every instance walks at its own pace instead of a schedule per instance (`SharedSequence`,
   * shared.ts).
   */
  poolOnly?: boolean;
  create: BalancerFactory;
}

const registry = new Map<string, BalancerInfo>();
const aliases = new Map<string, string>();

export function registerBalancer(info: BalancerInfo): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(info.name)) {
    throw new Error(`balancer name ${JSON.stringify(info.name)}: expected lowercase letters, digits and dashes`);
  }
  registry.set(info.name, info);
  for (const alias of info.aliases ?? []) aliases.set(alias, info.name);
}

/** The policy registered under `name` or one of its aliases. */
export function getBalancer(name: string): BalancerInfo | undefined {
  return registry.get(name) ?? registry.get(aliases.get(name) ?? '');
}

for (const info of BUILTIN_BALANCERS) registerBalancer(info);

export function balancerNames(): string[] {
  return [...registry.keys()];
}

export function listBalancers(): BalancerInfo[] {
  return [...registry.values()];
}
