import { describe, expect, it } from 'vitest';
import { createModel, simulate, preset, balancerNames, ServerState, RequestState, type ScenarioInput, type Summary } from '../../src/index.js';

const base: ScenarioInput = {
  seed: 5,
  stop: { timeMs: 200_000 },
  servers: [{ count: 8, concurrency: 2, queueLimit: 20 }],
  arrivals: { process: 'poisson', ratePerSec: 1000 },
  service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'least-connections' },
  failures: { mtbfMs: 20_000, mttrMs: 2_000, warmupMs: 1_000 },
};

const conserved = (s: Summary) => {
  const r = s.requests;
  return r.arrived === r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight;
};

describe('server failures', () => {
  it.each(balancerNames())('conserves requests and obeys the state machines under %s', (balancer) => {
    const s = simulate(base, { balancer, checked: true });
    expect(conserved(s)).toBe(true);
    expect(s.failures.observed).toBeGreaterThan(40);
    expect(s.requests.failed).toBeGreaterThan(0);
    expect(s.transitions.server['failed->recovering']).toBeGreaterThan(0);
    expect((s.transitions.server['recovering->idle'] ?? 0) + (s.transitions.server['recovering->busy'] ?? 0)).toBeGreaterThan(0);
  });

  it('keeps servers failed and recovering for their long-run share of the failure cycle', () => {
    // Cycle: up (exp, mean 20 s) → failed (exp, mean 2 s) → recovering (1 s). Long-run fraction
    // failed = 2 / 23. 8 servers × 2,000 s ≈ 700 cycles: sd of the fraction ≈ 4% relative.
    const s = simulate({ ...base, stop: { timeMs: 2_000_000 }, arrivals: { process: 'poisson', ratePerSec: 10 } });
    const total = s.servers.reduce((a, v) => a + v.stateTimeMs.failed, 0) / (8 * 2_000_000);
    const recovering = s.servers.reduce((a, v) => a + v.stateTimeMs.recovering, 0) / (8 * 2_000_000);
    expect(Math.abs(total / (2 / 23) - 1)).toBeLessThan(0.16);
    expect(Math.abs(recovering / (1 / 23) - 1)).toBeLessThan(0.16);
  });

  it('an outage fails the requests at the server and balancers route around it', () => {
    const model = createModel({
      ...base,
      stop: { timeMs: 10_000 },
      failures: { outages: [{ atMs: 2_000, forMs: 3_000, servers: [0] }] },
    });
    const ended: number[] = [];
    model.observer = { ended: (_r, state, server) => { if (server === 0 && state === RequestState.Failed) ended.push(model.sim.now); } };
    model.sim.runUntil(2_500);
    expect(model.pool.state[0]).toBe(ServerState.Failed);
    expect(model.pool.load[0]).toBe(0);
    const completedAtOutage = model.pool.completedOf(0);
    model.sim.runUntil(4_900);
    expect(model.pool.completedOf(0)).toBe(completedAtOutage);
    model.run();
    expect(model.pool.state[0]).not.toBe(ServerState.Failed);
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.every((t) => t === 2_000)).toBe(true);
    expect(model.stats.sentToFailed).toBe(0);
  });

  it('failServer / repairServer can be driven by hand (as the animation does)', () => {
    const model = createModel({ ...base, failures: undefined, stop: { timeMs: 5_000 } });
    model.sim.runUntil(1_000);
    model.failServer(3);
    expect(model.balancerContext.eligible[3]).toBe(0);
    model.sim.runUntil(2_000);
    expect(model.pool.load[3]).toBe(0);
    model.repairServer(3);
    expect(model.pool.state[3]).toBe(ServerState.Idle);
    model.sim.runUntil(3_000);
    expect(model.pool.completedOf(3)).toBeGreaterThan(0);
  });
});

describe('correlated failures and slow start', () => {
  it('a zone fails as one: its servers go down and come back together', () => {
    const model = createModel({
      ...base,
      failures: { warmupMs: 0, outages: [], zones: [{ servers: [0, 1, 2], mtbfMs: 5_000, mttrMs: 1_000 }] },
      stop: { timeMs: 60_000 },
    });
    const downAt: number[][] = [[], [], []];
    model.observer = { serverChanged: (s, state) => { if (s < 3 && state === ServerState.Failed) downAt[s].push(model.sim.now); } };
    model.run();
    expect(downAt[0].length).toBeGreaterThan(3);
    expect(downAt[1]).toEqual(downAt[0]);
    expect(downAt[2]).toEqual(downAt[0]);
    // The other servers never fail.
    expect(model.pool.stateTime[4 * 4 + ServerState.Failed]).toBe(0);
  });

  it('slow start ramps a recovered server\'s share back over slowStartMs (weighted policies)', () => {
    // Server 0 is out from 1 s to 3 s; with a 10 s slow start it gets far less than its 1/8 share
    // in the first seconds back, and its full share once the window has passed.
    const scenario = {
      ...base,
      servers: [{ count: 8 }],
      balancer: { name: 'weighted-round-robin' },
      stop: { timeMs: 20_000 },
      failures: { outages: [{ atMs: 1_000, forMs: 2_000, servers: [0] }] },
      health: { slowStartMs: 10_000 },
    };
    const share = (withSlowStart: boolean, from: number, to: number) => {
      const model = createModel(withSlowStart ? scenario : { ...scenario, health: undefined });
      let mine = 0, all = 0;
      model.observer = { dispatched: (_r, s) => { const t = model.sim.now; if (t >= from && t < to) { all++; if (s === 0) mine++; } } };
      model.run();
      return mine / all;
    };
    expect(share(false, 3_000, 5_000)).toBeCloseTo(1 / 8, 2);
    expect(share(true, 3_000, 5_000)).toBeLessThan(0.05);
    expect(share(true, 14_000, 20_000)).toBeCloseTo(1 / 8, 2);
  });
});

describe('the black-hole preset', () => {
  const scene = preset('black-hole');
  const ok = (s: Summary) => s.requests.succeeded / s.requests.arrived;

  it('a dead server that fails fast draws half the traffic under least-time until health checks notice', () => {
    const leastTime = simulate(scene);
    const roundRobin = simulate(scene, { balancer: 'round-robin' });
    // Round robin sends it 1/10 of requests for the ~16 s it goes unnoticed (of 30 s): ~5% fail.
    expect(1 - ok(roundRobin)).toBeGreaterThan(0.03);
    expect(1 - ok(roundRobin)).toBeLessThan(0.08);
    expect(1 - ok(leastTime)).toBeGreaterThan(0.4);
    expect(leastTime.failures.detected).toBe(1);
  });

  it('outlier detection closes the hole within a few errors', () => {
    const s = simulate({ ...scene, health: { ...scene.health, outlier: { consecutiveErrors: 5, baseEjectionMs: 10_000 } } });
    expect(ok(s)).toBeGreaterThan(0.995);
  });
});
