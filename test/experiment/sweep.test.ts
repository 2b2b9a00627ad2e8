import { describe, expect, it } from 'vitest';
import { preset, simulate, ScenarioError, type ScenarioInput } from '../../src/index.js';
import { parseExperiment, experimentArms } from '../../src/experiment/experiment.js';
import { sweep, replicate } from '../../src/experiment/sweep.js';
import { aggregateSweep } from '../../src/experiment/sweep-summary.js';
import { confidenceInterval } from '../../src/experiment/confidence.js';
import { compare } from '../../src/experiment/compare.js';

const small: ScenarioInput = { ...preset('default'), stop: { requests: 3_000 } };

/** The message of the ScenarioError `f` throws. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('no error thrown');
}

describe('parseExperiment(json)', () => {
  it('expands a range {from, to, step} into its values, rounded to 12 digits', () => {
    const e = parseExperiment({ scenario: 'default', grid: { load: { from: 0.5, to: 0.95, step: 0.05 } } });
    expect(e.grid.load).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    expect(e.name).toBe('default');
    expect(e.seeds).toEqual([1]);
    expect(e.metrics).toEqual(['meanMs', 'p50Ms', 'p99Ms', 'succeededShare']);
  });

  it('takes seeds as a list or as a range "a..b"', () => {
    expect(parseExperiment({ scenario: 'default', seeds: '3..5' }).seeds).toEqual([3, 4, 5]);
    expect(parseExperiment({ scenario: 'default', seeds: [9, 2] }).seeds).toEqual([9, 2]);
    expect(errorOf(() => parseExperiment({ scenario: 'default', seeds: [1, 1] }))).toMatch(/^seeds\[1\]: got 1, expected distinct seeds/);
  });

  it('names the grid value that makes a scenario invalid, by its path in the grid', () => {
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { 'servers[0].count': [2, 0] } })))
      .toBe('grid["servers[0].count"][1]: got 0, expected an integer from 1 to 1000000');
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { balancer: ['p2c', 'p2c:choices=0'] } })))
      .toMatch(/^grid\["balancer"\]\[1\]: got "p2c:choices=0", expected a value with which the scenario is valid \(with it, balancer\.choices: got 0/);
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { balancer: ['p2c:bogus=1'] } })))
      .toMatch(/^grid\["balancer"\]\[0\]: got "p2c:bogus=1", expected options of power-of-two/);
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { 'servers[3].count': [1] } })))
      .toBe('grid["servers[3].count"][0]: got "servers[3].count", expected a path that matches the scenario (servers has 1 item)');
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { 'servers..count': [1] } })))
      .toMatch(/^grid\["servers\.\.count"\]: got "servers\.\.count", expected a path into the scenario/);
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { 'arrivals.ratePerSec': [100, 100] } })))
      .toMatch(/^grid\["arrivals\.ratePerSec"\]\[1\]: got 100, expected each value once/);
  });

  it('reaches a topology\'s edges and services as validation errors name them: calls["a->b"].x, services.user-db.x', () => {
    const topology = {
      stop: { requests: 100 }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'api',
      services: {
        api: { servers: [{ count: 1 }], balancer: { name: 'round-robin' }, work: [{ call: 'user-db' }] },
        'user-db': { servers: [{ count: 1 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'constant', valueMs: 1 } }] },
      },
    };
    const e = parseExperiment({ scenario: topology, grid: { 'calls["api->user-db"].timeoutMs': [5, 50], 'services.user-db.servers[0].count': [1, 2] } });
    const arms = experimentArms(e);
    expect(arms.map((a) => [a.scenario.topology!.calls['api->user-db'].timeoutMs, a.scenario.topology!.services[1].servers[0].count])).toEqual([[5, 1], [5, 2], [50, 1], [50, 2]]);
    expect(errorOf(() => parseExperiment({ scenario: topology, grid: { 'calls["api->user-db"].timeoutMs': [0] } })))
      .toBe('grid["calls[\\"api->user-db\\"].timeoutMs"][0]: got 0, expected a finite number > 0 and <= 1000000000000');
    expect(errorOf(() => parseExperiment({ scenario: topology, grid: { 'calls.api->user-db.timeoutMs': [5] } })))
      .toMatch(/expected a path into the scenario such as .* calls\["api->db"\]\.timeoutMs/);
    expect(errorOf(() => parseExperiment({ scenario: topology, grid: { 'calls["constructor"].x': [1] } }))).toMatch(/expected a path of scenario fields \(not "constructor"\)/);
  });

  it('refuses unknown fields, metrics, a load on a closed loop and prototype paths', () => {
    expect(errorOf(() => parseExperiment({ scenario: 'default', grids: {} }))).toMatch(/^grids: got \{\}, expected no such field/);
    expect(errorOf(() => parseExperiment({ scenario: 'default', metrics: ['p42Ms'] }))).toMatch(/^metrics\[0\]: got "p42Ms", expected a metric: meanMs/);
    const closed = { ...small, arrivals: { process: 'closed', clients: 5, thinkMs: { dist: 'constant', valueMs: 10 } } };
    expect(errorOf(() => parseExperiment({ scenario: closed, grid: { load: [0.5] } }))).toMatch(/^grid\["load"\]\[0\]: got 0\.5, expected a scenario with open arrivals/);
    expect(errorOf(() => parseExperiment({ scenario: 'default', grid: { '__proto__.x': [1] } }))).toMatch(/^grid\["__proto__\.x"\]: got "__proto__\.x", expected a path of scenario fields/);
    expect(errorOf(() => parseExperiment({ scenario: { ...small, servers: [] } }))).toMatch(/^scenario\.servers: got \[\]/);
    expect(errorOf(() => parseExperiment({ scenario: 'nope.json' }))).toMatch(/^scenario: got "nope\.json", expected a preset \(default/);
  });

  it('sets the arrival rate from "load": λ = load × Σ count × concurrency × speed / E[S]', () => {
    const arms = experimentArms(parseExperiment({ scenario: 'default', grid: { 'servers[0].count': [10, 20], load: [0.5, 0.9] } }));
    // default: 10 servers of 1 slot, E[S] = 10 ms ⇒ capacity 1,000 requests/s per 10 servers.
    expect(arms.map((a) => a.scenario.arrivals)).toEqual([
      { process: 'poisson', ratePerSec: 500 }, { process: 'poisson', ratePerSec: 900 },
      { process: 'poisson', ratePerSec: 1000 }, { process: 'poisson', ratePerSec: 1800 },
    ]);
    expect(arms.map((a) => a.values)).toEqual([[10, 0.5], [10, 0.9], [20, 0.5], [20, 0.9]]);
  });

  it('replaces the balancer with a string with options, and keeps the scenario\'s options for its own bare name', () => {
    const base = { ...small, balancer: { name: 'power-of-two', choices: 3 } };
    const arms = experimentArms(parseExperiment({ scenario: base, grid: { balancer: ['p2c', 'p2c:metric=peak-ewma', 'round-robin', { name: 'p2c', choices: 4 }] } }));
    expect(arms.map((a) => a.scenario.balancer)).toEqual([
      { name: 'power-of-two', choices: 3 }, { name: 'power-of-two', metric: 'peak-ewma' }, { name: 'round-robin' }, { name: 'power-of-two', choices: 4 },
    ]);
  });
});

describe('sweep(experiment, options)', () => {
  it('gives one tidy row per run, arm-major, each the run simulate() gives for its arm and seed', async () => {
    const rows = await sweep({ name: 'two', scenario: small, grid: { balancer: ['round-robin', 'p2c'], 'arrivals.ratePerSec': [500, 800] }, seeds: [1, 2] });
    expect(rows.map((r) => [r.run, r.arm, r.balancer, r['arrivals.ratePerSec'], r.seed])).toEqual([
      [0, 0, 'round-robin', 500, 1], [1, 0, 'round-robin', 500, 2], [2, 1, 'round-robin', 800, 1], [3, 1, 'round-robin', 800, 2],
      [4, 2, 'power-of-two', 500, 1], [5, 2, 'power-of-two', 500, 2], [6, 3, 'power-of-two', 800, 1], [7, 3, 'power-of-two', 800, 2],
    ]);
    expect(Object.keys(rows[0])).toEqual(['sweep', 'run', 'runs', 'arm', 'balancer', 'arrivals.ratePerSec', 'rho', 'seed', 'meanMs', 'p50Ms', 'p99Ms', 'succeededShare']);
    expect(rows[7].runs).toBe(8);
    expect(rows[2].rho).toBe(0.8);
    const s = simulate({ ...small, arrivals: { process: 'poisson', ratePerSec: 800 } }, { balancer: 'p2c', seed: 2 });
    expect(rows[7]).toMatchObject({ sweep: 'two', meanMs: s.latencyMs.mean, p50Ms: s.latencyMs.p50, p99Ms: s.latencyMs.p99, succeededShare: 1 });
  });

  it('runs every arm on the same random streams per seed (common random numbers)', async () => {
    // Two spellings of one policy are two arms with identical runs.
    const rows = await sweep({ scenario: small, grid: { balancer: ['p2c', { name: 'p2c', choices: 2 }] }, seeds: [4], metrics: ['meanMs', 'p999Ms'] });
    expect(rows[0].meanMs).toBe(rows[1].meanMs);
    expect(rows[0].p999Ms).toBe(rows[1].p999Ms);
  });

  it('runs a shard: the runs whose number is index − 1 modulo count, with their rows unchanged', async () => {
    const experiment = { scenario: small, grid: { load: [0.5, 0.7, 0.9] }, seeds: [1, 2] };
    const all = await sweep(experiment);
    const parts = await Promise.all([1, 2, 3, 4].map((index) => sweep(experiment, { shard: { index, count: 4 } })));
    expect(parts.map((p) => p.map((r) => r.run))).toEqual([[0, 4], [1, 5], [2], [3]]);
    expect(parts.flat().sort((a, b) => a.run - b.run)).toEqual(all);
    await expect(sweep(experiment, { shard: { index: 5, count: 4 } })).rejects.toThrow(/^options\.shard\.index: got 5, expected an integer from 1 to 4$/);
  });

  it('reports latency as null for a run where no request succeeded', async () => {
    const down = { ...small, failures: { outages: [{ atMs: 0, forMs: 1e9, servers: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }] } };
    const [row] = await sweep({ scenario: down, metrics: ['meanMs', 'succeededShare'] });
    expect(row.meanMs).toBeNull();
    expect(row.succeededShare).toBe(0);
  });
});

describe('replicate(scenario, options)', () => {
  it('is compare() as rows: one arm per balancer, over the seeds', async () => {
    const rows = await replicate(small, { seeds: [1, 2, 3], balancers: ['round-robin', 'least-connections'], metrics: ['p99Ms'] });
    const summaries = compare(small, ['round-robin', 'least-connections'], { seeds: [1, 2, 3] });
    expect(rows.map((r) => [r.balancer, r.seed, r.p99Ms])).toEqual(summaries.map((s) => [s.label, s.seed, s.latencyMs.p99]));
  });
});

describe('aggregateSweep(rows)', () => {
  it('gives per arm the mean and 95% half-width (Student t) of each metric over seeds', async () => {
    const rows = await sweep({ scenario: small, grid: { balancer: ['random', 'p2c'] }, seeds: '1..4', metrics: ['meanMs', 'succeededShare'] });
    const arms = aggregateSweep(rows);
    expect(arms.map((a) => [a.arm, a.balancer, a.seeds, a.latencySeeds])).toEqual([[0, 'random', 4, 4], [1, 'power-of-two', 4, 4]]);
    const ci = confidenceInterval(rows.slice(4).map((r) => r.meanMs as number));
    expect(arms[1].meanMs_mean).toBe(Number(ci.mean.toPrecision(9)));
    expect(arms[1].meanMs_ci95).toBe(Number(ci.halfWidth.toPrecision(9)));
    expect(Object.keys(arms[0])).toEqual(['sweep', 'arm', 'balancer', 'rho', 'seeds', 'latencySeeds', 'meanMs_mean', 'meanMs_ci95', 'succeededShare_mean', 'succeededShare_ci95']);
  });
});

describe('sweeps of services calling services', () => {
  const pool = (count: number) => ({ servers: [{ count }], balancer: { name: 'least-connections' } });
  const twoTier = {
    name: 'two-tier', seed: 1, stop: { requests: 2_000 }, arrivals: { process: 'poisson', ratePerSec: 500 }, entry: 'front',
    services: {
      front: { ...pool(2), work: [{ work: { dist: 'exponential', meanMs: 1 } }, { call: 'back', hold: false }] },
      back: { ...pool(1), work: [{ work: { dist: 'exponential', meanMs: 0.8 } }] },
    },
  } as unknown as ScenarioInput;

  it('reports the end-to-end view and named services (services.<name>.<figure>)', async () => {
    const rows = await sweep({ scenario: twoTier, grid: { 'services.back.servers[0].count': [1, 2] }, metrics: ['meanMs', 'services.back.utilization', 'services.back.p99Ms'] });
    const s = simulate(twoTier) as unknown as { latencyMs: { mean: number }; services: Record<string, { utilization: number; latencyMs: { p99: number } }> };
    expect(rows[0]).toMatchObject({ rho: null, meanMs: s.latencyMs.mean, 'services.back.utilization': s.services.back.utilization, 'services.back.p99Ms': s.services.back.latencyMs.p99 });
    expect(rows[1]['services.back.utilization'] as number).toBeLessThan((rows[0]['services.back.utilization'] as number) * 0.6);
  });

  it('refuses a service the scenario does not have, and a load to set on a topology', () => {
    expect(errorOf(() => parseExperiment({ scenario: twoTier, metrics: ['services.db.p99Ms'] }))).toMatch(/^metrics\[0\]: got "services\.db\.p99Ms", expected a metric: .*services\.<name>\.<figure> with a service \(front, back\)/);
    expect(errorOf(() => parseExperiment({ scenario: 'default', metrics: ['services.front.p99Ms'] }))).toMatch(/^metrics\[0\]: got "services\.front\.p99Ms", expected a metric: meanMs/);
    expect(errorOf(() => parseExperiment({ scenario: twoTier, grid: { load: [0.5] } }))).toMatch(/^grid\["load"\]\[0\]: got 0\.5, expected a single pool/);
  });

  it('a run that fails names its arm and seed, after the runs before it', async () => {
    // At most 45 in flight: least-connections' third seed is the first run to pass it.
    const experiment = { scenario: { ...preset('default'), stop: { requests: 5_000, warmupMs: 1000, maxInFlight: 45 } }, grid: { balancer: ['least-connections', 'round-robin'] }, seeds: [1, 2, 3, 4] };
    for (const workers of [1, 2]) {
      await expect(sweep(experiment, { workers })).rejects.toThrow(/^stop\.maxInFlight: more than 45 requests .* \(in the run of arm 0, balancer="least-connections", seed 3\)$/);
    }
    await expect(sweep(experiment, { workers: 1, require: ['./no-such-module.mjs'] })).rejects.toThrow(/^options\.require/);
  });
});
