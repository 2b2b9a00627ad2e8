import { describe, expect, it } from 'vitest';
import { AGGREGATE_COLUMNS, aggregateRows, comparisonRows, compare, confidenceInterval, preset, type ScenarioInput } from '../../src/index.js';
import { CompareAccumulator } from '../../src/experiment/compare.js';

const small = { ...preset('default')!, stop: { requests: 5_000 } };
const round9 = (x: number) => Number(x.toPrecision(9));

describe('aggregateRows(summaries)', () => {
  it('gives one row per balancer, in order, with each metric as mean and 95% half-width over seeds', () => {
    const summaries = compare(small, ['round-robin', 'p2c'], { seeds: [1, 2, 3] });
    const rows = aggregateRows(summaries);
    expect(rows.map((r) => r.balancer)).toEqual(['round-robin', 'power-of-two']);
    const [rr] = rows;
    expect(rr).toMatchObject({ scenario: 'default', seeds: 3, latencySeeds: 3 });
    const p99 = confidenceInterval(summaries.slice(0, 3).map((s) => s.latencyMs.p99));
    expect(rr.p99Ms_mean).toBe(round9(p99.mean));
    expect(rr.p99Ms_ci95).toBe(round9(p99.halfWidth));
    expect(rr.p99Ms_ci95).toBeGreaterThan(0);
    const throughput = confidenceInterval(summaries.slice(0, 3).map((s) => s.throughputPerSec));
    expect(rr.throughputPerSec_mean).toBe(round9(throughput.mean));
    expect(rr.succeededShare_mean).toBe(1);
    expect(rr.utilization_mean).toBeGreaterThan(0.8);
    expect(Object.keys(rr)).toEqual([...AGGREGATE_COLUMNS]);
  });

  it('has no half-width (null) from a single seed', () => {
    const [row] = aggregateRows(compare(small, ['round-robin']));
    expect(row.seeds).toBe(1);
    expect(row.meanMs_mean).toBeGreaterThan(0);
    expect(row.meanMs_ci95).toBeNull();
    expect(row.droppedShare_ci95).toBeNull();
  });

  it('takes latency over the seeds where some request succeeded, and shares over all', () => {
    // FIFO at 104% load with 200 ms client timeouts: most seeds serve no request in time.
    const overload = preset('overload');
    const scenario: ScenarioInput = { ...overload, servers: [{ ...overload.servers[0], discipline: 'fifo' }], arrivals: { process: 'poisson', ratePerSec: 104 } };
    const summaries = compare(scenario, ['round-robin'], { seeds: [1, 2, 3, 4, 5, 6] });
    const served = summaries.filter((s) => s.requests.succeeded > 0);
    const [row] = aggregateRows(summaries);
    expect(row.seeds).toBe(6);
    expect(row.latencySeeds).toBe(served.length);
    expect(row.latencySeeds).toBeLessThan(6);
    expect(row.meanMs_mean).toBe(round9(confidenceInterval(served.map((s) => s.latencyMs.mean)).mean));
    const timedOut = summaries.map((s) => s.requests.timedOut / s.requests.arrived);
    expect(row.timedOutShare_mean).toBe(round9(confidenceInterval(timedOut).mean));
  });

  it('leaves latency null for a balancer whose runs all failed', () => {
    const dead = { ...small, stop: { requests: 200 }, client: { timeoutMs: 0.001 } };
    const [row] = aggregateRows(compare(dead, ['round-robin'], { seeds: [1, 2] }));
    expect(row.latencySeeds).toBe(0);
    expect(row.p50Ms_mean).toBeNull();
    expect(row.p50Ms_ci95).toBeNull();
    expect(row.timedOutShare_mean).toBe(1);
  });
});

describe('CompareAccumulator (compare folding runs as they come)', () => {
  it('gives the rows of the Summaries added one at a time, grouped by balancer whatever the interleaving', () => {
    const overload = preset('overload');
    const scenario: ScenarioInput = { ...overload, servers: [{ ...overload.servers[0], discipline: 'fifo' }], arrivals: { process: 'poisson', ratePerSec: 104 } };
    const summaries = compare(scenario, ['round-robin', 'p2c'], { seeds: [1, 2, 3, 4] });
    const acc = new CompareAccumulator();
    for (const k of [0, 4, 1, 5, 2, 6, 3, 7]) acc.add(summaries[k]); // seed by seed, balancers alternating
    expect(acc.comparisonRows()).toEqual(comparisonRows(summaries));
    expect(acc.aggregateRows()).toEqual(aggregateRows(summaries));
    // Against the definition: Student's t over the seeds' values (latency over the served ones only).
    const [rr] = acc.comparisonRows(), runs = summaries.slice(0, 4), served = runs.filter((s) => s.requests.succeeded > 0);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(4);
    expect(rr.seeds).toBe(4);
    expect(rr.p99).toEqual(confidenceInterval(served.map((s) => s.latencyMs.p99)));
    expect(rr.lossRate).toEqual(confidenceInterval(runs.map((s) => (s.requests.dropped + s.requests.rejected) / s.requests.arrived)));
    expect(rr.successRate).toEqual(confidenceInterval(runs.map((s) => s.requests.succeeded / s.requests.arrived)));
    expect(rr.maxOverMean).toEqual(confidenceInterval(runs.map((s) => s.imbalance.maxOverMean)));
  });
});
