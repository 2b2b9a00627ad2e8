/**
 * Services calling services: theory (a tandem is a Jackson network; a fan-out waits for the
 * slowest of k), conservation per edge and end to end, retry amplification across tiers, and
 * validation of topology scenarios.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { thrownScenarioError } from '../scenario-error.js';
import { topologyMermaid } from '../../src/model/topology-diagram.js';
import { topologyTables } from '../../src/cli/topology-format.js';

const run = (scenario: unknown) => simulate(scenario as TopologyInput);
const pool = (count: number, extra: object = {}) => ({ servers: [{ count, ...extra }], balancer: { name: 'least-connections' } });
const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });

describe('topologies against queueing theory', () => {
  it('a chain of two single-server services that call on without holding their slot is a tandem: Σ 1/(μᵢ − λ)', () => {
    // λ = 0.5/ms, μ₁ = 1, μ₂ = 1.25: 2 + 1.333 ms. By Reich's theorem a customer's stage sojourns
    // are independent M/M/1 sojourns; the sd of the mean is at most the sum of the stages' sds,
    // each √(2(1 + ρ)/n)/(1 − ρ) relative (n = 4·10⁵): 0.011 + 0.0059 ms. Tolerance 4 × that.
    const n = 400_000;
    const s = run({
      seed: 1, stop: { requests: n, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 500 }, entry: 'front',
      services: {
        front: { ...pool(1), work: [{ work: exp(1) }, { call: 'back', hold: false }] },
        back: { ...pool(1), work: [{ work: exp(0.8) }] },
      },
    });
    const sd = 2 * Math.sqrt((2 * 1.5) / n) / 0.5 + (4 / 3) * Math.sqrt((2 * 1.4) / n) / 0.6;
    expect(Math.abs(s.latencyMs.mean - (2 + 4 / 3))).toBeLessThan(4 * sd);
    expect(s.services.front.utilization).toBeCloseTo(0.5, 1);
    expect(s.services.back.utilization).toBeCloseTo(0.4, 1);
  });

  it.each([[1, 'all'], [4, 'all'], [4, 'any'], [3, 2]] as const)('a fan-out over %i exponential branches with need %s waits for the right order statistic', (k, need) => {
    // No queueing (200 servers per service at 0.5% load): the k-th... E[X_(j:k)] = Σ_{i=k−j+1}^{k} 1/(iμ)
    // for the j-th smallest of k Exp(μ). sd of the mean: √(Σ 1/(iμ)²/n); tolerance 4 sd.
    const n = 100_000, meanMs = 10;
    const names = Array.from({ length: k }, (_, i) => `b${i}`);
    const services: Record<string, object> = { front: { ...pool(200), work: [{ parallel: names, need }] } };
    for (const name of names) services[name] = { ...pool(200), work: [{ work: exp(meanMs) }] };
    const s = run({ seed: 2, stop: { requests: n }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'front', services });
    const j = need === 'all' ? k : need === 'any' ? 1 : need;
    let mean = 0, variance = 0;
    for (let i = k - j + 1; i <= k; i++) {
      mean += meanMs / i;
      variance += (meanMs / i) ** 2;
    }
    expect(s.requests.succeeded).toBe(n);
    expect(Math.abs(s.latencyMs.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
  });
});

/** a → b → c, the bottom always failing, every edge (the client's too) with policy `retry`. */
const threeTiers = (retry: object, requests: number, ratePerSec: number) => run({
  seed: 3, stop: { requests }, arrivals: { process: 'poisson', ratePerSec }, entry: 'a', client: retry,
  services: {
    a: { ...pool(50), work: [{ call: 'b' }] },
    b: { ...pool(50), work: [{ call: 'c' }] },
    c: { ...pool(50), work: [{ work: exp(1) }, { fail: 1 }] },
  },
  calls: { 'a->b': retry, 'b->c': retry },
});

describe('calls between services', () => {
  it('three tiers retrying 3 times each send 4³ = 64 attempts to a bottom that always fails', () => {
    const s = threeTiers({ timeoutMs: 1000, retries: { max: 3, baseMs: 1, jitter: 'none' } }, 200, 10);
    expect(s.requests.failed).toBe(200);
    expect(s.edges['client->a'].amplification).toBe(4);
    expect(s.edges['a->b'].amplification).toBe(16);
    expect(s.edges['b->c'].amplification).toBe(64);
    expect(s.services.c.attempts).toBe(64 * 200);
  });

  it('a retry budget caps the amplification at every tier', () => {
    const s = threeTiers({ retries: { max: 3, baseMs: 1, jitter: 'none', budget: { ratio: 0.1, minPerSec: 0, burst: 10 } } }, 2000, 100);
    // Each edge retries at most ~10% of its calls (plus the burst): ≤ 1.1 attempts per call.
    expect(s.edges['client->a'].amplification).toBeLessThan(1.11);
    expect(s.edges['b->c'].amplification).toBeLessThan(1.11 ** 3 + 0.02);
  });

  it('conserves calls on every edge and requests end to end, with timeouts, drops and retries', () => {
    const s = run({
      seed: 4, stop: { requests: 20_000, warmupMs: 500 }, arrivals: { process: 'poisson', ratePerSec: 900 }, entry: 'api',
      client: { timeoutMs: 60, retries: { max: 1 } },
      services: {
        api: { ...pool(4, { concurrency: 4, queueLimit: 20 }), work: [{ work: exp(1) }, { parallel: ['db', 'cache'], need: 'any' }, { work: exp(0.5) }] },
        db: { ...pool(2, { queueLimit: 5 }), work: [{ work: exp(3) }, { fail: 0.02 }] },
        cache: { ...pool(1, { queueLimit: 2 }), work: [{ work: exp(0.8) }], },
      },
      calls: { 'api->db': { timeoutMs: 20, retries: { max: 2, baseMs: 2 } }, 'api->cache': { timeoutMs: 5, cancel: true } },
    });
    const r = s.requests;
    expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight).toBe(r.arrived);
    expect(r.inFlight).toBe(0);
    for (const [name, e] of Object.entries(s.edges)) {
      expect(e.succeeded + e.failed + e.timedOut + e.dropped + e.rejected + e.cancelled + e.inFlight, name).toBe(e.calls);
      expect(e.attempts, name).toBe(e.calls + e.retries);
    }
    for (const [name, v] of Object.entries(s.services)) {
      expect(v.succeeded + v.failed + v.dropped + v.rejected + v.cancelled + v.inFlight, name).toBe(v.attempts);
    }
    expect(s.edges['api->cache'].cancelled + s.edges['api->db'].cancelled).toBeGreaterThan(0); // need: any
    expect(s.edges['api->db'].timedOut + s.edges['api->cache'].timedOut).toBeGreaterThan(0);
    expect(s.services.db.dropped + s.services.cache.dropped).toBeGreaterThan(0);
  });

  it('a slow dependency holding its callers\' slots fails requests that never touch it; a short timeout on the edge saves them', () => {
    // api has 8 slots; half its requests call `slow` (100 ms), the other half only work 1 ms.
    const scenario = (calls: object) => ({
      seed: 5, stop: { requests: 20_000, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'api',
      services: {
        api: { ...pool(1, { concurrency: 8, queueLimit: 10 }), work: [{ work: exp(1) }, { call: 'slow', p: 0.5 }] },
        slow: { ...pool(1, { concurrency: 64 }), work: [{ work: { dist: 'constant', valueMs: 100 } }] },
      },
      calls,
    });
    const held = run(scenario({}));
    const guarded = run(scenario({ 'api->slow': { timeoutMs: 5, cancel: true } }));
    // Held: 200/s × 0.1 s = 20 slots wanted > 8: the queue fills and drops requests of both kinds.
    expect(held.requests.dropped / held.requests.arrived).toBeGreaterThan(0.3);
    expect(guarded.requests.dropped / guarded.requests.arrived).toBeLessThan(0.01);
    expect(guarded.requests.failed / guarded.requests.arrived).toBeGreaterThan(0.4); // the slow half fails fast instead
  });
});

describe('protection on edges', () => {
  const flaky = (calls: object) => run({
    seed: 6, stop: { requests: 5000 }, arrivals: { process: 'poisson', ratePerSec: 200 }, entry: 'api',
    services: {
      api: { ...pool(1, { concurrency: 100 }), work: [{ work: exp(1) }, { call: 'down' }] },
      down: { ...pool(1, { concurrency: 100 }), work: [{ work: { dist: 'constant', valueMs: 200 } }, { fail: 1 }] },
    },
    calls,
  });

  it('a circuit breaker turns a slow failure into a fast one', () => {
    const slow = flaky({});
    const broken = flaky({ 'api->down': { breaker: { window: 20, minCalls: 10, failureRatePercent: 50, openMs: 1000, halfOpenCalls: 2 } } });
    expect(slow.requests.failed).toBe(5000);
    expect(broken.requests.failed).toBe(5000);
    const e = broken.edges['api->down'];
    expect(e.refused / e.attempts).toBeGreaterThan(0.9); // most attempts fail at once, at the breaker
    expect(broken.services.down.attempts).toBeLessThan(slow.services.down.attempts / 10);
    expect(broken.services.api.utilization).toBeLessThan(slow.services.api.utilization / 10); // slots are not held 200 ms
    expect(e.breaker!.transitions['closed->open']).toBe(1);
    expect(e.breaker!.transitions['open->half-open']).toBeGreaterThan(10);
    // Open 1 s, then half-open while two 200 ms trials fail: open ≈ 1000/1200 of the time.
    expect(e.breaker!.stateTimeMs.open).toBeGreaterThan(0.75 * broken.simTimeMs);
    expect(e.breaker!.stateTimeMs['half-open']).toBeGreaterThan(0.1 * broken.simTimeMs);
  });

  it('a time-based breaker counts the outcomes of its last windowMs (1 s buckets), and waits for minCalls among them', () => {
    // Attempt k = 1, 2, ... at 10k ms fails 5 ms later, at 10k + 5. A 2 s window holds seconds 0
    // and 1 (up to 200 outcomes): the 150th (at 1505 ms) reaches minCalls 150, all failed, and it
    // opens; the next attempt (1510 ms) is refused. A 1 s window holds at most
    // the 100 outcomes of one second: never minCalls, never open. A count-based window of 150 opens
    // on the same 150th outcome.
    const timed = (breaker: object) => run({
      seed: 1, stop: { timeMs: 5000 }, arrivals: { process: 'constant', ratePerSec: 100 }, entry: 'api',
      services: {
        api: { ...pool(1, { concurrency: 100 }), work: [{ call: 'down' }] },
        down: { ...pool(1, { concurrency: 100 }), work: [{ work: { dist: 'constant', valueMs: 5 } }, { fail: 1 }] },
      },
      calls: { 'api->down': { breaker: { failureRatePercent: 50, openMs: 1e9, halfOpenCalls: 1, minCalls: 150, ...breaker } } },
    });
    const two = timed({ windowType: 'time', windowMs: 2000 });
    expect(two.edges['api->down'].breaker!.transitions['closed->open']).toBe(1);
    expect(two.services.down.attempts).toBe(150);
    expect(two.edges['api->down'].breaker!.stateTimeMs.closed).toBe(1505);
    const one = timed({ windowType: 'time', windowMs: 1000 });
    expect(one.edges['api->down'].breaker!.transitions['closed->open'] ?? 0).toBe(0);
    expect(one.services.down.attempts).toBe(500);
    const counted = timed({ window: 150 });
    expect(counted.services.down.attempts).toBe(150);
  });

  it('a time-based breaker is validated naming the field', () => {
    const bad = (breaker: object) => thrownScenarioError(() => run({
      seed: 1, stop: { requests: 10 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'api',
      services: { api: { ...pool(1), work: [{ call: 'down' }] }, down: { ...pool(1), work: [{ work: exp(1) }] } },
      calls: { 'api->down': { breaker } },
    }));
    expect(bad({ windowType: 'rolling' }).path).toBe('calls["api->down"].breaker.windowType');
    expect(bad({ windowType: 'time', windowMs: 2500 }).message).toContain('whole number of seconds');
    expect(bad({ windowType: 'time', windowMs: 0 }).path).toBe('calls["api->down"].breaker.windowMs');
    expect(bad({ windowType: 'time', window: 10 }).path).toBe('calls["api->down"].breaker.window');
    expect(bad({ windowMs: 10_000 }).path).toBe('calls["api->down"].breaker.windowMs');
  });

  it('a bulkhead caps the attempts in flight over an edge and refuses the rest at once', () => {
    const s = flaky({ 'api->down': { maxConcurrent: 5 } });
    const e = s.edges['api->down'];
    expect(e.refused).toBeGreaterThan(0);
    // 200/s × 0.2 s = 40 wanted in flight; at most 5 at a time reach `down`.
    expect(s.services.down.attempts).toBeLessThan(5000 * (5 / 40) * 1.3);
    expect(e.succeeded + e.failed + e.timedOut + e.dropped + e.rejected + e.cancelled + e.inFlight).toBe(e.calls);
  });

  it('a breaker opening with a queue at the caller refuses it iteratively (no stack overflow)', () => {
    // Every queued attempt is refused at once and hands its slot on: this recursed past the stack.
    const s = run({
      stop: { requests: 10_000 }, arrivals: { process: 'poisson', ratePerSec: 2000 }, entry: 'api',
      services: {
        api: { ...pool(1, { concurrency: 8 }), work: [{ call: 'payments' }] },
        payments: { ...pool(1, { concurrency: 64 }), work: [{ work: { dist: 'constant', valueMs: 200 } }, { fail: 1 }] },
      },
      calls: { 'api->payments': { breaker: { window: 100, minCalls: 100 } } },
    });
    expect(s.requests.failed).toBe(10_000);
  });

  it('cancelling branches no longer needed is not a failure: breakers on healthy services stay closed', () => {
    const s = run({
      seed: 7, stop: { requests: 2000 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'a',
      services: {
        a: { ...pool(10, { concurrency: 10 }), work: [{ parallel: ['b', 'c'], need: 'any' }] },
        b: { ...pool(10, { concurrency: 10 }), work: [{ work: exp(10) }] },
        c: { ...pool(10, { concurrency: 10 }), work: [{ work: exp(10) }] },
      },
      calls: { 'a->b': { cancel: true, breaker: { window: 20, minCalls: 10 } }, 'a->c': { cancel: true, breaker: { window: 20, minCalls: 10 } } },
    });
    expect(s.requests.succeeded).toBe(2000);
    expect(s.edges['a->b'].failed + s.edges['a->c'].failed).toBe(0);
    expect(s.edges['a->b'].cancelled + s.edges['a->c'].cancelled).toBe(2000); // one loser per request
    expect(s.edges['a->b'].breaker!.transitions).toEqual({});
  });

  it('unneeded branches that run on (no cancel) count as wasted work', () => {
    const s = run({
      seed: 7, stop: { requests: 2000 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'a',
      services: {
        a: { ...pool(10, { concurrency: 10 }), work: [{ parallel: ['b', 'c'], need: 'any' }] },
        b: { ...pool(10, { concurrency: 10 }), work: [{ work: exp(10) }] },
        c: { ...pool(10, { concurrency: 10 }), work: [{ work: exp(10) }] },
      },
    });
    // The loser of each race runs on for nobody: its whole slot time, E[max of two Exp(10 ms)] =
    // 15 ms, is wasted: ~30,000 ms over 2,000 requests (sd ~ 2.5%).
    expect(s.services.b.wastedWorkMs + s.services.c.wastedWorkMs).toBeGreaterThan(2000 * 13);
  });

  it('a fan-out to two copies of one single-slot service with cancel and failures ends every request', () => {
    // Starting the next queued attempt inside the code that freed the slot freed rows twice and
    // left 999 of 1000 requests hanging (found by review).
    const s = run({
      stop: { requests: 1000 }, arrivals: { process: 'poisson', ratePerSec: 20 }, entry: 'p',
      services: {
        p: { ...pool(1, { concurrency: 100 }), work: [{ parallel: ['S', 'S'], need: 'all' }] },
        S: { ...pool(1), work: [{ fail: 0.5 }, { work: exp(1) }] },
      },
      calls: { 'p->S': { cancel: true } },
    });
    expect(s.requests.inFlight).toBe(0);
    expect(s.requests.succeeded + s.requests.failed).toBe(1000);
  });

  it('balancers that learn from outcomes hear them: join-idle-queue beats random on a half-slow pool', () => {
    const at = (name: string) => run({
      seed: 8, stop: { requests: 20_000 }, arrivals: { process: 'poisson', ratePerSec: 2000 }, entry: 'a',
      services: { a: { servers: [{ count: 5 }, { count: 5, speed: 0.2 }], balancer: { name }, work: [{ work: exp(1) }] } },
    }).latencyMs.mean;
    expect(at('join-idle-queue')).toBeLessThan(at('random') / 5);
  });
});

describe('choosing the balancer of a service', () => {
  it('options.services replaces one service\'s policy and labels the summary with it', () => {
    const scenario = {
      seed: 9, stop: { requests: 5000 }, arrivals: { process: 'poisson', ratePerSec: 800 }, entry: 'a',
      services: { a: { ...pool(2, { concurrency: 8 }), work: [{ call: 'b' }] }, b: { ...pool(4), work: [{ work: exp(4) }] } },
    };
    const rr = simulate(scenario as TopologyInput, { services: { b: 'round-robin' } });
    const p2c = simulate(scenario as TopologyInput, { services: { b: { name: 'p2c', choices: 3 } } });
    expect(rr.label).toBe('b=round-robin');
    expect(p2c.label).toBe('b=power-of-two choices=3');
    expect(p2c.latencyMs.mean).toBeLessThan(rr.latencyMs.mean);
    expect(() => simulate(scenario as TopologyInput, { services: { z: 'random' } })).toThrow(/options\.services\.z: got "z"/);
  });
});

describe('the topology as a Mermaid flowchart', () => {
  it('draws every service and edge with what was measured', () => {
    const s = run({
      seed: 1, stop: { requests: 1000 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'a',
      services: { a: { ...pool(2), work: [{ call: 'b' }] }, b: { ...pool(1), work: [{ work: exp(1) }] } },
      calls: { 'a->b': { retries: { max: 1 } } },
    });
    const text = topologyMermaid(s);
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text).toContain('s0["a<br/>2 servers');
    expect(text).toMatch(/client -->\|"1\/req · ok 100% · [0-9.]+ ms"\| s0/);
    expect(text).toMatch(/s0 -->\|"1\/req · ok 100% · [0-9.]+ ms"\| s1/);
  });
});

describe('an edge no call went over', () => {
  it('is drawn as such, and a breaker that never moved has no list of moves', () => {
    // p = 10⁻⁹: among 50 requests none calls b.
    const s = run({
      seed: 1, stop: { requests: 50 }, arrivals: { process: 'poisson', ratePerSec: 10 }, entry: 'a',
      services: { a: { ...pool(1), work: [{ call: 'b', p: 1e-9 }] }, b: { ...pool(1), work: [{ work: exp(1) }] } },
      calls: { 'a->b': { breaker: {} } },
    });
    expect(s.edges['a->b'].calls).toBe(0);
    expect(topologyMermaid(s)).toContain('s0 -->|"0/req · no calls"| s1');
    expect(topologyTables(s)).toMatch(/^breaker a->b: closed 5\.\d+ s, open 0 s, half-open 0 s$/m);
  });
});

describe('topology scenarios are validated', () => {
  const base = {
    stop: { requests: 10 }, arrivals: { process: 'poisson', ratePerSec: 10 }, entry: 'a',
    services: { a: { ...pool(1), work: [{ call: 'b' }] }, b: { ...pool(1), work: [{ work: exp(1) }] } },
  };
  const bad = (patch: object, path: RegExp) => expect(thrownScenarioError(() => run({ ...base, ...patch })).message).toMatch(path);

  it('refuses unknown services, cycles, self-calls, bad need and unknown edges, naming the path', () => {
    bad({ services: { a: { ...pool(1), work: [{ call: 'nope' }] } } }, /^services\.a\.work\[0\]\.call: got "nope"/);
    bad({ services: { a: { ...pool(1), work: [{ call: 'b' }] }, b: { ...pool(1), work: [{ call: 'a' }] } } }, /^services: got "a -> b -> a".*without a cycle/);
    bad({ services: { a: { ...pool(1), work: [{ call: 'a' }] } } }, /services\.a\.work\[0\]\.call.*calling itself/);
    bad({ services: { a: { ...pool(1), work: [{ parallel: ['b'], need: 2 }] }, b: base.services.b } }, /services\.a\.work\[0\]\.need: got 2/);
    bad({ calls: { 'b->a': { timeoutMs: 1 } } }, /calls\["b->a"\]: got "b->a", expected an edge some service calls: a->b/);
    bad({ entry: 'z' }, /^entry: got "z"/);
    bad({ servers: [{ count: 1 }] }, /^servers: .*belongs to each service/);
    bad({ calls: { 'a->b': { connectTimeoutMs: 5 } } }, /calls\["a->b"\]\.connectTimeoutMs/);
    bad({ services: { a: { ...pool(1), work: [{ fail: 2 }] } } }, /services\.a\.work\[0\]\.fail: got 2/);
    bad({ services: { a: { ...pool(1), work: [{ sleep: 2 }] } } }, /services\.a\.work\[0\]: got/);
    bad({ calls: { 'a->b': { breaker: { window: 5, minCalls: 6 } } } }, /calls\["a->b"\]\.breaker\.minCalls: got 6/);
    bad({ calls: { 'a->b': { maxConcurrent: 0 } } }, /calls\["a->b"\]\.maxConcurrent: got 0/);
    bad({ entry: 'client', services: { client: { ...pool(1), work: [] } } }, /services\.client: got "client"/);
    const chain: Record<string, object> = {};
    for (let i = 0; i < 70; i++) chain[`s${i}`] = { ...pool(1), work: i < 69 ? [{ call: `s${i + 1}` }] : [] };
    bad({ entry: 's0', services: chain }, /^services: got "a chain of 70 services"/);
    const wide: Record<string, object> = {};
    for (let i = 0; i < 3; i++) wide[`t${i}`] = { ...pool(1), work: i < 2 ? [{ parallel: Array(1000).fill(`t${i + 1}`) }] : [] };
    bad({ entry: 't0', services: wide }, /^services: got "1001001 attempts per request"/);
  });

  it('keeps single-pool scenarios as they were: the same summary with and without the topology code', () => {
    const single = simulate({ stop: { requests: 1000 }, servers: [{ count: 2 }], arrivals: { process: 'poisson', ratePerSec: 100 }, service: exp(5), balancer: { name: 'round-robin' } });
    expect('services' in single).toBe(false);
    expect(single.requests.succeeded).toBe(1000);
  });
});
