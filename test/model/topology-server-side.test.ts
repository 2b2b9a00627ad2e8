/**
 * Services calling services, what happens at a service's servers: adaptive LIFO shedding,
 * closed-loop users at the entry.
 */
import { describe, expect, it } from 'vitest';
import { createTopologyModel, simulate, type TopologyInput } from '../../src/index.js';
import type { ServiceSummary, TopologySummary } from '../../src/model/topology-summary.js';

const run = (scenario: unknown): TopologySummary => simulate(scenario as TopologyInput);
const pool = (count: number, extra: object = {}) => ({ servers: [{ count, ...extra }], balancer: { name: 'least-connections' } });
const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });
const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });

/** attempts = succeeded + failed + dropped + rejected + cancelled + inFlight */
const conserved = (k: ServiceSummary) => expect(k.succeeded + k.failed + k.dropped + k.rejected + k.cancelled + k.inFlight).toBe(k.attempts);

describe('adaptive LIFO at a service', () => {
  const overloaded = (discipline: string) => run({
    // b serves 100/s (one slot, 10 ms each) and is offered 150/s: without shedding its queue grows without end.
    seed: 4, stop: { requests: 6000 }, arrivals: { process: 'poisson', ratePerSec: 150 }, entry: 'a',
    services: {
      a: { ...pool(200), work: [{ call: 'b' }] },
      b: { ...pool(1, { discipline }), work: [{ work: constant(10) }] },
    },
  });

  it('sheds attempts that waited longer than the interval: an answer takes at most queueIntervalMs + the work', () => {
    // An attempt is served only if it waited ≤ the bound in force (queueTargetMs 5 or queueIntervalMs 100).
    const s = overloaded('adaptive-lifo'), b = s.services.b;
    expect(b.latencyMs.max).toBeLessThanOrEqual(100 + 10 + 1e-9);
    expect(b.dropped).toBeGreaterThan(0);
    conserved(b);
    // Every drop fails its caller's attempt (no retries), and that fails the entry request.
    expect(s.services.a.failed).toBe(b.dropped);
    expect(s.requests.dropped + s.requests.failed).toBe(b.dropped);
    // The served rate is the capacity, 100/s: the shed share is about 1/3 of 150/s.
    expect(b.dropped / b.attempts).toBeGreaterThan(0.25);
    expect(b.dropped / b.attempts).toBeLessThan(0.4);
  });

  it('without it the same overload makes the queue, and the latency, grow with the run', () => {
    const s = overloaded('fifo'), b = s.services.b;
    expect(b.dropped).toBe(0);
    // a's 200 slots held while waiting bound b's queue (200 × 10 ms); the backlog waits at a:
    // 6000 arrivals in ~40 s, served at 100/s, the last waits ~ (6000 − 4000) × 10 ms.
    expect(b.latencyMs.max).toBeGreaterThan(1900);
    expect(s.latencyMs.max).toBeGreaterThan(10_000);
  });

  it('sheds attempts queued again after their call (hold: false) by the time they queued again', () => {
    const scenario = {
      seed: 5, stop: { requests: 4000 }, arrivals: { process: 'poisson', ratePerSec: 150 }, entry: 'a',
      services: {
        a: { ...pool(1, { discipline: 'adaptive-lifo' }), work: [{ call: 'b', hold: false }, { work: constant(10) }] },
        b: { ...pool(50), work: [{ work: constant(1) }], limit: { aimd: { minLimit: 1, initialLimit: 2, timeoutMs: 2 } } },
      },
    };
    createTopologyModel(scenario as TopologyInput, { checked: true }).run(); // every transition by its machine
    const s = run(scenario);
    const a = s.services.a;
    expect(a.dropped).toBeGreaterThan(0);
    conserved(a);
    conserved(s.services.b);
    // Queued at most 100 ms before its call (sent at once to b, 1 ms), at most 100 ms after, work 10 ms.
    expect(a.latencyMs.max).toBeLessThanOrEqual(100 + 1 + 100 + 10 + 1e-9);
    expect(s.requests.succeeded + s.requests.dropped + s.requests.failed).toBe(4000);
  });
});

describe('closed-loop users at the entry', () => {
  it('N users thinking Z between requests through two services match mean value analysis, and R = N/X − Z', () => {
    // Think (delay Z) → a (one server, Exp mean 5 ms) → b (one server, Exp mean 8 ms), hold: false so
    // that a request holds one station at a time: a closed product-form network. Exact MVA:
    // R_k(n) = S_k (1 + Q_k(n − 1)), X(n) = n / (Z + Σ R_k(n)), Q_k(n) = X(n) R_k(n).
    const N = 10, Z = 100, S = [5, 8], n = 300_000;
    const s = run({
      seed: 7, stop: { requests: n }, arrivals: { process: 'closed', clients: N, thinkMs: exp(Z) }, entry: 'a',
      services: {
        a: { ...pool(1), work: [{ work: exp(S[0]) }, { call: 'b', hold: false }] },
        b: { ...pool(1), work: [{ work: exp(S[1]) }] },
      },
    });
    let q = [0, 0], x = 0;
    for (let k = 1; k <= N; k++) {
      const r = S.map((sk, i) => sk * (1 + q[i]));
      x = k / (Z + r[0] + r[1]);
      q = r.map((ri) => x * ri);
    }
    const X = s.throughputPerSec / 1000; // per ms
    expect(s.requests.succeeded).toBe(n);
    expect(Math.abs(X / x - 1)).toBeLessThan(0.01);
    // The interactive response-time law holds up to the sampled mean think time: sd Z/√n.
    expect(Math.abs(N / X - Z - s.latencyMs.mean)).toBeLessThan(4 * Z / Math.sqrt(n));
    expect(s.requests.inFlight).toBe(0);
  });

  it('never has more than N entry requests in flight, however slow the services', () => {
    const s = run({
      seed: 8, stop: { timeMs: 5000 }, arrivals: { process: 'closed', clients: 5, thinkMs: constant(1) }, entry: 'a',
      services: { a: { ...pool(1), work: [{ call: 'b' }] }, b: { ...pool(1), work: [{ work: exp(20) }] } },
    });
    expect(s.services.b.servers[0].meanQueueLength).toBeLessThan(5);
    expect(s.requests.inFlight).toBeLessThanOrEqual(5);
    expect(s.services.b.utilization).toBeGreaterThan(0.95);
  });
});
