/** Failures and health checks per service of a topology. */
import { describe, expect, it } from 'vitest';
import { createTopologyModel, parseScenario, simulate, type TopologyInput } from '../../src/index.js';
import type { ServiceSummary, TopologySummary } from '../../src/model/topology-summary.js';
import { thrownScenarioError } from '../scenario-error.js';

const run = (scenario: unknown): TopologySummary => simulate(scenario as TopologyInput);
const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });

/** a (many slots) calls b (4 servers); b's own sections in `b`, a's edge policy in `edge`. */
const twoTiers = (b: object, edge: object = {}, requests = 20_000, balancer = 'random') => ({
  seed: 11, stop: { requests }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'a',
  services: {
    a: { servers: [{ count: 2, concurrency: 1000 }], balancer: { name: 'round-robin' }, work: [{ call: 'b' }] },
    b: { servers: [{ count: 4, concurrency: 4 }], balancer: { name: balancer }, work: [{ work: exp(2) }], ...b },
  },
  calls: { 'a->b': edge },
});

const conserved = (k: ServiceSummary) => expect(k.succeeded + k.failed + k.dropped + k.rejected + k.cancelled + k.inFlight).toBe(k.attempts);

describe('failures of a callee', () => {
  // Server 0 of b is down for the whole run; checks so rare that the balancer never learns of it.
  const down = { outages: [{ atMs: 0, forMs: 1e9, servers: [0] }] };
  const blind = { intervalMs: 1e9 };

  it('undetected, a server down fails its share of attempts: the caller succeeds with 1 − 1/4', () => {
    const s = run(twoTiers({ failures: down, health: blind }));
    const n = s.requests.arrived, p = 3 / 4;
    expect(Math.abs(s.requests.succeeded / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(s.services.b.failures!.sentToFailed).toBe(s.services.b.failed);
    expect(s.services.b.failures!.detected).toBe(0);
    conserved(s.services.b);
  });

  it('with two retries on the edge the caller fails only when three random picks hit it: 1 − (1/4)³', () => {
    const s = run(twoTiers({ failures: down, health: blind }, { retries: { max: 2, baseMs: 1 } }));
    const n = s.requests.arrived, p = 1 - 1 / 64;
    expect(Math.abs(s.requests.succeeded / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(s.edges['a->b'].retries).toBeGreaterThan(0);
  });

  it('without health checks the balancer knows at once (the oracle): nothing is sent to it', () => {
    const s = run(twoTiers({ failures: down }));
    expect(s.requests.succeeded).toBe(s.requests.arrived);
    expect(s.services.b.failures!.sentToFailed).toBe(0);
    expect(s.services.b.servers[0].completed).toBe(0);
  });

  it('active checks take the failed server out of its balancer\'s eligible set within timeout + (threshold − 1 .. threshold) intervals', () => {
    // Failure at 1000 ms; probes every 100 ms at a random phase: the first to fail starts within
    // 100 ms, the second 100 ms later, each known failed after 50 ms: delay in [150, 250] ms.
    const scenario = twoTiers({ failures: { outages: [{ atMs: 1000, forMs: 1e9, servers: [0] }] }, health: { intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2 } });
    const model = createTopologyModel(scenario as TopologyInput);
    model.run();
    const b = model.services[1];
    expect(Array.from(b.fleet.eligible)).toEqual([0, 1, 1, 1]);
    const s = run(scenario), f = s.services.b.failures!;
    expect(f.observed).toBe(1);
    expect(f.detected).toBe(1);
    expect(f.detectionDelayMs).toBeGreaterThanOrEqual(150);
    expect(f.detectionDelayMs).toBeLessThanOrEqual(250);
    // Until detection about a quarter of b's attempts failed there: at most 400/s × 0.25 s of them.
    expect(f.sentToFailed).toBeLessThanOrEqual(s.services.b.failed);
    expect(s.services.b.failed).toBeLessThan(400 * 0.25 * 2);
    expect(s.failures.detected).toBe(1); // the end-to-end view counts it too
  });

  it('a failure ends the attempts at the server, and the callers\' attempts waiting on them: everything is conserved', () => {
    // b fails at random (mtbf 2 s, mttr 0.5 s per server) while attempts hold slots in a and b.
    const scenario = {
      ...twoTiers({}, { retries: { max: 1, baseMs: 1 } }),
      services: {
        a: { servers: [{ count: 2, concurrency: 1000 }], balancer: { name: 'round-robin' }, work: [{ call: 'b' }, { work: exp(1) }] },
        b: {
          servers: [{ count: 4, concurrency: 2 }], balancer: { name: 'least-connections' }, work: [{ work: exp(8) }],
          failures: { mtbfMs: 2000, mttrMs: 500, warmupMs: 100 }, health: { intervalMs: 50, timeoutMs: 10, unhealthyThreshold: 1, healthyThreshold: 1 },
        },
      },
    };
    const s = run(scenario);
    const checked = createTopologyModel(scenario as TopologyInput);
    checked.checked = true; // every call and attempt transition checked against its machine
    checked.run();
    const b = s.services.b, f = b.failures!;
    expect(f.observed).toBeGreaterThan(5);
    expect(f.aborted).toBeGreaterThan(0);
    conserved(b);
    conserved(s.services.a);
    const r = s.requests;
    expect(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight).toBe(r.arrived);
    expect(r.inFlight).toBe(0);
    expect(r.failed).toBeGreaterThan(0);
    expect(r.succeeded).toBeGreaterThan(0.9 * r.arrived);
  });

  it('a slowdown of its servers slows the service down', () => {
    const s = run(twoTiers({ failures: { slowdowns: [{ atMs: 0, forMs: 1e9, servers: [0, 1, 2, 3], factor: 2 }] } }, {}, 5000, 'round-robin'));
    // Work of mean 2 ms at half speed: b answers in ~4 ms (light load, ρ ≈ 0.1 per slot).
    expect(s.services.b.latencyMs.mean).toBeGreaterThan(3.8);
    expect(s.services.b.latencyMs.mean).toBeLessThan(4.8);
  });
});

describe('panic at a service', () => {
  it('with 3 of its 4 servers found down, below the 50% panic threshold, its balancer uses all of them again', () => {
    const outage = { outages: [{ atMs: 0, forMs: 1e9, servers: [0, 1, 2] }] };
    const checks = { intervalMs: 10, timeoutMs: 1, unhealthyThreshold: 1 };
    const panicking = createTopologyModel(twoTiers({ failures: outage, health: { ...checks, panicThresholdPercent: 50 } }) as TopologyInput);
    panicking.run();
    expect(Array.from(panicking.services[1].fleet.eligible)).toEqual([1, 1, 1, 1]);
    const calm = createTopologyModel(twoTiers({ failures: outage, health: { ...checks, panicThresholdPercent: 0 } }) as TopologyInput);
    calm.run();
    expect(Array.from(calm.services[1].fleet.eligible)).toEqual([0, 0, 0, 1]);
    // In panic a random pick finds the one server up a quarter of the time; the caller's other
    // service (a, no health section) is not affected: its balancer's set is whole.
    const s = run(twoTiers({ failures: outage, health: { ...checks, panicThresholdPercent: 50 } }));
    const n = s.requests.arrived, p = 1 / 4;
    expect(Math.abs(s.requests.succeeded / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(Array.from(panicking.services[0].fleet.eligible)).toEqual([1, 1]);
  });
});

describe('outlier detection at a service', () => {
  it('ejects the server whose attempts keep failing: its balancer sends it far fewer', () => {
    // b's server 0 has one slot and no waiting room: busy, it drops what it gets (an error to its caller).
    const b = (health?: object) => ({
      servers: [{ count: 1, concurrency: 1, queueLimit: 0 }, { count: 3, concurrency: 100 }], balancer: { name: 'random' }, work: [{ work: exp(20) }],
      ...(health ? { health } : {}),
    });
    const plain = run({ ...twoTiers({}), services: { ...twoTiers({}).services, b: b() } });
    const ejecting = run({ ...twoTiers({}), services: { ...twoTiers({}).services, b: b({ outlier: { consecutiveErrors: 3, baseEjectionMs: 1000, maxEjectionPercent: 25 } }) } });
    // Without it a quarter of b's attempts go to server 0, which is busy ~ 8/9 of the time (M/M/1/1 at 100/s × 20 ms).
    expect(plain.services.b.dropped / plain.services.b.attempts).toBeGreaterThan(0.15);
    expect(ejecting.services.b.dropped).toBeLessThan(0.2 * plain.services.b.dropped);
    conserved(ejecting.services.b);
  });
});

describe('failures and health validation', () => {
  const bad = (b: object, message: RegExp) => expect(thrownScenarioError(() => run(twoTiers(b, {}, 10))).message).toMatch(message);

  it('names the service\'s field path; server ids are the service\'s own', () => {
    bad({ failures: { outages: [{ atMs: 0, forMs: 1, servers: [4] }] } }, /^services\.b\.failures\.outages\[0\]\.servers\[0\]: got 4, expected an integer from 0 to 3/);
    bad({ failures: { mtbfMs: 100 } }, /^services\.b\.failures\.mttrMs/);
    bad({ failures: { nope: 1 } }, /^services\.b\.failures\.nope/);
    bad({ health: { intervalMs: 0 } }, /^services\.b\.health\.intervalMs: got 0/);
    bad({ health: { outlier: { consecutiveErrors: 0 } } }, /^services\.b\.health\.outlier\.consecutiveErrors: got 0/);
    bad({ health: { timeoutMs: 5 } }, /^services\.b\.health\.intervalMs/);
  });
});

describe('a parsed topology with failures, health and limits', () => {
  it('parses again to itself (as --balancer and options.services re-validate it)', () => {
    const input = twoTiers({
      failures: { mtbfMs: 2000, mttrMs: 500, warmupMs: 100, outages: [{ atMs: 1, forMs: 2, servers: [1] }], zones: [{ servers: [2, 3], mtbfMs: 5000, mttrMs: 100 }] },
      health: { intervalMs: 50, outlier: { consecutiveErrors: 2 } },
      limit: { aimd: { minLimit: 2 } },
    });
    const parsed = parseScenario(input);
    expect(parseScenario(parsed)).toEqual(parsed);
    const a = simulate(input as TopologyInput, { balancer: 'random' });
    expect(a.services.b.limit!.kind).toBe('aimd');
    expect(a.services.b.failures!.observed).toBeGreaterThan(0);
  });
});
