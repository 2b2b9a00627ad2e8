/**
 * Offered load of each service of a topology: λ · visits · E[work] / capacity, where `visits` is
 * how many attempts at the service one entry request makes on average (calls made with
 * probability p count p, steps after a `fail` step only for the attempts that pass it; retries and
 * timeouts are not counted) and E[work] the mean work per attempt. It counts work only: a slot held while its attempt waits for calls is busy but
 * does no work, so occupancy can be much higher (the run's utilisation shows it).
 */
import { createDistribution } from '../random/distributions.js';
import type { Scenario } from './scenario.js';
import { offeredLoad } from './offered-load.js';

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
