/**
 * The time series of a run, window by window: a sampler that drives a model to its end in slices
 * (`model.runUntil(t)` at each window's end) and reads its public state between them — the
 * stats' counters and latency histogram, the pool's time integrals and server states — without
 * touching the model's code. The run itself is unchanged: its Summary is byte for byte the one
 * `model.run()` gives (tests hold them equal), so a series can sit beside any result.
 *
 * Per window [fromMs, toMs]: completions per second (every request, warm-up included), latency
 * percentiles of the measured requests that succeeded in it (null when none: before the warm-up
 * ends, or a quiet window), time-averaged requests waiting and in service summed over servers,
 * the servers' mean utilisation, and how many servers are in each state at the window's end.
 * The last window ends with the run (it may be shorter).
 */
import type { Model } from '../model/model.js';
import { ServerState } from '../model/states.js';
import { ScenarioError } from '../input/check.js';
import { latencyCdf, type CdfPoint } from '../metrics/latency-cdf.js';

export interface TimeSeriesPoint {
  fromMs: number;
  toMs: number;
  /** Requests that succeeded in the window, per second. */
  throughputPerSec: number;
  /** Latency percentiles of measured requests that succeeded in the window, ms; null when none did. */
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  /** Time-averaged requests waiting in queues, all servers together. */
  queueLength: number;
  /** Time-averaged requests in service, all servers together. */
  inService: number;
  /** Busy slot-time over total slot-time in the window (0..1). */
  utilization: number;
  /** Servers in each state at the window's end. */
  idle: number;
  busy: number;
  failed: number;
  recovering: number;
  /** A topology's services (see ServiceSeriesPoint), by name; absent for a single pool. */
  services?: Record<string, ServiceSeriesPoint>;
}

/** A service of a topology over the window: its attempts (measured) and its servers. */
export interface ServiceSeriesPoint {
  /** Attempts at the service that succeeded, and that ended otherwise (failed, dropped, rejected), per second. */
  okPerSec: number;
  errorsPerSec: number;
  /** Time-averaged attempts waiting in its queues. */
  queueLength: number;
  /** Busy slot-time over its slot-time in the window (0..1). */
  utilization: number;
  /** Its servers down at the window's end. */
  failed: number;
}

/** A service as the series reads it: its servers [lo, hi) of the pool and its attempt counters. */
export interface SeriesService {
  name: string;
  lo: number;
  hi: number;
  counters: { succeeded: number; failed: number; dropped: number; rejected: number };
}

/** What the series reads of a model: a single pool's Model or a TopologyModel. */
export type SeriesModel = Pick<Model, 'pool' | 'stats' | 'sim' | 'finished' | 'runUntil' | 'warmupMs' | 'run'> & { workload: { stopAtMs: number } };

export interface TimeSeries {
  windowMs: number;
  points: TimeSeriesPoint[];
  /** The latency distribution of the whole run's measured requests (see metrics/latency-cdf.ts). */
  latencyCdf: CdfPoint[];
}

/** Most windows in one series. */
export const MAX_WINDOWS = 100_000;

const r9 = (x: number) => Number(x.toPrecision(9));

/**
 * Runs `model` (fresh, not yet run) to its end as `model.run()` would, recording a point every
 * `windowMs` of simulated time. `path` names the option in errors.
 */
export function runWithTimeSeries(model: SeriesModel, windowMs: number, path = 'options.timeseries.windowMs', services: readonly SeriesService[] = []): TimeSeries {
  const { pool, stats, sim } = model;
  const stopAt = model.workload.stopAtMs;
  const slots = pool.concurrency.reduce((a, c) => a + c, 0);
  const integrals = () => {
    let queue = 0, busy = 0;
    for (let s = 0; s < pool.size; s++) {
      queue += pool.queueTime(s);
      busy += pool.busyTime(s);
    }
    return { queue, busy };
  };
  const perService = services.length > 0 ? new ServiceWindows(model, services) : null;
  const points: TimeSeriesPoint[] = [];
  let from = sim.now;
  let successes = stats.successes;
  let latency = stats.latency.clone();
  let at = integrals();
  while (!model.finished() && from < stopAt) {
    if (points.length >= MAX_WINDOWS) throw new ScenarioError(path, windowMs, `a window giving at most ${MAX_WINDOWS} points over the run`);
    const to = Math.min(from + windowMs, stopAt);
    // The warm-up's end restarts the pool's integrals at 0: read them just before it.
    let carried = { queue: 0, busy: 0 };
    const warmup = model.warmupMs;
    if (!stats.measuring && warmup > from && warmup <= to) {
      model.runUntil(warmup * (1 - Number.EPSILON));
      perService?.carry();
      const before = integrals();
      carried = { queue: before.queue - at.queue, busy: before.busy - at.busy };
      at = { queue: 0, busy: 0 };
    }
    if (!model.finished()) model.runUntil(to);
    const end = model.finished() ? sim.now : to;
    const now = integrals();
    const lengthMs = end - from;
    if (lengthMs > 0) {
      const window = stats.latency.since(latency);
      const quantile = (q: number) => (window.count > 0 ? r9(window.quantile(q)) : null);
      const counts = [0, 0, 0, 0];
      for (let s = 0; s < pool.size; s++) counts[pool.state[s]]++;
      const busy = carried.busy + now.busy - at.busy;
      points.push({
        fromMs: r9(from), toMs: r9(end),
        throughputPerSec: r9(((stats.successes - successes) / lengthMs) * 1000),
        p50Ms: quantile(0.5), p90Ms: quantile(0.9), p99Ms: quantile(0.99),
        queueLength: r9(Math.max(0, carried.queue + now.queue - at.queue) / lengthMs),
        inService: r9(Math.max(0, busy) / lengthMs),
        utilization: slots > 0 ? r9(Math.max(0, busy) / lengthMs / slots) : 0,
        idle: counts[0], busy: counts[1], failed: counts[2], recovering: counts[3],
        ...(perService ? { services: perService.point(lengthMs) } : {}),
      });
    }
    perService?.next();
    from = end;
    successes = stats.successes;
    latency = stats.latency.clone();
    at = now;
  }
  finish(model);
  return { windowMs, points, latencyCdf: latencyCdf(stats.latency) };
}

/** Each service's figures window by window (a topology's series). */
class ServiceWindows {
  /** Per service: queue and busy integrals and attempt outcomes at the window's start, and carried over the warm-up. */
  private at: Float64Array;
  private carried: Float64Array;
  private readonly slots: number[];

  constructor(private readonly model: SeriesModel, private readonly services: readonly SeriesService[]) {
    this.slots = services.map((svc) => model.pool.concurrency.subarray(svc.lo, svc.hi).reduce((a, c) => a + c, 0));
    this.at = this.read();
    this.carried = new Float64Array(this.at.length);
  }

  /** [queue, busy, ok, errors] of every service now. */
  private read(): Float64Array {
    const pool = this.model.pool, out = new Float64Array(this.services.length * 4);
    this.services.forEach((svc, i) => {
      for (let s = svc.lo; s < svc.hi; s++) {
        out[i * 4] += pool.queueTime(s);
        out[i * 4 + 1] += pool.busyTime(s);
      }
      const k = svc.counters;
      out[i * 4 + 2] = k.succeeded;
      out[i * 4 + 3] = k.failed + k.dropped + k.rejected;
    });
    return out;
  }

  /** Just before the warm-up's end restarts the pool's integrals: keep what the window had so far. */
  carry(): void {
    const now = this.read();
    for (let i = 0; i < now.length; i += 4) {
      this.carried[i] = now[i] - this.at[i];
      this.carried[i + 1] = now[i + 1] - this.at[i + 1];
      this.at[i] = 0;
      this.at[i + 1] = 0;
    }
  }

  point(lengthMs: number): Record<string, ServiceSeriesPoint> {
    const now = this.read(), pool = this.model.pool, out: Record<string, ServiceSeriesPoint> = {};
    this.services.forEach((svc, i) => {
      const j = i * 4, busy = Math.max(0, this.carried[j + 1] + now[j + 1] - this.at[j + 1]);
      let failed = 0;
      for (let s = svc.lo; s < svc.hi; s++) if (pool.state[s] === ServerState.Failed) failed++;
      out[svc.name] = {
        okPerSec: r9(((now[j + 2] - this.at[j + 2]) / lengthMs) * 1000),
        errorsPerSec: r9(((now[j + 3] - this.at[j + 3]) / lengthMs) * 1000),
        queueLength: r9(Math.max(0, this.carried[j] + now[j] - this.at[j]) / lengthMs),
        utilization: this.slots[i] > 0 ? r9(busy / lengthMs / this.slots[i]) : 0,
        failed,
      };
    });
    return out;
  }

  /** The next window starts now. */
  next(): void {
    this.at = this.read();
    this.carried.fill(0);
  }
}

/**
 * Ends the run as `model.run()` does. A run that reached its stop time ends through `run()` itself
 * (nothing is left before the stop time); one that finished inside a window (its last request
 * ended, and `sim.stop()` ended the slice) must not run on — periodic events such as health
 * checks would — so its window is closed as `run()` closes it (Stats.runEnded).
 */
function finish(model: SeriesModel): void {
  if (!model.finished()) {
    model.run();
    return;
  }
  model.stats.runEnded(); // as model.run() ends: the same code
  model.pool.flush();
}
