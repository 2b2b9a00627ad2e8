/**
 * What happens on an edge between services: hedges (first answer wins), deadlines over a whole
 * call, network latency each way, lost answers, and fallbacks that answer a failed call with a
 * degraded result. Each checked against what theory says, with conservation on every edge.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { thrownScenarioError } from '../scenario-error.js';
import { topologyMermaid } from '../../src/model/topology-diagram.js';
import { topologyTables } from '../../src/cli/topology-format.js';

const run = (scenario: unknown) => simulate(scenario as TopologyInput, { checked: true });
const pool = (count: number, extra: object = {}) => ({ servers: [{ count, ...extra }], balancer: { name: 'least-connections' } });
const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });

/** Every edge, service and the end-to-end view add up. */
function conserved(s: TopologySummary): void {
  const r = s.requests;
  expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight).toBe(r.arrived);
  expect(r.inFlight).toBe(0);
  for (const [name, e] of Object.entries(s.edges)) {
    expect(e.succeeded + e.failed + e.timedOut + e.dropped + e.rejected + e.cancelled + e.inFlight, name).toBe(e.calls);
    expect(e.attempts, name).toBe(e.calls + e.retries + e.hedges);
    expect(e.inFlight, name).toBe(0);
  }
  for (const [name, v] of Object.entries(s.services)) {
    expect(v.succeeded + v.failed + v.dropped + v.rejected + v.cancelled + v.inFlight, name).toBe(v.attempts);
    expect(v.inFlight, name).toBe(0);
  }
}

describe('hedges on an edge', () => {
  // db answers in 1 ms, but 5% of attempts take 100 ms. 200 single-slot servers at ~1.2 busy
  // slots on average: no queueing, so a call's latency is its attempts' service times.
  const slowTail = { dist: 'bimodal', p: 0.95, a: constant(1), b: constant(100) };
  const scenario = (edge: object) => ({
    seed: 11, stop: { requests: 20_000 }, arrivals: { process: 'poisson', ratePerSec: 200 }, entry: 'api',
    services: { api: { ...pool(4, { concurrency: 1000 }), work: [{ call: 'db' }] }, db: { ...pool(200), work: [{ work: slowTail }] } },
    calls: { 'api->db': edge },
  });

  it('a hedge after 5 ms cuts the p99 from the slow mode (100 ms) to 6 ms', () => {
    // Without a hedge 5% of calls take 100 ms > the 1% tail: p99 = 100. With one after 5 ms, a call
    // is slow only if both copies are (0.05² = 0.25% < 1%); otherwise the hedge answers at 5 + 1.
    const plain = run(scenario({}));
    const hedged = run(scenario({ hedge: { afterMs: 5 }, cancel: true }));
    expect(plain.latencyMs.p99).toBeCloseTo(100, 0);
    expect(hedged.latencyMs.p99).toBeCloseTo(6, 1);
    expect(hedged.latencyMs.max).toBeCloseTo(100, 6); // both copies slow: the first still answers at 100
    // A hedge goes out for each call still unanswered at 5 ms: Binomial(20,000, 0.05), sd 30.8.
    const e = hedged.edges['api->db'];
    expect(Math.abs(e.hedges - 1000)).toBeLessThan(4 * 30.8);
    expect(hedged.client.hedges).toBe(0); // the client -> api edge has none
    // With cancel, each hedged call's loser is withdrawn, its slot time so far wasted: the slow
    // first copy at 6 ms when the hedge wins (95%), else the hedge after 95 ms. The count of
    // both-slow calls is Binomial(hedges, 0.05): sd √(h · 0.05 · 0.95), each worth 89 ms more.
    expect(hedged.services.db.cancelled).toBe(e.hedges);
    const expected = e.hedges * (0.95 * 6 + 0.05 * 95);
    expect(Math.abs(hedged.services.db.wastedWorkMs - expected)).toBeLessThan(4 * 89 * Math.sqrt(e.hedges * 0.05 * 0.95));
    conserved(hedged);
    conserved(plain);
  });

  it('without cancel, the loser runs on as wasted work', () => {
    const s = run(scenario({ hedge: { afterMs: 5 } }));
    const e = s.edges['api->db'];
    expect(s.services.db.cancelled).toBe(0);
    // Each hedged call has one loser that runs its whole 100 ms for nobody: the slow first copy
    // when the hedge wins, else the hedge (sent at 5 ms, slow too, done at 105 ms).
    expect(s.services.db.wastedWorkMs).toBeCloseTo(e.hedges * 100, 6);
    conserved(s);
  });

  it('the client hedges the entry edge too (scenario client), counted in client.hedges', () => {
    const s = run({ ...scenario({}), client: { hedge: { afterMs: 5 } } });
    expect(s.client.hedges).toBe(s.edges['client->api'].hedges);
    expect(s.client.hedges).toBeGreaterThan(800);
    expect(s.latencyMs.p99).toBeCloseTo(6, 1);
    conserved(s);
  });
});

describe('deadlines on an edge', () => {
  const scenario = (edge: object) => ({
    seed: 12, stop: { requests: 20_000 }, arrivals: { process: 'poisson', ratePerSec: 200 }, entry: 'api',
    services: { api: { ...pool(4, { concurrency: 1000 }), work: [{ call: 'db' }] }, db: { ...pool(200), work: [{ work: { dist: 'exponential', meanMs: 10 } }] } },
    calls: { 'api->db': edge },
  });

  it('a deadline of 20 ms on Exp(10 ms) work times out e^-2 of the calls and caps the rest', () => {
    const s = run(scenario({ deadlineMs: 20 }));
    const e = s.edges['api->db'];
    // P(X > 20) = e^-2 = 0.1353; Binomial(20,000) sd = 48.4.
    expect(Math.abs(e.timedOut - 20_000 * Math.exp(-2))).toBeLessThan(4 * 48.4);
    expect(e.latencyMs.max).toBeLessThanOrEqual(20);
    expect(s.requests.failed).toBe(e.timedOut); // the api's attempt fails with its call
    conserved(s);
  });

  it('bounds the whole call, retries included', () => {
    // Each attempt times out at 8 ms and is retried up to 10 times: without the deadline a call could
    // last ~100 ms; with it, none lasts more than 20.
    const s = run(scenario({ deadlineMs: 20, timeoutMs: 8, cancel: true, retries: { max: 10, baseMs: 1, jitter: 'none' } }));
    const e = s.edges['api->db'];
    expect(e.retries).toBeGreaterThan(0);
    expect(e.timedOut).toBeGreaterThan(0);
    expect(e.latencyMs.max).toBeLessThanOrEqual(20);
    expect(s.latencyMs.max).toBeLessThanOrEqual(20);
    conserved(s);
  });
});

describe('network latency and loss on an edge', () => {
  it('a chain with constant latency L each way adds 2L per edge, exactly', () => {
    // a -> b -> c, 1 ms of work at each, L = 3 ms each way: 3 + 2·2L = 15 ms end to end.
    const L = 3;
    const s = run({
      seed: 13, stop: { requests: 2000 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'a',
      services: {
        a: { ...pool(50), work: [{ work: constant(1) }, { call: 'b' }] },
        b: { ...pool(50), work: [{ work: constant(1) }, { call: 'c' }] },
        c: { ...pool(50), work: [{ work: constant(1) }] },
      },
      calls: { 'a->b': { latencyMs: constant(L) }, 'b->c': { latencyMs: constant(L) } },
    });
    expect(s.requests.succeeded).toBe(2000);
    expect(s.latencyMs.mean).toBeCloseTo(3 + 4 * L, 9);
    expect(s.latencyMs.max).toBeCloseTo(3 + 4 * L, 9);
    expect(s.edges['b->c'].latencyMs.mean).toBeCloseTo(1 + 2 * L, 9); // the caller's view: both ways
    expect(s.services.c.latencyMs.mean).toBeCloseTo(1, 9); // the service's view: from arrival
    expect(s.edges['a->b'].latencyMs.mean).toBeCloseTo(2 + 4 * L, 9);
    conserved(s);
  });

  it('answers lost with probability p, retried r times: a call succeeds with probability 1 - p^(r+1)', () => {
    const n = 20_000, p = 0.3, r = 2;
    const s = run({
      seed: 14, stop: { requests: n }, arrivals: { process: 'poisson', ratePerSec: 200 }, entry: 'api',
      services: { api: { ...pool(4, { concurrency: 1000 }), work: [{ call: 'db' }] }, db: { ...pool(50), work: [{ work: constant(1) }] } },
      calls: { 'api->db': { loss: p, timeoutMs: 10, retries: { max: r, baseMs: 1, jitter: 'none' }, latencyMs: constant(0.5) } },
    });
    const q = 1 - p ** (r + 1), sd = Math.sqrt((q * (1 - q)) / n);
    expect(Math.abs(s.requests.succeeded / n - q)).toBeLessThan(4 * sd);
    const e = s.edges['api->db'];
    // Every answer is lost with probability p, whatever attempt it answers: Binomial(attempts, p).
    expect(Math.abs(e.lost / e.attempts - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / e.attempts));
    expect(e.timedOut).toBe(e.calls - e.succeeded); // the only way a call fails here
    expect(s.services.db.succeeded).toBe(e.attempts); // the server did every one
    conserved(s);
  });

  it('with cancel, a timeout withdraws an attempt still on its way to the callee', () => {
    // 5 ms each way, timeout 3 ms: every attempt is given up on before it arrives.
    const s = run({
      seed: 15, stop: { requests: 1000 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'api',
      services: { api: { ...pool(4, { concurrency: 100 }), work: [{ call: 'db' }] }, db: { ...pool(4), work: [{ work: constant(1) }] } },
      calls: { 'api->db': { latencyMs: constant(5), timeoutMs: 3, cancel: true } },
    });
    expect(s.requests.failed).toBe(1000);
    expect(s.services.db.cancelled).toBe(1000);
    expect(s.services.db.servers.every((x) => x.completed === 0)).toBe(true);
    conserved(s);
  });
});

describe('fallbacks', () => {
  const scenario = (step: object, calls: object = {}) => ({
    seed: 16, stop: { requests: 10_000 }, arrivals: { process: 'poisson', ratePerSec: 200 }, entry: 'web',
    services: {
      web: { ...pool(4, { concurrency: 100 }), work: [{ call: 'api' }] },
      api: { ...pool(4, { concurrency: 100 }), work: [{ work: constant(1) }, step] },
      db: { ...pool(10, { concurrency: 10 }), work: [{ work: constant(1) }, { fail: 0.4 }] },
      cache: { ...pool(10, { concurrency: 10 }), work: [{ work: constant(1) }] },
    },
    calls,
  });

  it('a failed call answered by a fallback lets every request succeed, 40% of them degraded', () => {
    const plain = run(scenario({ call: 'db' }));
    const s = run(scenario({ call: 'db', fallback: true }));
    expect(Math.abs(plain.requests.failed - 4000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.4 * 0.6));
    expect(s.requests.succeeded).toBe(10_000);
    const e = s.edges['api->db'];
    expect(e.fallbacks).toBe(e.failed); // every failed call was answered by the fallback
    expect(s.services.api.fallbacks).toBe(e.fallbacks);
    expect(s.degraded).toBe(e.fallbacks); // one call per request: each fallback degrades its request
    expect(Math.abs(s.degraded - 4000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.4 * 0.6));
    expect(s.edges['web->api'].fallbacks).toBe(0);
    expect(plain.degraded).toBe(0);
    conserved(s);
  });

  it('after the edge policy gave up: retries first, the fallback only for what still failed', () => {
    const s = run(scenario({ call: 'db', fallback: true }, { 'api->db': { retries: { max: 1, baseMs: 1, jitter: 'none' } } }));
    // Two attempts fail with probability 0.4² = 0.16.
    expect(Math.abs(s.degraded - 1600)).toBeLessThan(4 * Math.sqrt(10_000 * 0.16 * 0.84));
    expect(s.requests.succeeded).toBe(10_000);
    conserved(s);
  });

  it('in a parallel step each failed call is answered by its fallback', () => {
    const s = run(scenario({ parallel: ['db', 'cache'], need: 'all', fallback: true }));
    expect(s.requests.succeeded).toBe(10_000);
    expect(s.edges['api->db'].fallbacks).toBe(s.edges['api->db'].failed);
    expect(s.edges['api->cache'].fallbacks).toBe(0);
    expect(s.degraded).toBe(s.edges['api->db'].fallbacks);
    conserved(s);
  });
});

describe('everything on the edges at once', () => {
  it('hedges, deadlines, latency, loss, retries, cancel, breakers and fallbacks conserve calls, checked', () => {
    const s = run({
      seed: 17, stop: { requests: 20_000, warmupMs: 500 }, arrivals: { process: 'poisson', ratePerSec: 900 }, entry: 'api',
      client: { timeoutMs: 80, deadlineMs: 150, retries: { max: 1 }, hedge: { percentile: 95, afterMs: 30 } },
      services: {
        api: { ...pool(4, { concurrency: 8, queueLimit: 20 }), work: [{ work: { dist: 'exponential', meanMs: 1 } }, { parallel: ['db', 'cache'], need: 'any', hold: false }, { call: 'search', fallback: true }] },
        db: { ...pool(2, { concurrency: 2, queueLimit: 5 }), work: [{ work: { dist: 'exponential', meanMs: 3 } }, { fail: 0.05 }] },
        cache: { ...pool(1, { queueLimit: 2 }), work: [{ work: { dist: 'exponential', meanMs: 0.8 } }] },
        search: { ...pool(2, { concurrency: 4 }), work: [{ work: { dist: 'lognormal', medianMs: 2, p99Ms: 40 } }] },
      },
      calls: {
        'api->db': { timeoutMs: 20, deadlineMs: 45, retries: { max: 2, baseMs: 2 }, hedge: { afterMs: 10 }, latencyMs: { dist: 'exponential', meanMs: 0.5 }, loss: 0.02, cancel: true },
        'api->cache': { timeoutMs: 5, cancel: true, latencyMs: constant(0.2) },
        'api->search': { timeoutMs: 15, hedge: { afterMs: 8, max: 2 }, breaker: { window: 50, minCalls: 20 }, maxConcurrent: 30 },
      },
    });
    conserved(s);
    expect(s.edges['api->db'].hedges).toBeGreaterThan(0);
    expect(s.edges['api->db'].lost).toBeGreaterThan(0);
    expect(s.edges['api->search'].hedges).toBeGreaterThan(0);
    expect(s.client.hedges).toBeGreaterThan(0);
    expect(s.transitions.request['pending->succeeded']).toBeGreaterThan(0);
  });
});

describe('edge fields are validated', () => {
  const base = {
    stop: { requests: 10 }, arrivals: { process: 'poisson', ratePerSec: 10 }, entry: 'a',
    services: { a: { ...pool(1), work: [{ call: 'b' }] }, b: { ...pool(1), work: [{ work: constant(1) }] } },
  };
  const bad = (patch: object, path: RegExp) => expect(thrownScenarioError(() => run({ ...base, ...patch })).message).toMatch(path);

  it('names the path, the value and what was expected', () => {
    bad({ calls: { 'a->b': { loss: 0.1 } } }, /^calls\["a->b"\]\.loss: got 0\.1, expected .*"timeoutMs" or "deadlineMs"/);
    bad({ calls: { 'a->b': { loss: 1.5, timeoutMs: 5 } } }, /^calls\["a->b"\]\.loss: got 1\.5/);
    bad({ calls: { 'a->b': { latencyMs: { dist: 'constant', valueMs: -1 } } } }, /^calls\["a->b"\]\.latencyMs/);
    bad({ calls: { 'a->b': { latencyMs: 3 } } }, /^calls\["a->b"\]\.latencyMs: got 3/);
    bad({ calls: { 'a->b': { hedge: {} } } }, /^calls\["a->b"\]\.hedge: got/);
    bad({ services: { a: { ...pool(1), work: [{ call: 'b', fallback: 'yes' }] }, b: base.services.b } }, /^services\.a\.work\[0\]\.fallback: got "yes"/);
    bad({ services: { a: { ...pool(1), work: [{ parallel: ['b'], fallback: 1 }] }, b: base.services.b } }, /^services\.a\.work\[0\]\.fallback: got 1/);
    bad({ client: { connectTimeoutMs: 5 } }, /^client\.connectTimeoutMs/);
  });

  it('accepts deadlines, hedges, latency and loss per edge and on the client', () => {
    const s = run({ ...base, client: { deadlineMs: 50, hedge: { afterMs: 5 } }, calls: { 'a->b': { deadlineMs: 20, hedge: { afterMs: 2 }, latencyMs: constant(1), loss: 0.5 } } });
    expect(s.requests.arrived).toBe(10);
    conserved(s);
  });
});

describe('edge features in the diagram and the run table', () => {
  it('name hedges, lost answers, fallbacks and degraded requests where there were any', () => {
    const s = run({
      seed: 18, stop: { requests: 2000 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'a',
      services: {
        a: { ...pool(4, { concurrency: 100 }), work: [{ call: 'b', fallback: true }] },
        b: { ...pool(20), work: [{ work: { dist: 'bimodal', p: 0.9, a: constant(1), b: constant(50) } }] },
      },
      calls: { 'a->b': { timeoutMs: 20, hedge: { afterMs: 5 }, loss: 0.1, cancel: true } },
    });
    const e = s.edges['a->b'];
    expect(e.hedges * e.lost * e.fallbacks).toBeGreaterThan(0);
    expect(s.degraded).toBe(e.fallbacks);
    expect(topologyMermaid(s)).toContain(`${e.hedges} hedges · ${e.lost} lost · ${e.fallbacks} fallbacks`);
    const text = topologyTables(s);
    expect(text).toContain(`edge a->b: ${e.hedges} hedges, ${e.lost} answers lost, ${e.fallbacks} fallbacks\n`);
    expect(text).toContain(`degraded: ${s.degraded} requests succeeded with a fallback below\n`);
    expect(text).not.toContain('edge client->a:');
  });
});
