/**
 * Offered load of each service of a topology: λ · visits · E[work] / capacity, where `visits` is
 * how many attempts at the service one entry request makes on average (calls made with
 * probability p count p, steps after a `fail` step only for the attempts that pass it; retries and
 * timeouts are not counted) and E[work] the mean work per attempt. It counts work only: a slot held while its attempt waits for calls is busy but
 * does no work, so occupancy can be much higher (the run's utilisation shows it).
 *
 * Workflows: each entry request creates an instance of the start machine, and each of its states
 * with an `invoke` that its transitions can reach from the initial state counts one call to the
 * invoked machine's service per entry request — whatever the guards, chances and user events on
 * the way (an upper bound there), and no more for a state entered again (a reentering `onError`
 * retries, like the edge's retries, are not counted).
 */
import { createDistribution } from '../random/distributions.js';
import type { Scenario } from './scenario.js';
import { offeredLoad } from './offered-load.js';
import { compileMachine, type CompiledMachine } from '../workflow/machine.js';

export interface ServiceLoad {
  name: string;
  /** Attempts at the service per entry request (no retries). */
  visits: number;
  /** Mean work per attempt, ms at speed 1. */
  workMs: number;
  /** Σ count × concurrency × speed. */
  capacity: number;
  rho: number;
}

/** `closed`: closed-loop users, whose λ is an upper bound (N over their think time plus 1 ms). */
export function topologyLoad(scenario: Scenario): { arrivalRatePerSec: number; closed: boolean; services: ServiceLoad[] } {
  const t = scenario.topology!;
  // With `entries`, λ is theirs summed, and an entry's visits per request its share of λ.
  const rates = (t.entries ?? [{ name: t.entry, arrivals: scenario.arrivals }]).map((x) => ({
    name: x.name, lambda: offeredLoad({ ...scenario, arrivals: x.arrivals, topology: undefined, service: { dist: 'constant', valueMs: 1 } }).arrivalRatePerSec,
  }));
  const lambda = rates.reduce((sum, x) => sum + x.lambda, 0);
  const byName = new Map(t.services.map((s) => [s.name, s]));
  const visits = new Map<string, number>(rates.length === 1 ? [[t.entry, 1]] : rates.map((x) => [x.name, lambda > 0 ? x.lambda / lambda : 0]));
  // The calls the workflow's invokes make, one per request at the start machine's entry and reachable invoking state.
  const w = scenario.workflows;
  if (w) {
    const starts = visits.get(w.machines[w.start].service) ?? 0;
    const m = compileMachine(w.machines[w.start].machine, `workflows.machines.${w.start}.machine`);
    for (const s of reachableStates(m)) {
      const src = m.invokeSrc[s];
      if (src) visits.set(w.machines[src].service, (visits.get(w.machines[src].service) ?? 0) + starts);
    }
  }
  // Calls form a DAG (validated): visit services in an order where callers come first.
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const step of byName.get(name)!.work) for (const to of 'call' in step ? [step.call] : 'parallel' in step ? step.parallel : []) visit(to);
    order.unshift(name);
  };
  for (const s of t.services) visit(s.name);
  // Steps after a `fail` step run only for attempts that got past it (survival).
  const workMs = new Map<string, number>();
  for (const name of order) {
    const v = visits.get(name) ?? 0;
    let survive = 1, work = 0;
    for (const step of byName.get(name)!.work) {
      if ('fail' in step) survive *= 1 - step.fail;
      if ('work' in step) work += survive * createDistribution(step.work).meanMs;
      const targets = 'call' in step ? [step.call] : 'parallel' in step ? step.parallel : [];
      const p = 'p' in step && step.p !== undefined ? step.p : 1;
      for (const to of targets) visits.set(to, (visits.get(to) ?? 0) + v * p * survive);
    }
    workMs.set(name, work);
  }
  const services = t.services.map((svc): ServiceLoad => {
    const workMs_ = workMs.get(svc.name) ?? 0;
    const capacity = svc.servers.reduce((c, g) => c + g.count * g.concurrency * g.speed, 0);
    const v = visits.get(svc.name) ?? 0;
    return { name: svc.name, visits: v, workMs: workMs_, capacity, rho: (lambda / 1000) * v * workMs_ / capacity };
  });
  return { arrivalRatePerSec: lambda, closed: (t.entries ?? [scenario]).some((x) => x.arrivals.process === 'closed'), services };
}

/**
 * The states of `m` its transitions can reach from the initial state, guards and events aside:
 * a target is entered with its ancestors and its initial descendants, and the transitions of every
 * active state (an ancestor's too) are open.
 */
function reachableStates(m: CompiledMachine): number[] {
  const seen = new Uint8Array(m.names.length), todo: number[] = [];
  const enter = (target: number) => {
    for (let x = target; x >= 0; x = m.parent[x]) if (!seen[x]) { seen[x] = 1; todo.push(x); }
    for (let x = m.initial[target]; x >= 0; x = m.initial[x]) if (!seen[x]) { seen[x] = 1; todo.push(x); }
  };
  enter(0);
  while (todo.length > 0) {
    const s = todo.pop()!;
    for (let k = 0; k < m.source.length; k++) if (m.source[k] === s && m.target[k] >= 0) enter(m.target[k]);
  }
  const out: number[] = [];
  seen.forEach((v, s) => { if (v) out.push(s); });
  return out;
}
