import { describe, expect, it } from 'vitest';
import { compare, comparisonRows, confidenceInterval, preset, simulate, ScenarioError, type ScenarioInput } from '../../src/index.js';
import { t975 } from '../../src/experiment/confidence.js';

const small = { ...preset('default')!, stop: { requests: 20_000 } };

describe('simulate(scenario, options)', () => {
  it('keeps the scenario\'s options when options.balancer names the scenario\'s own policy', () => {
    const withOptions = { ...small, balancer: { name: 'power-of-two', choices: 3 } };
    expect(simulate(withOptions, { balancer: 'p2c' }).latencyMs.mean).toBe(simulate(withOptions).latencyMs.mean);
    expect(simulate(withOptions, { balancer: 'p2c' }).label).toBe('power-of-two choices=3');
  });

  it('takes a balancer with options as an object, and rejects anything else', () => {
    expect(simulate(small, { balancer: { name: 'p2c', choices: 3 } }).label).toBe('power-of-two choices=3');
    expect(() => simulate(small, { balancer: 42 as unknown as string })).toThrow(ScenarioError);
    expect(() => simulate(small, { balancer: { name: 'p2c', choices: 0 } })).toThrow(/balancer\.choices/);
  });

  it('rejects unknown options by name', () => {
    expect(() => simulate(small, { bogus: 1 } as never)).toThrow(/options\.bogus/);
  });
});

describe('compare and comparisonRows', () => {
  it('compares one policy under different options as separate rows', () => {
    const rows = comparisonRows(compare(small, ['p2c', { name: 'p2c', choices: 3 }], { seeds: [1, 2] }));
    expect(rows.map((r) => r.balancer)).toEqual(['power-of-two', 'power-of-two choices=3']);
    expect(rows[0].seeds).toBe(2);
    expect(rows[1].mean.mean).toBeLessThan(rows[0].mean.mean);
    expect(rows[0].successRate.mean).toBe(1);
  });

  it('leaves seeds where nothing succeeded out of the latency intervals instead of counting 0 ms', () => {
    // FIFO at 104% load with 200 ms client timeouts: most seeds serve no request in time.
    const overload = preset('overload');
    const scenario: ScenarioInput = { ...overload, servers: [{ ...overload.servers[0], discipline: 'fifo' }], arrivals: { process: 'poisson', ratePerSec: 104 } };
    const summaries = compare(scenario, ['round-robin'], { seeds: [1, 2, 3, 4, 5, 6] });
    const served = summaries.filter((s) => s.requests.succeeded > 0);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(summaries.length);
    const [row] = comparisonRows(summaries);
    expect(row.seeds).toBe(6);
    expect(row.mean.n).toBe(served.length);
    expect(row.mean.mean).toBeCloseTo(served.reduce((a, s) => a + s.latencyMs.mean, 0) / served.length, 9);
    expect(row.successRate.n).toBe(6);
  });

  it('needs at least one balancer', () => {
    expect(() => compare(small, [])).toThrow(ScenarioError);
  });
});

describe('confidenceInterval(values)', () => {
  it('is mean ± t(0.975, n − 1) · s / √n', () => {
    const ci = confidenceInterval([1, 2, 3, 4]);
    expect(ci.mean).toBe(2.5);
    expect(ci.halfWidth).toBeCloseTo(3.182446305283710 * Math.sqrt(5 / 3 / 4), 14);
    expect(confidenceInterval([7]).halfWidth).toBe(0);
    expect(confidenceInterval([]).n).toBe(0);
  });

  it('t975 is Student\'s t quantile to 14 digits and tends to 1.959964', () => {
    expect(t975(1)).toBeCloseTo(12.706204736174704, 13);
    expect(t975(30)).toBeCloseTo(2.0422724563012383, 14);
    expect(t975(60)).toBeCloseTo(2.0002978220142605, 14);
    expect(t975(1e6)).toBeCloseTo(1.959966356814107, 14);
  });
});

describe('percentile confidence intervals', () => {
  it('p99 over 5 seeds has an interval wider than 0, not snapped to one histogram bucket', () => {
    // The symptom: "p99 102.6 ± 0" over 5 seeds with 1%-wide buckets. At 3 significant
    // digits (0.1%) seeds differ; at 2 the p99 of these runs falls in one bucket.
    const scenario = { ...preset('default')!, stop: { requests: 20_000 } };
    const rows = comparisonRows(compare(scenario, ['round-robin'], { seeds: [1, 2, 3, 4, 5] }));
    expect(rows[0].p99.halfWidth).toBeGreaterThan(0);
    expect(new Set(compare(scenario, ['round-robin'], { seeds: [1, 2, 3, 4, 5] }).map((s) => s.latencyMs.p99)).size).toBe(5);
  });

  it('a scenario may keep 2 to 4 significant digits; other values are refused by path', () => {
    const at = (significantDigits: unknown) => simulate({ ...small, metrics: { significantDigits: significantDigits as number } });
    expect(at(2).latencyMs.p99).not.toBe(at(4).latencyMs.p99);
    for (const bad of [0, 5, 2.5, '3']) expect(() => at(bad)).toThrow(/metrics\.significantDigits/);
  });
});
