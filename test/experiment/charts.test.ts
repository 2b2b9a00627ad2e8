import { describe, expect, it } from 'vitest';
import { preset, simulate, type ScenarioInput } from '../../src/index.js';
import { sweep } from '../../src/experiment/sweep.js';
import { aggregateSweep } from '../../src/experiment/sweep-summary.js';
import { sweepChart, runChart } from '../../src/experiment/chart-specs.js';
import { renderSvg } from '../../src/experiment/render-svg.js';

const small: ScenarioInput = { ...preset('default'), stop: { requests: 2_000 } };

describe('sweepChart(rows)', () => {
  it('plots p50 and p99 against load, one series per balancer, with the 95% band of each arm', async () => {
    const rows = await sweep({ scenario: small, grid: { balancer: ['random', 'p2c'], load: [0.5, 0.8] }, seeds: [1, 2, 3], metrics: ['meanMs', 'p50Ms', 'p99Ms'] });
    const spec = sweepChart(rows) as { data: { values: Record<string, unknown>[] }; facet: unknown; spec: { layer: { encoding: { x: { field: string; title: string } } }[] } };
    const arms = aggregateSweep(rows);
    expect(spec.data.values).toHaveLength(arms.length * 2);
    expect(spec.data.values[1]).toEqual({
      x: 0.5, series: 'random', metric: 'p99', mean: arms[0].p99Ms_mean,
      lo: (arms[0].p99Ms_mean as number) - (arms[0].p99Ms_ci95 as number), hi: (arms[0].p99Ms_mean as number) + (arms[0].p99Ms_ci95 as number),
    });
    expect(spec.spec.layer[1].encoding.x.title).toBe('load');
    expect(new Set(spec.data.values.map((v) => v.series))).toEqual(new Set(['random', 'power-of-two']));
  });
});

describe('renderSvg(spec)', () => {
  it('draws a standalone SVG in Node, the same bytes every time', async () => {
    const rows = await sweep({ scenario: small, grid: { load: [0.5, 0.9] }, seeds: [1, 2] });
    const svg = await renderSvg(sweepChart(rows));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('>load</text>');
    expect(svg).toContain('>p99</text>');
    expect(await renderSvg(sweepChart(rows))).toBe(svg);
  });

  it('draws a run\'s time series panels and latency CDF', async () => {
    const summary = simulate({ ...preset('outage'), stop: { timeMs: 6_000 } }, { timeseries: { windowMs: 1_000 } });
    const spec = runChart(summary) as { datasets: { series: unknown[]; cdf: unknown[] }; vconcat: unknown[] };
    expect(spec.datasets.series).toHaveLength(summary.timeseries.points.length + 1);
    expect(spec.vconcat).toHaveLength(5);
    const svg = await renderSvg(runChart(summary));
    for (const label of ['requests / s', 'latency (ms)', 'servers', 'share of requests', 'recovering']) expect(svg).toContain(`>${label}</text>`);
  });
});
