import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createModel, simulate, balancerNames, type ScenarioInput, type Summary } from '../../src/index.js';

const base: ScenarioInput = {
  name: 'model-test',
  seed: 11,
  stop: { requests: 50_000 },
  servers: [{ count: 3, concurrency: 2, queueLimit: 3 }, { count: 2, speed: 0.5, weight: 0.5 }],
  arrivals: { process: 'poisson', ratePerSec: 900 },
  service: { dist: 'lognormal', medianMs: 3, p99Ms: 40 },
  balancer: { name: 'round-robin' },
};

function conserved(s: Summary): boolean {
  const r = s.requests;
  return r.arrived === r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight;
}

const withoutWall = (s: Summary) => ({ ...s, wallMs: 0 });

describe('Model', () => {
  it.each(balancerNames())('conserves requests under %s (arrived = terminal + in flight)', (balancer) => {
    const s = simulate(base, { balancer, checked: true });
    expect(conserved(s)).toBe(true);
    expect(s.requests.arrived).toBe(50_000);
    expect(s.requests.inFlight).toBe(0);
    expect(s.requests.dropped).toBeGreaterThan(0);
  });

  it('conserves requests when stopped by time with requests still in flight', () => {
    const s = simulate({ ...base, stop: { timeMs: 2_000, warmupMs: 500 } }, { checked: true });
    expect(conserved(s)).toBe(true);
    expect(s.simTimeMs).toBe(2_000);
    expect(s.requests.arrived).toBeGreaterThan(1000);
    // With ~90% load on 8 slots some are nearly always in service at the cut.
    expect(s.requests.inFlight).toBeGreaterThan(0);
    const stateTotal = s.servers.map((v) => v.stateTimeMs.idle + v.stateTimeMs.busy + v.stateTimeMs.failed + v.stateTimeMs.recovering);
    for (const t of stateTotal) expect(t).toBeCloseTo(1_500, 4);
  });

  it('gives a byte-identical summary (apart from wallMs) for the same scenario and seed', () => {
    for (const balancer of balancerNames()) {
      const a = JSON.stringify(withoutWall(simulate(base, { balancer })));
      const b = JSON.stringify(withoutWall(simulate(base, { balancer })));
      expect(a).toBe(b);
    }
  });

  it('gives a different sample path for a different seed', () => {
    expect(simulate(base, { seed: 1 }).latencyMs.mean).not.toBe(simulate(base, { seed: 2 }).latencyMs.mean);
  });

  it('feeds every balancer the same workload (common random numbers)', () => {
    const timed = { ...base, stop: { timeMs: 5_000 } };
    const arrived = balancerNames().map((balancer) => simulate(timed, { balancer }).requests.arrived);
    expect(new Set(arrived).size).toBe(1);
    // Same request sizes too: with one server every policy is the same queue.
    const single = { ...timed, servers: [{ count: 1, concurrency: 4 }] };
    const means = balancerNames().map((balancer) => simulate(single, { balancer }).latencyMs.mean);
    expect(new Set(means).size).toBe(1);
  });

  it('keeps memory proportional to requests in flight, not requests simulated', () => {
    // 60% load: a few dozen requests in flight at the peak, whatever the run length.
    const model = createModel({ ...base, servers: [{ count: 5, concurrency: 2 }], stop: { requests: 300_000 }, arrivals: { process: 'poisson', ratePerSec: 1000 }, service: { dist: 'exponential', meanMs: 6 } });
    model.run();
    expect(model.requests.live).toBe(0);
    expect(model.requests.size).toBeLessThanOrEqual(1024);
    expect(model.sim.queue.size).toBe(0);
  });

  it('counts only requests arriving after the warm-up', () => {
    const warm = simulate({ ...base, stop: { timeMs: 10_000, warmupMs: 5_000 } });
    const cold = simulate({ ...base, stop: { timeMs: 10_000 } });
    expect(warm.requests.arrived).toBeLessThan(cold.requests.arrived * 0.6);
    expect(warm.requests.arrived).toBeGreaterThan(cold.requests.arrived * 0.4);
  });

  it('records state transitions that the state machines allow, and counts them', () => {
    const s = simulate(base, { checked: true });
    expect(s.transitions.server['idle->busy']).toBeGreaterThan(0);
    expect(s.transitions.server['busy->idle']).toBeGreaterThan(0);
    const r = s.transitions.request;
    expect((r['initiated->in-service'] ?? 0) + (r['initiated->pending'] ?? 0) + (r['initiated->dropped'] ?? 0)).toBe(s.requests.arrived);
    expect(r['in-service->succeeded']).toBe(s.requests.succeeded);
  });

  it('runs in slices with runUntil and ends where a single run ends', () => {
    const whole = createModel(base);
    whole.run();
    const sliced = createModel(base);
    for (let t = 0; sliced.sim.peek() !== Infinity; t += 7) sliced.sim.runUntil(t);
    expect(sliced.stats.succeeded).toBe(whole.stats.succeeded);
    expect(sliced.stats.latencyStats.mean).toBe(whole.stats.latencyStats.mean);
  });

  it('model.runUntil (the short path) in slices ends where a single run ends, clock at each slice end', () => {
    const whole = createModel(base);
    whole.run();
    const sliced = createModel(base);
    for (let t = 0; sliced.sim.peek() !== Infinity; t += 7) {
      sliced.runUntil(t);
      if (!sliced.finished()) expect(sliced.sim.now).toBe(t); // the last slice stops at the last event
    }
    expect(sliced.stats.succeeded).toBe(whole.stats.succeeded);
    expect(sliced.stats.latencyStats.mean).toBe(whole.stats.latencyStats.mean);
    expect(sliced.pool.busyTime(0)).toBeCloseTo(whole.pool.busyTime(0), 6);
  });

  it('sends work in proportion to speed: a half-speed server is busy twice as long per request', () => {
    const s = simulate({ ...base, servers: [{ count: 1, speed: 0.5 }], arrivals: { process: 'poisson', ratePerSec: 50 }, service: { dist: 'constant', valueMs: 4 } });
    // ρ = 0.4: 60% of requests never wait, so the median is 8 ms, to the histogram's 0.1%.
    expect(Math.abs(s.latencyMs.p50 / 8 - 1)).toBeLessThanOrEqual(0.001);
  });
});

describe('the short path for requests without client behaviour', () => {
  it.each(balancerNames())('gives the same summary as the general path (path: "general") under %s', (balancer) => {
    // Failures and a warm-up included, so aborts and unmeasured requests cross both paths.
    const scenario = { ...base, stop: { timeMs: 20_000, warmupMs: 2_000 }, failures: { mtbfMs: 5_000, mttrMs: 500, warmupMs: 200 } };
    const fast = withoutWall(simulate(scenario, { balancer }));
    const general = withoutWall(simulate(scenario, { balancer, path: 'general' }));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
  });

  it('gives the same summary as the general path on 60 random plain scenarios', () => {
    // Random pools, disciplines, queue limits, arrival processes, costs, warm-ups, failures and
    // policies: every turn a plain request can take, on both paths. Fixed seed: the same 60 each run.
    const dist = fc.oneof(
      fc.record({ dist: fc.constant('exponential'), meanMs: fc.double({ min: 0.5, max: 20, noNaN: true }) }),
      fc.record({ dist: fc.constant('constant'), valueMs: fc.double({ min: 0.5, max: 20, noNaN: true }) }),
      fc.record({ dist: fc.constant('lognormal'), medianMs: fc.constant(3), p99Ms: fc.double({ min: 4, max: 80, noNaN: true }) }),
    );
    const group = fc.record({
      count: fc.integer({ min: 1, max: 4 }), concurrency: fc.integer({ min: 1, max: 3 }),
      speed: fc.double({ min: 0.3, max: 3, noNaN: true }), weight: fc.integer({ min: 1, max: 4 }),
      queueLimit: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
      discipline: fc.constantFrom('fifo', 'fifo', 'lifo', 'adaptive-lifo'),
    }, { requiredKeys: ['count', 'concurrency', 'speed', 'weight', 'discipline'] });
    const arrivals = fc.oneof(
      fc.record({ process: fc.constant('poisson'), ratePerSec: fc.integer({ min: 50, max: 3000 }) }),
      fc.record({ process: fc.constant('constant'), ratePerSec: fc.integer({ min: 50, max: 3000 }) }),
      fc.record({ process: fc.constant('on-off'), ratePerSec: fc.integer({ min: 100, max: 3000 }), offRatePerSec: fc.integer({ min: 0, max: 100 }), onMs: fc.constant(200), offMs: fc.constant(300) }),
    );
    const scenarios = fc.sample(fc.record({
      seed: fc.integer({ min: 0, max: 1000 }), servers: fc.array(group, { minLength: 1, maxLength: 3 }), arrivals, service: dist,
      warmupMs: fc.constantFrom(0, 0, 100), balancer: fc.constantFrom(...balancerNames()),
      failures: fc.option(fc.record({ mtbfMs: fc.integer({ min: 200, max: 5000 }), mttrMs: fc.integer({ min: 10, max: 500 }), warmupMs: fc.constantFrom(0, 50) }), { nil: undefined }),
    }, { requiredKeys: ['seed', 'servers', 'arrivals', 'service', 'warmupMs', 'balancer'] }), { seed: 2026, numRuns: 60 });
    for (const [i, x] of scenarios.entries()) {
      const scenario = {
        seed: x.seed, stop: { requests: 3000, warmupMs: x.warmupMs }, servers: x.servers, arrivals: x.arrivals, service: x.service,
        balancer: { name: x.balancer }, keys: { dist: 'uniform' as const, count: 50 }, ...(x.failures ? { failures: x.failures } : {}),
      };
      const fast = JSON.stringify(withoutWall(simulate(scenario)));
      const general = JSON.stringify(withoutWall(simulate(scenario, { path: 'general' })));
      expect(fast, `scenario ${i}: ${JSON.stringify(scenario)}`).toBe(general);
    }
  }, 120_000);

  it('gives the same summary as the general path on 60 random scenarios with clients, closed loops and outlier detection', () => {
    // The short path also carries requests with timeouts, deadlines, retries and hedges (while a
    // request's only copy is out) and closed-loop clients: every client turn crosses both paths.
    const client = fc.record({
      timeoutMs: fc.option(fc.integer({ min: 2, max: 60 }), { nil: undefined }),
      deadlineMs: fc.option(fc.integer({ min: 5, max: 120 }), { nil: undefined }),
      connectTimeoutMs: fc.constantFrom(0, 0, 5),
      cancel: fc.boolean(),
      retries: fc.option(fc.record({
        max: fc.integer({ min: 1, max: 3 }), baseMs: fc.integer({ min: 1, max: 10 }), jitter: fc.constantFrom('none', 'full', 'equal', 'decorrelated'),
      }), { nil: undefined }),
      hedge: fc.option(fc.oneof(
        fc.record({ afterMs: fc.integer({ min: 2, max: 40 }), max: fc.integer({ min: 1, max: 2 }) }),
        fc.record({ afterMs: fc.integer({ min: 2, max: 40 }), percentile: fc.constantFrom(50, 90, 99), max: fc.constant(1) }),
      ), { nil: undefined }),
    }, { requiredKeys: ['connectTimeoutMs', 'cancel'] });
    const scenarios = fc.sample(fc.record({
      seed: fc.integer({ min: 0, max: 1000 }),
      servers: fc.array(fc.record({
        count: fc.integer({ min: 1, max: 4 }), concurrency: fc.integer({ min: 1, max: 3 }), queueLimit: fc.integer({ min: 1, max: 8 }),
        discipline: fc.constantFrom('fifo', 'fifo', 'lifo', 'adaptive-lifo'),
      }), { minLength: 1, maxLength: 2 }),
      closed: fc.boolean(), rate: fc.integer({ min: 100, max: 2000 }), warmupMs: fc.constantFrom(0, 100),
      balancer: fc.constantFrom(...balancerNames()), client: fc.option(client, { nil: undefined }),
      failures: fc.boolean(), outlier: fc.boolean(), fleet: fc.constantFrom(1, 1, 3),
    }), { seed: 2027, numRuns: 60 });
    for (const [i, x] of scenarios.entries()) {
      const scenario: ScenarioInput = {
        seed: x.seed, stop: { requests: 2000, warmupMs: x.warmupMs }, servers: x.servers,
        arrivals: x.closed ? { process: 'closed', clients: 12, thinkMs: { dist: 'exponential', meanMs: 5 } } : { process: 'poisson', ratePerSec: x.rate },
        service: { dist: 'lognormal', medianMs: 3, p99Ms: 40 }, balancer: { name: x.balancer }, keys: { dist: 'uniform', count: 50 },
        ...(x.client ? { client: x.client } : {}),
        ...(x.failures ? { failures: { timeBetween: { dist: 'exponential', meanMs: 400 }, repair: { dist: 'exponential', meanMs: 40 }, outages: [] } } : {}),
        ...(x.outlier ? { health: { outlier: { consecutiveErrors: 2, baseEjectionMs: 50 } } } : {}),
        ...(x.fleet > 1 ? { fleet: { count: x.fleet, assign: 'random' } } : {}),
      };
      const fast = JSON.stringify(withoutWall(simulate(scenario)));
      const general = JSON.stringify(withoutWall(simulate(scenario, { path: 'general' })));
      expect(fast, `scenario ${i}: ${JSON.stringify(scenario)}`).toBe(general);
    }
  }, 120_000);

  it.each(['least-connections', 'power-of-two', 'random'])('and with drops, other disciplines, a fleet and slowdowns under %s', (balancer) => {
    const scenario: ScenarioInput = {
      ...base,
      stop: { timeMs: 20_000 },
      servers: [
        { count: 2, concurrency: 2, queueLimit: 2 },
        { count: 2, discipline: 'lifo', queueLimit: 5 },
        { count: 1, discipline: 'adaptive-lifo', queueTargetMs: 2, queueIntervalMs: 20 },
      ],
      fleet: { count: 2, assign: 'random' },
      failures: { outages: [], slowdowns: [{ atMs: 5_000, forMs: 3_000, servers: [0], factor: 4 }] },
    };
    const fast = withoutWall(simulate(scenario, { balancer }));
    const general = withoutWall(simulate(scenario, { balancer, path: 'general' }));
    expect(fast.requests.dropped).toBeGreaterThan(0);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
  });
});
