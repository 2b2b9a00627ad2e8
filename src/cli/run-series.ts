/**
 * `lbsim run --timeseries MS` and `--plot`: the run's time series as a table or CSV (one row per
 * window), and the window a chart uses when none is given (about 100 windows over the run).
 */
import { ScenarioError } from '../input/check.js';
import { offeredLoad } from '../scenario/offered-load.js';
import type { Scenario } from '../scenario/scenario.js';
import type { ServiceSeriesPoint, TimeSeries, TimeSeriesPoint } from '../experiment/timeseries.js';
import { csv, fmt, percent, table } from './format.js';

/** --timeseries: a window in ms, a positive decimal number. */
export function timeseriesFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(ms > 0) || !Number.isFinite(ms)) throw new ScenarioError('--timeseries', value, 'a window in ms, a positive decimal number (e.g. 1000)');
  return ms;
}

/**
 * A window giving about 100 points over the run (1, 2 or 5 × a power of ten, ms): the stop time,
 * or the arrivals `stop.requests` takes at the offered rate.
 */
export function suggestedWindowMs(scenario: Scenario): number {
  const rate = offeredLoad(scenario).arrivalRatePerSec;
  const byRequests = scenario.stop.requests !== undefined && rate > 0 ? (scenario.stop.requests / rate) * 1000 : Infinity;
  const spanMs = Math.min(scenario.stop.timeMs ?? Infinity, byRequests);
  if (!Number.isFinite(spanMs) || spanMs <= 0) return 1000;
  const raw = spanMs / 100, power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * power).find((w) => w >= raw) ?? 10 * power;
}

const COLUMNS: Exclude<keyof TimeSeriesPoint, 'services'>[] = ['fromMs', 'toMs', 'throughputPerSec', 'p50Ms', 'p90Ms', 'p99Ms', 'queueLength', 'inService', 'utilization', 'idle', 'busy', 'failed', 'recovering'];

/** A topology's per-service columns: `<service>.<figure>`. */
const SERVICE_COLUMNS: (keyof ServiceSeriesPoint)[] = ['okPerSec', 'errorsPerSec', 'queueLength', 'utilization', 'failed'];

const servicesOf = (ts: TimeSeries): string[] => Object.keys(ts.points[0]?.services ?? {});

export function seriesCsv(ts: TimeSeries): string {
  const services = servicesOf(ts);
  const head = [...COLUMNS, ...services.flatMap((svc) => SERVICE_COLUMNS.map((c) => `${svc}.${c}`))];
  return csv([head, ...ts.points.map((p) => [
    ...COLUMNS.map((c) => p[c] ?? ''),
    ...services.flatMap((svc) => SERVICE_COLUMNS.map((c) => p.services![svc][c])),
  ])]);
}

export function seriesTable(ts: TimeSeries): string {
  const ms = (x: number | null) => (x === null ? '-' : fmt(x));
  return `\ntime series, per ${fmt(ts.windowMs)} ms window (latency of the measured requests that succeeded in it; servers at its end):\n` + table([
    ['from s', 'to s', 'done/s', 'p50 ms', 'p90 ms', 'p99 ms', 'queued', 'in service', 'utilization', 'idle', 'busy', 'failed', 'recovering'],
    ...ts.points.map((p) => [fmt(p.fromMs / 1000), fmt(p.toMs / 1000), fmt(p.throughputPerSec), ms(p.p50Ms), ms(p.p90Ms), ms(p.p99Ms), fmt(p.queueLength), fmt(p.inService), percent(p.utilization), String(p.idle), String(p.busy), String(p.failed), String(p.recovering)]),
  ]) + serviceSeriesTable(ts);
}

/** A topology's services window by window: attempts ok and in error per second, utilisation, servers down. */
function serviceSeriesTable(ts: TimeSeries): string {
  const services = servicesOf(ts);
  if (services.length === 0) return '';
  return '\nper service (attempts ok/s, errors/s, utilization, servers down at the end):\n' + table([
    ['from s', 'to s', ...services.flatMap((svc) => [`${svc} ok/s`, 'err/s', 'util', 'down'])],
    ...ts.points.map((p) => [fmt(p.fromMs / 1000), fmt(p.toMs / 1000), ...services.flatMap((svc) => {
      const x = p.services![svc];
      return [fmt(x.okPerSec), fmt(x.errorsPerSec), percent(x.utilization), String(x.failed)];
    })]),
  ]);
}
