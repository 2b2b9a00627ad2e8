/**
 * Random topologies (2–5 services in a DAG, every step kind and edge feature, limits, failures,
 * health checks, adaptive LIFO, hashing keys, open or closed arrivals, some in overload with
 * tiny timeouts and answers all lost), each run checked. Every run ends, and its summary obeys
 * the conservation laws end to end, per edge and per service, plus the law that ties them: a
 * service's attempts are the attempts over the edges into it that its callers' breakers and
 * bulkheads did not refuse. No NaN; same scenario twice, or checked, gives the same summary.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { createStream } from '../../src/random/rng.js';

const BALANCERS = ['round-robin', 'least-connections', 'power-of-two', 'random', 'peak-ewma', 'least-time', 'join-idle-queue', 'join-shortest-queue'];

/** A random topology; `harsh`: overload, tiny timeouts, many hedges, answers all lost, runs stopped by time. */
function randomTopology(seed: number, harsh: boolean): Record<string, unknown> {
  const rng = createStream(seed, harsh ? 'topology-properties-harsh' : 'topology-properties');
  const r = () => rng.next();
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const dist = () => pick([
    () => ({ dist: 'exponential', meanMs: 0.2 + r() * 4 }),
    () => ({ dist: 'constant', valueMs: r() * 3 }),
    () => ({ dist: 'lognormal', medianMs: 1 + r() * 2, p99Ms: 5 + r() * 30 }),
    () => ({ dist: 'uniform', minMs: 0, maxMs: 1 + r() * 5 }),
  ])();
  const names = Array.from({ length: int(2, 5) }, (_, i) => `s${i}`);
  const keys = chance(0.3);
  const services: Record<string, Record<string, unknown>> = {};
  const calls: Record<string, Record<string, unknown>> = {};
  names.forEach((name, i) => {
    const below = names.slice(i + 1);
    const work: Record<string, unknown>[] = [];
    for (let k = int(1, 4); k > 0; k--) {
      const kind = below.length === 0 ? pick(['work', 'work', 'fail']) : pick(['work', 'call', 'call', 'parallel', 'fail']);
      if (kind === 'work') work.push({ work: dist() });
      else if (kind === 'fail') work.push({ fail: r() * 0.2 });
      else {
        const step: Record<string, unknown> = kind === 'call' ? { call: pick(below) } : { parallel: Array.from({ length: int(1, 3) }, () => pick(below)) };
        if (kind === 'parallel') step.need = pick(['all', 'any', int(1, (step.parallel as string[]).length)]);
        if (chance(0.3)) step.p = 0.2 + r() * 0.8;
        if (chance(0.3)) step.hold = false;
        if (chance(0.3)) step.fallback = true;
        work.push(step);
      }
    }
    const group: Record<string, unknown> = { count: int(1, 3), concurrency: int(1, 6) };
    if (chance(0.5)) group.queueLimit = int(0, 19);
    if (chance(0.15)) group.discipline = 'adaptive-lifo';
    const svc: Record<string, unknown> = { servers: [group], balancer: { name: keys && chance(0.5) ? pick(['ring-hash', 'maglev']) : pick(BALANCERS) }, work };
    if (chance(0.25)) svc.limit = chance(0.5) ? { static: int(1, 6) } : { aimd: { initialLimit: 4, minLimit: int(1, 3), maxLimit: 20, backoffRatio: 0.5 + r() * 0.45, timeoutMs: 1 + r() * 30 } };
    if (chance(0.25)) svc.failures = chance(0.5) ? { mtbfMs: 100 + r() * 500, mttrMs: 10 + r() * 100 } : { outages: [{ atMs: r() * 200, forMs: 10 + r() * 200, servers: [0] }] };
    if (chance(0.2)) svc.health = chance(0.5) ? { intervalMs: 5 + r() * 20 } : { outlier: { consecutiveErrors: int(1, 5) } };
    services[name] = svc;
  });
  const policy = () => {
    const p: Record<string, unknown> = {};
    if (chance(0.5)) p.timeoutMs = (harsh ? 0.05 : 1) + r() * 40;
    if (chance(0.25)) p.deadlineMs = 2 + r() * 80;
    if (chance(0.5)) {
      const retries: Record<string, unknown> = { max: int(0, 3), baseMs: r() * 5 };
      if (chance(0.3)) retries.budget = { ratio: r() * 0.5, minPerSec: r() * 20 };
      if (chance(0.3)) retries.jitter = pick(['none', 'full', 'equal', 'decorrelated']);
      p.retries = retries;
    }
    if (chance(harsh ? 0.6 : 0.3)) p.hedge = chance(0.5) ? { afterMs: 0.05 + r() * 10, max: int(1, harsh ? 10 : 3) } : { percentile: 50 + r() * 49, max: int(1, 2) };
    if (chance(0.5)) p.cancel = chance(0.5);
    return p;
  };
  for (const name of names) {
    for (const step of services[name].work as Record<string, unknown>[]) {
      for (const to of step.call ? [step.call as string] : (step.parallel as string[] | undefined) ?? []) {
        const edge = `${name}->${to}`;
        if (calls[edge] || !chance(0.8)) continue;
        const p = policy();
        if (chance(0.25)) p.breaker = { window: int(5, 34), minCalls: 5, openMs: 5 + r() * 100, halfOpenCalls: int(1, 3), failureRatePercent: 10 + r() * 80 };
        if (chance(0.25)) p.maxConcurrent = int(1, 10);
        if (chance(0.3)) p.latencyMs = dist();
        if (chance(harsh ? 0.5 : 0.25) && (p.timeoutMs || p.deadlineMs)) p.loss = harsh && chance(0.3) ? 1 : r() * 0.3;
        calls[edge] = p;
      }
    }
  }
  const stop: Record<string, number> = harsh && chance(0.3) ? { timeMs: 50 + r() * 300 } : { requests: int(200, 999) };
  const scenario: Record<string, unknown> = {
    seed: int(1, 1000), stop, entry: 's0', services, calls,
    arrivals: chance(0.25) ? { process: 'closed', clients: int(1, 20), thinkMs: dist() } : { process: 'poisson', ratePerSec: harsh ? 2000 + r() * 8000 : 100 + r() * 1500 },
  };
  if (chance(0.5)) stop.warmupMs = Math.min(r() * 100, (stop.timeMs ?? Infinity) / 2);
  if (chance(0.5)) scenario.client = policy();
  if (keys) scenario.keys = { dist: 'zipf', count: 50, exponent: 1 };
  return scenario;
}

function numbersAreFinite(value: unknown, path: string): void {
  if (typeof value === 'number') expect(Number.isFinite(value), path).toBe(true);
  else if (value === null) expect.fail(`${path} is null`);
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) numbersAreFinite(v, `${path}.${k}`);
}

function obeysTheLaws(s: TopologySummary, stoppedByTime: boolean, label: string): void {
  const r = s.requests;
  expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight, label).toBe(r.arrived);
  expect(s.degraded, label).toBeLessThanOrEqual(r.succeeded);
  const into: Record<string, number> = {};
  for (const [name, e] of Object.entries(s.edges)) {
    const at = `${label} edge ${name}`;
    expect(e.succeeded + e.failed + e.timedOut + e.dropped + e.rejected + e.cancelled + e.inFlight, at).toBe(e.calls);
    expect(e.attempts, at).toBe(e.calls + e.retries + e.hedges);
    expect(e.fallbacks, at).toBeLessThanOrEqual(e.failed + e.timedOut + e.dropped + e.rejected);
    expect(e.lost, at).toBeLessThanOrEqual(e.attempts - e.refused);
    const callee = name.slice(name.indexOf('->') + 2);
    into[callee] = (into[callee] ?? 0) + e.attempts - e.refused;
  }
  expect(s.edges[`client->${s.entry}`].calls, label).toBe(r.arrived);
  for (const [name, v] of Object.entries(s.services)) {
    const at = `${label} service ${name}`;
    expect(v.succeeded + v.failed + v.dropped + v.rejected + v.cancelled + v.inFlight, at).toBe(v.attempts);
    expect(v.attempts, `${at}: the attempts over the edges into it, less those refused there`).toBe(into[name] ?? 0);
    expect(v.abandoned, at).toBeLessThanOrEqual(v.attempts);
    if (v.limit) expect(v.limit.refused, at).toBeLessThanOrEqual(v.rejected);
  }
  if (!stoppedByTime) {
    expect(r.inFlight, label).toBe(0);
    for (const e of Object.values(s.edges)) expect(e.inFlight, label).toBe(0);
    for (const v of Object.values(s.services)) expect(v.inFlight, label).toBe(0);
  }
  numbersAreFinite(s, label);
}

const plain = (s: TopologySummary) => ({ ...s, wallMs: 0 });

describe('random topologies, checked', () => {
  // 4 chunks of 30 scenarios each (seconds each on a loaded 2-core machine).
  it.each([[0, false], [1, false], [0, true], [1, true]] as const)('chunk %i (harsh: %s): each run ends and obeys every conservation law', (chunk, harsh) => {
    for (let i = 0; i < 30; i++) {
      const seed = chunk * 30 + i + 1;
      const scenario = randomTopology(seed, harsh);
      const label = `${harsh ? 'harsh ' : ''}seed ${seed}`;
      const s = simulate(scenario as unknown as TopologyInput, { checked: true });
      obeysTheLaws(s, (scenario.stop as { timeMs?: number }).timeMs !== undefined, label);
      if (i % 5 === 0) {
        // Deterministic, and checking changes nothing.
        const again = simulate(scenario as unknown as TopologyInput);
        expect(plain(again), label).toEqual(plain(s));
        expect(JSON.stringify(plain(simulate(scenario as unknown as TopologyInput))), label).toBe(JSON.stringify(plain(again)));
      }
    }
  });
});
