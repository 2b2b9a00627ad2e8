/** Concurrency limits at a service's servers, static and AIMD, in a topology run. */
import { describe, expect, it } from 'vitest';
import { createTopologyModel, simulate, type TopologyInput } from '../../src/index.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { thrownScenarioError } from '../scenario-error.js';
import { main } from '../../src/cli/main.js';

const run = (scenario: unknown): TopologySummary => simulate(scenario as TopologyInput);
const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });

describe('a static concurrency limit', () => {
  it('bounds the attempts admitted at each server at every event, and refuses the rest at once', () => {
    // b: 2 servers of 50 slots, limit 4 each; offered 2 × 4 / 10 ms × 1.5: a third is refused.
    const scenario = {
      seed: 10, stop: { requests: 20_000 }, arrivals: { process: 'poisson', ratePerSec: 1200 }, entry: 'a',
      services: {
        a: { servers: [{ count: 4, concurrency: 1000 }], balancer: { name: 'round-robin' }, work: [{ call: 'b' }] },
        b: { servers: [{ count: 2, concurrency: 50 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'exponential', meanMs: 10 } }], limit: { static: 4 } },
      },
    };
    const model = createTopologyModel(scenario as TopologyInput);
    const pool = model.pool, lo = model.services[1].lo;
    let peak = 0;
    model.sim.setHandler({
      handle: (kind, target) => {
        model.handle(kind, target);
        for (let s = lo; s < lo + 2; s++) peak = Math.max(peak, pool.load[s]);
      },
    });
    model.run();
    expect(peak).toBe(4);
    const s = run(scenario), b = s.services.b;
    expect(b.limit).toMatchObject({ kind: 'static', meanLimit: 4, lowest: 4, highest: 4 });
    expect(b.limit!.refused).toBe(b.rejected);
    expect(b.rejected).toBeGreaterThan(0);
    expect(b.succeeded + b.failed + b.dropped + b.rejected + b.cancelled + b.inFlight).toBe(b.attempts);
    expect(s.requests.failed).toBe(b.rejected); // no retries: every refusal fails its caller, and the entry request
  });
});

describe('an AIMD concurrency limit', () => {
  // b: one server, c = 4 slots, 10 ms each: capacity 400/s, offered 600/s by a caller with no limit.
  const overloaded = (limit?: object) => run({
    seed: 9, stop: { timeMs: 20_000, warmupMs: 2000 }, arrivals: { process: 'poisson', ratePerSec: 600 }, entry: 'a',
    services: {
      a: { servers: [{ count: 1, concurrency: 100_000 }], balancer: { name: 'round-robin' }, work: [{ call: 'b' }] },
      b: { servers: [{ count: 1, concurrency: 4 }], balancer: { name: 'round-robin' }, work: [{ work: constant(10) }], ...(limit ? { limit } : {}) },
    },
  });

  it.each([[25, 10, 0.7], [12, 4.8, 0.6]])('with timeoutMs %i settles where the latency crosses it: L* = c · timeoutMs / work = %f', (timeoutMs, expected, busy) => {
    // Overloaded, the server stays busy (throughput c/S) while L ≥ c, so by Little's law an attempt
    // admitted with L in flight answers after L·S/c: above timeoutMs T once L > c·T/S (4 · 25 / 10 = 10).
    // AIMD climbs by 1 below that and backs off by 10% above: a sawtooth around L*. A threshold
    // just above the work (12 ms) puts L* near the capacity knee, L = c = 4.
    const b = overloaded({ aimd: { initialLimit: 4, minLimit: 1, maxLimit: 1000, timeoutMs } }).services.b;
    expect(b.limit!.kind).toBe('aimd');
    expect(Math.abs(b.limit!.meanLimit / expected - 1)).toBeLessThan(0.25);
    // In-flight ≤ the limit bounds the latency: a sawtooth peak of ~3 L* answers within 3 T.
    expect(b.latencyMs.p99).toBeLessThan(75);
    expect(b.rejected).toBeGreaterThan(0);
    // It keeps the server mostly busy (measured 82% and 70%): the sawtooth's dips below c cost the
    // rest, more so when L* is near c.
    expect(b.throughputPerSec).toBeGreaterThan(busy * 400);
  });

  it('without a limit the same overload queues without bound: latency grows to seconds', () => {
    const b = overloaded().services.b;
    expect(b.rejected).toBe(0);
    expect(b.latencyMs.p99).toBeGreaterThan(1000);
    expect(b.throughputPerSec).toBeCloseTo(400, 0);
  });
});

describe('lbsim run on a service with a limit', () => {
  it('says how the limit moved and what it refused, below the tables', async () => {
    let out = '';
    const code = await main(['run', 'adaptive-limit'], { out: (t) => (out += t), err: () => {}, progress: false });
    expect(code).toBe(0);
    expect(out).toMatch(/\nservice backend: aimd limit mean [\d.]+ \(1 to \d+\), \d+ refused, at the limit [\d.]+ s per server \(AIMD \+\d+ −\d+\)\n/);
  });
});

describe('limit validation', () => {
  const base = (limit: unknown) => ({
    stop: { requests: 10 }, arrivals: { process: 'poisson', ratePerSec: 10 }, entry: 'a',
    services: { a: { servers: [{ count: 1 }], balancer: { name: 'round-robin' }, work: [{ work: constant(1) }], limit } },
  });
  const bad = (limit: unknown, message: RegExp) => expect(thrownScenarioError(() => run(base(limit))).message).toMatch(message);

  it('names the field, the value and what was expected', () => {
    bad({ static: 0 }, /^services\.a\.limit\.static: got 0, expected an integer from 1/);
    bad({}, /^services\.a\.limit: got \{\}, expected \{"static": n\} or \{"aimd"/);
    bad({ static: 2, aimd: {} }, /^services\.a\.limit: got/);
    bad({ aimd: { backoffRatio: 1 } }, /^services\.a\.limit\.aimd\.backoffRatio: got 1/);
    bad({ aimd: { minLimit: 5, maxLimit: 4 } }, /^services\.a\.limit\.aimd\.maxLimit: got 4/);
    bad({ aimd: { timeoutMs: 0 } }, /^services\.a\.limit\.aimd\.timeoutMs: got 0/);
    bad({ aimd: 3 }, /^services\.a\.limit\.aimd: got 3/);
    bad({ vegas: {} }, /^services\.a\.limit\.vegas/);
  });
});
