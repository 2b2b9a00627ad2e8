import { describe, expect, it } from 'vitest';
import { preset, simulate, ScenarioError, type ScenarioInput } from '../../src/index.js';
import { Histogram } from '../../src/metrics/histogram.js';

/** A Summary without its wall-clock time and time series. */
const core = ({ wallMs: _w, timeseries: _t, ...rest }: Record<string, unknown>) => rest;

describe('simulate(scenario, {timeseries: {windowMs}})', () => {
  const cases: [string, ScenarioInput][] = [
    ['default (warm-up inside a window, stop by requests)', { ...preset('default'), stop: { requests: 20_000, warmupMs: 1_234 } }],
    ['outage (failures, health checks, stop by time)', preset('outage')],
    ['retry-storm (clients, timeouts, retries)', preset('retry-storm')],
    ['black-hole (health checks go on after the last request)', { ...preset('black-hole'), stop: { requests: 5_000 } }],
    ['essay (on-off arrivals)', preset('essay')],
    ['a closed loop stopping at a time', { ...preset('default'), stop: { timeMs: 3_000, warmupMs: 500 }, arrivals: { process: 'closed', clients: 20, thinkMs: { dist: 'exponential', meanMs: 30 } } }],
  ];

  it.each(cases)('leaves the Summary of %s unchanged', (_name, scenario) => {
    const plain = simulate(scenario);
    const sampled = simulate(scenario, { timeseries: { windowMs: 250 } });
    expect(core(sampled as never)).toEqual(core(plain as never));
    expect(sampled.timeseries.points.length).toBeGreaterThan(3);
  });

  it('covers the run with windows of windowMs, the last ending with the run', () => {
    const s = simulate({ ...preset('default'), stop: { requests: 20_000, warmupMs: 1_000 } }, { timeseries: { windowMs: 1_000 } });
    const points = s.timeseries.points;
    expect(points[0].fromMs).toBe(0);
    points.slice(1).forEach((p, i) => expect(p.fromMs).toBe(points[i].toMs));
    expect(points.slice(0, -1).every((p) => p.toMs - p.fromMs === 1_000)).toBe(true);
    expect(points[points.length - 1].toMs).toBe(s.simTimeMs);
  });

  it('adds up to the run: completions per window sum to the successes, utilisation averages to the Summary\'s', () => {
    const s = simulate({ ...preset('default'), stop: { requests: 20_000 } }, { timeseries: { windowMs: 500 } });
    const completed = s.timeseries.points.reduce((n, p) => n + (p.throughputPerSec * (p.toMs - p.fromMs)) / 1000, 0);
    expect(completed).toBeCloseTo(s.requests.succeeded, 3);
    // Windows up to the last arrival (the Summary's window) against the Summary's utilisation.
    const inWindow = s.timeseries.points.filter((p) => p.toMs <= s.window.toMs);
    const busy = inWindow.reduce((a, p) => a + p.utilization * (p.toMs - p.fromMs), 0) / inWindow.reduce((a, p) => a + p.toMs - p.fromMs, 0);
    const summaryUtilization = s.servers.reduce((a, v) => a + v.utilization, 0) / s.servers.length;
    expect(busy).toBeCloseTo(summaryUtilization, 2);
  });

  it('counts a server that is down at the end of each window it is down at, and latency is null before the warm-up ends', () => {
    const s = simulate({ ...preset('default'), stop: { timeMs: 6_000, warmupMs: 1_000 }, failures: { outages: [{ atMs: 2_000, forMs: 2_000, servers: [3] }] } }, { timeseries: { windowMs: 1_000 } });
    // Counted at the ends of windows: down from 2,000 ms (an event at a window's end is in it) to 4,000 ms.
    expect(s.timeseries.points.map((p) => p.failed)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(s.timeseries.points[0].p99Ms).toBeNull();
    expect(s.timeseries.points[1].p99Ms).toBeGreaterThan(0);
    expect(s.timeseries.points.every((p) => p.idle + p.busy + p.failed + p.recovering === 10)).toBe(true);
  });

  it('gives the latency CDF of the run, ending at its max', () => {
    const s = simulate({ ...preset('default'), stop: { requests: 10_000 } }, { timeseries: { windowMs: 1_000 } });
    const cdf = s.timeseries.latencyCdf;
    expect(cdf[cdf.length - 1]).toEqual({ ms: s.latencyMs.max, p: 1 });
    expect(cdf.find((c) => c.p === 0.5)!.ms).toBe(s.latencyMs.p50);
    expect(cdf.every((c, i) => i === 0 || c.ms >= cdf[i - 1].ms)).toBe(true);
  });

  it('refuses a window that is not a positive number, by its path', () => {
    expect(() => simulate(preset('default'), { timeseries: { windowMs: 0 } })).toThrow(ScenarioError);
    expect(() => simulate(preset('default'), { timeseries: { windowMs: 0 } })).toThrow(/^options\.timeseries\.windowMs: got 0/);
    expect(() => simulate(preset('default'), { timeseries: { window: 5 } as never })).toThrow(/^options\.timeseries\.window: /);
  });
});

describe('Histogram.since(earlier)', () => {
  it('holds exactly the records added after the clone', () => {
    const h = new Histogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    const before = h.clone();
    for (let i = 1001; i <= 1100; i++) h.record(i);
    const window = h.since(before);
    expect(window.count).toBe(100);
    expect(window.quantile(0.5)).toBeCloseTo(1050, -1);
    expect(window.quantile(1)).toBeCloseTo(1100, -1);
    expect(window.quantile(0.01)).toBeCloseTo(1001, -1);
  });
});
