/**
 * Charts as Vega-Lite specifications (plain JSON: render-svg.ts draws them in Node, and notebooks
 * such as Altair or Observable read them as they are):
 * - `sweepChart(rows)`: p50 and p99 latency when the sweep reports them (else its first two
 *   metrics) against the first numeric grid axis (`load` when there is one), one line per value
 *   of the other axes (the balancer, say), each with its 95% confidence band over seeds; a log
 *   scale when every band is above 0.
 * - `runChart(summary)`: a run's time series (throughput, latency percentiles, queue length and
 *   requests in service, servers by state, per window) and its latency CDF.
 * Colours: the Okabe–Ito palette (readable with colour-vision deficiencies), as in the demo.
 */
import type { Summary } from '../model/summary.js';
import type { SweepRow } from './sweep.js';
import { aggregateSweep, sweepColumns } from './sweep-summary.js';
import { runMetric } from './run-metrics.js';
import type { TimeSeries } from './timeseries.js';

/** A Vega-Lite specification (JSON). */
export type ChartSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
const CONFIG = { font: 'sans-serif', view: { stroke: null }, axis: { grid: true, gridOpacity: 0.4 }, legend: { labelLimit: 320 }, range: { category: PALETTE } };

const LABELS: Record<string, string> = {
  meanMs: 'mean', p50Ms: 'p50', p90Ms: 'p90', p95Ms: 'p95', p99Ms: 'p99', p999Ms: 'p99.9',
  throughputPerSec: 'throughput / s', goodputPerSec: 'goodput / s', succeededShare: 'succeeded share', failedShare: 'failed share',
  timedOutShare: 'timed-out share', droppedShare: 'dropped share', rejectedShare: 'rejected share', utilization: 'utilization',
  maxOverMean: 'max / mean load', amplification: 'attempts per request',
};

/** Latency (the sweep's p50 and p99 when it reports them) against the first numeric axis. */
export function sweepChart(rows: readonly SweepRow[]): ChartSpec {
  const { params, metrics } = sweepColumns(rows);
  const numeric = params.filter((p) => rows.every((r) => typeof r[p] === 'number'));
  const x = numeric.includes('load') ? 'load' : numeric[0] ?? (params[0] ?? 'rho');
  const others = params.filter((p) => p !== x);
  const preferred = metrics.filter((m) => m === 'p50Ms' || m === 'p99Ms');
  const shown = preferred.length ? preferred : metrics.slice(0, 2);
  const values = aggregateSweep(rows).flatMap((arm) => shown.flatMap((m) => {
    const mean = arm[`${m}_mean`], half = arm[`${m}_ci95`];
    if (typeof mean !== 'number') return [];
    const h = typeof half === 'number' ? half : 0;
    const series = others.length ? others.map((p) => (p === 'balancer' ? String(arm[p]) : `${p}=${arm[p]}`)).join(', ') : String(arm.sweep);
    return [{ x: arm[x], series, metric: LABELS[m] ?? m, mean, lo: mean - h, hi: mean + h }];
  }));
  const log = values.length > 0 && values.every((v) => v.lo > 0);
  const quantitative = numeric.includes(x) || x === 'rho';
  const seeds = Math.max(1, ...aggregateSweep(rows).map((a) => a.seeds));
  const yTitle = shown.every((m) => runMetric(m)!.latency) ? 'latency (ms)' : null;
  const order = [...new Set(values.map((v) => v.series))];
  const color = { field: 'series', type: 'nominal', title: others.join(', ') || null, sort: order, ...(order.length < 2 ? { legend: null } : {}) };
  // A log x axis for positive values spanning more than 1.5 decades (retry ratios 0.05 … 3, say).
  const xs = values.map((v) => v.x as number);
  const logX = quantitative && xs.length > 0 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) > 30;
  const xAxis = { field: 'x', type: quantitative ? 'quantitative' : 'nominal', title: x === 'rho' ? 'offered load ρ' : x, ...(quantitative ? { scale: logX ? { type: 'log' } : { zero: false } } : {}) };
  const y = { type: 'quantitative', scale: log ? { type: 'log' } : { zero: false } };
  return {
    $schema: SCHEMA,
    title: { text: String(rows[0]?.sweep ?? 'sweep'), subtitle: seeds > 1 ? `mean and 95% confidence band over ${seeds} seeds` : 'one seed' },
    data: { values },
    facet: { column: { field: 'metric', type: 'nominal', title: null, sort: shown.map((m) => LABELS[m] ?? m) } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x: xAxis, y: { ...y, field: 'lo', title: yTitle }, y2: { field: 'hi' }, color } },
        { mark: { type: 'line', point: true }, encoding: { x: xAxis, y: { ...y, field: 'mean', title: yTitle }, color } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  };
}

/** A run's time series panels and its latency CDF, one above the other. */
export function runChart(summary: Summary & { timeseries: TimeSeries }): ChartSpec {
  const { points, latencyCdf, windowMs } = summary.timeseries;
  // Each window as a step from its start; the last value held to the run's end.
  const row = (p: (typeof points)[number], t: number) => ({
    t, 'completed / s': p.throughputPerSec, p50: p.p50Ms, p90: p.p90Ms, p99: p.p99Ms, queued: p.queueLength, 'in service': p.inService,
    idle: p.idle, busy: p.busy, failed: p.failed, recovering: p.recovering,
  });
  const series = points.map((p) => row(p, p.fromMs / 1000));
  if (points.length) series.push(row(points[points.length - 1], points[points.length - 1].toMs / 1000));
  const time = { field: 't', type: 'quantitative', title: 'simulated time (s)', scale: { zero: false, nice: false } };
  const folded = (fields: string[], title: string, mark: Record<string, unknown>, stack = false, range?: string[]) => ({
    width: 560,
    height: 110,
    data: { name: 'series' },
    transform: [{ fold: fields, as: ['what', 'value'] }, { calculate: `indexof(${JSON.stringify(fields)}, datum.what)`, as: 'k' }],
    mark: { interpolate: 'step-after', ...mark },
    encoding: {
      x: time,
      y: { field: 'value', type: 'quantitative', title, ...(stack ? { stack: 'zero' } : { stack: null }) },
      color: { field: 'what', type: 'nominal', title: null, sort: fields, ...(range ? { scale: { domain: fields, range } } : {}) },
      ...(stack ? { order: { field: 'k' } } : {}),
    },
  });
  const panels: Record<string, unknown>[] = [
    folded(['completed / s'], 'requests / s', { type: 'line' }),
    folded(['p50', 'p90', 'p99'], 'latency (ms)', { type: 'line' }),
    folded(['queued', 'in service'], 'requests', { type: 'line' }),
    // Servers by state: idle grey, busy blue, failed vermilion, recovering orange.
    folded(['idle', 'busy', 'failed', 'recovering'], 'servers', { type: 'area' }, true, ['#BBBBBB', '#0072B2', '#D55E00', '#E69F00']),
  ];
  if (latencyCdf.length) {
    panels.push({
      width: 560,
      height: 160,
      data: { name: 'cdf' },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: latencyCdf[0].ms > 0 ? 'log' : 'linear' } },
        y: { field: 'p', type: 'quantitative', title: 'share of requests', axis: { format: '%' } },
      },
    });
  }
  return {
    $schema: SCHEMA,
    title: { text: `${summary.scenario} · ${summary.label} · seed ${summary.seed}`, subtitle: `per ${windowMs} ms window; latency CDF of the measured requests` },
    datasets: { series, cdf: latencyCdf },
    vconcat: panels,
    resolve: { scale: { color: 'independent' } },
    config: CONFIG,
  };
}
