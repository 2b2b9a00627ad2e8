/**
 * The Summary contract (DESIGN.md): what `simulate()` returns and `lbsim run --json` prints.
 * All times in ms. Everything but `wallMs` is a pure function of scenario + seed.
 */
import type { ServerPool } from './server-pool.js';
import type { Stats } from './stats.js';
import { SERVER_STATE_NAMES, REQUEST_STATE_NAMES, ATTEMPT_STATE_NAMES, type ServerStateName } from './states.js';

/** A server over the measurement window (`Summary.window`). */
export interface ServerSummary {
  id: number;
  /** Attempts completed inside the window. */
  completed: number;
  /** Dropped at this server inside the window because its queue was full. */
  dropped: number;
  /** Busy slot-time / (concurrency × window length). */
  utilization: number;
  /** Time-averaged number of waiting requests. */
  meanQueueLength: number;
  stateTimeMs: Record<ServerStateName, number>;
}

/** A figure's spread over the servers: mean, extremes and percentiles (nearest rank). */
export interface Spread { mean: number; min: number; p50: number; p90: number; p99: number; max: number }

/**
 * Pools of more servers than this summarise them as distributions (`Summary.serverStats`) and
 * list only the busiest `TOP_SERVERS` in `Summary.servers`, unless asked for every server.
 */
export const SERVERS_LISTED = 10_000;
export const TOP_SERVERS = 20;

/** Per-server figures as distributions over the pool (pools above SERVERS_LISTED servers). */
export interface ServerStats {
  /** Servers in the pool; `Summary.servers` lists the `listed` busiest (by utilisation, then id). */
  count: number;
  listed: number;
  utilization: Spread;
  completed: Spread;
  meanQueueLength: Spread;
  /** Dropped at all servers inside the window. */
  dropped: number;
}

export interface Summary {
  scenario: string;
  balancer: string;
  /** The policy with its options when it has any (`power-of-two choices=3`), else its name. */
  label: string;
  seed: number;
  simTimeMs: number;
  /**
   * Events the run handled: arrivals, departures, timers that fired, failures, health checks…
   * A client timer (attempt timeout, connect timeout, deadline, hedge) whose attempt or request
   * ended before it came due is cancelled in its event lane and is not one; until it was, each
   * such stale timer was handled (and ignored) as one event.
   */
  events: number;
  /**
   * The measurement window: from the end of the warm-up to the last arrival (or the stop time).
   * Rates, utilisation, queue lengths, state times and per-server counts are taken over it;
   * request counts and latencies follow the requests that arrived in it until they end.
   */
  window: { fromMs: number; toMs: number };
  requests: {
    arrived: number; succeeded: number; failed: number; timedOut: number; dropped: number;
    rejected: number; retries: number; inFlight: number;
  };
  latencyMs: { mean: number; p50: number; p90: number; p95: number; p99: number; p999: number; max: number };
  throughputPerSec: number;
  /** Load spread over servers: max/mean completed and their coefficient of variation. */
  imbalance: { maxOverMean: number; cv: number };
  /**
   * Every server, by id — or, above SERVERS_LISTED servers (unless the run asked for each server:
   * `perServer`), the TOP_SERVERS busiest by utilisation, with `serverStats` for the whole pool.
   */
  servers: ServerSummary[];
  serverStats?: ServerStats;
  /**
   * What clients did: attempts sent (first tries, retries and hedges), hedges, retry amplification
   * (attempts per request), server time spent on work no one waited for any more, goodput
   * (requests succeeded per second) beside server throughput (attempts completed per second).
   */
  client: {
    attempts: number; hedges: number; amplification: number; wastedWorkMs: number;
    goodputPerSec: number; serverThroughputPerSec: number;
  };
  /**
   * The gap between truth and belief: failures, attempts sent to a server that was down, the mean
   * time from a failure until balancers stopped choosing the server (over `detected` failures), and
   * from a repair until traffic reached the server again (over `returned` repairs). Failures of a
   * server the balancers already excluded (`whileExcluded`, e.g. failing again before health
   * checks let it back in) are no detections: nothing had to notice them.
   */
  failures: {
    observed: number; whileExcluded: number; sentToFailed: number;
    detectionDelayMs: number; detected: number; trafficReturnDelayMs: number; returned: number;
  };
  /** How often each transition fired ("from->to": count), for annotated diagrams. */
  transitions: { server: Record<string, number>; request: Record<string, number>; attempt: Record<string, number> };
  /** What makes the figures doubtful, e.g. no arrival after the warm-up (none: []). */
  warnings: string[];
  wallMs: number;
}

/**
 * Rounding for print: 9 significant digits, so that summaries compare byte for byte and keep
 * their order (p99 ≤ max). Non-finite values print as 0 (they cannot occur in a valid run).
 */
export const r9 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(9)) : 0);

function counts(names: readonly string[], table: Float64Array): Record<string, number> {
  const n = names.length, out: Record<string, number> = {};
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      const c = table[from * n + to];
      if (c > 0) out[`${names[from]}->${names[to]}`] = c;
    }
  }
  return out;
}

/** What a summary reads of a run: its servers, clock, stats and which policy at which seed. */
export interface SummarySource {
  readonly pool: ServerPool;
  readonly sim: { readonly now: number; readonly events: number };
  readonly stats: Stats;
  readonly warmupMs: number;
  readonly config: { readonly seed: number; readonly balancer: { name: string; options: Record<string, unknown> } };
}

/** Mean, extremes and nearest-rank percentiles of `values` (sorted in place). */
function spread(values: Float64Array): Spread {
  const n = values.length;
  if (n === 0) return { mean: 0, min: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  values.sort();
  const rank = (q: number) => r9(values[Math.max(0, Math.ceil(q * n) - 1)]);
  return { mean: r9(sum / n), min: r9(values[0]), p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: r9(values[n - 1]) };
}

/**
 * `perServer`: list every server in `servers` however many there are (default: above
 * SERVERS_LISTED servers, the busiest TOP_SERVERS and `serverStats`).
 */
export function summarize(model: SummarySource, scenarioName: string, wallMs: number, perServer = false): Summary {
  const { pool, sim, stats } = model;
  const latency = stats.latency;
  const w = stats.window();
  const measuredMs = Math.max(0, w.toMs - w.fromMs);
  const servers: ServerSummary[] = [];
  const utilizationOf = (s: number) => (measuredMs > 0 ? r9(w.busyMs[s] / (pool.concurrency[s] * measuredMs)) : 0);
  const server = (s: number): ServerSummary => {
    const stateTimeMs = {} as Record<ServerStateName, number>;
    SERVER_STATE_NAMES.forEach((name, k) => (stateTimeMs[name] = r9(w.stateTimeMs[s * SERVER_STATE_NAMES.length + k])));
    return {
      id: s,
      completed: w.completed[s],
      dropped: w.dropped[s],
      utilization: utilizationOf(s),
      meanQueueLength: measuredMs > 0 ? r9(w.queueArea[s] / measuredMs) : 0,
      stateTimeMs,
    };
  };
  let sum = 0, sumSq = 0, max = 0;
  for (let s = 0; s < pool.size; s++) {
    const c = w.completed[s];
    sum += c; sumSq += c * c; max = Math.max(max, c);
  }
  let serverStats: ServerStats | undefined;
  if (perServer || pool.size <= SERVERS_LISTED) {
    for (let s = 0; s < pool.size; s++) servers.push(server(s));
  } else {
    const n = pool.size, utilization = new Float64Array(n), queue = new Float64Array(n);
    let dropped = 0;
    for (let s = 0; s < n; s++) {
      utilization[s] = utilizationOf(s);
      queue[s] = measuredMs > 0 ? w.queueArea[s] / measuredMs : 0;
      dropped += w.dropped[s];
    }
    // The busiest: a bounded selection (ids ascending among equal utilisation), O(n · TOP_SERVERS).
    const top: number[] = [];
    for (let s = 0; s < n; s++) {
      if (top.length === TOP_SERVERS && utilization[s] <= utilization[top[top.length - 1]]) continue;
      let i = top.length;
      while (i > 0 && utilization[top[i - 1]] < utilization[s]) i--;
      top.splice(i, 0, s);
      if (top.length > TOP_SERVERS) top.pop();
    }
    for (const s of top) servers.push(server(s));
    serverStats = {
      count: n, listed: top.length, utilization: spread(utilization), completed: spread(Float64Array.from(w.completed)),
      meanQueueLength: spread(queue), dropped,
    };
  }
  const warnings: string[] = [];
  if (stats.measuredNothing) {
    warnings.push(
      `no request arrived after the warm-up (stop.warmupMs = ${model.warmupMs} ms): ` +
      'nothing was measured; lower stop.warmupMs or let the run go longer',
    );
  } else if (measuredMs === 0 || (w.serverCompletions === 0 && stats.succeeded > 0)) {
    warnings.push(
      `no request completed inside the measurement window [${r9(w.fromMs)}, ${r9(w.toMs)}] ms (it ends with the last arrival): ` +
      'rates and time averages say little; let the run go longer',
    );
  }
  const mean = pool.size > 0 ? sum / pool.size : 0;
  const variance = pool.size > 0 ? Math.max(0, sumSq / pool.size - mean * mean) : 0;
  return {
    scenario: scenarioName,
    balancer: model.config.balancer.name,
    label: [model.config.balancer.name, ...Object.entries(model.config.balancer.options).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)].join(' '),
    seed: model.config.seed,
    simTimeMs: r9(sim.now),
    events: sim.events,
    window: { fromMs: r9(w.fromMs), toMs: r9(w.toMs) },
    requests: {
      arrived: stats.arrived, succeeded: stats.succeeded, failed: stats.failed, timedOut: stats.timedOut,
      dropped: stats.dropped, rejected: stats.rejected, retries: stats.retries, inFlight: stats.inFlight,
    },
    latencyMs: {
      mean: r9(stats.latencyStats.mean),
      p50: r9(latency.quantile(0.5)),
      p90: r9(latency.quantile(0.9)),
      p95: r9(latency.quantile(0.95)),
      p99: r9(latency.quantile(0.99)),
      p999: r9(latency.quantile(0.999)),
      max: latency.count > 0 ? r9(latency.max) : 0,
    },
    throughputPerSec: measuredMs > 0 ? r9((w.succeeded / measuredMs) * 1000) : 0,
    imbalance: { maxOverMean: mean > 0 ? r9(max / mean) : 0, cv: mean > 0 ? r9(Math.sqrt(variance) / mean) : 0 },
    servers,
    ...(serverStats ? { serverStats } : {}),
    client: {
      attempts: stats.attemptsSent,
      hedges: stats.hedges,
      amplification: stats.arrived > 0 ? r9(stats.attemptsSent / stats.arrived) : 0,
      wastedWorkMs: r9(stats.wastedWorkMs),
      goodputPerSec: measuredMs > 0 ? r9((w.succeeded / measuredMs) * 1000) : 0,
      serverThroughputPerSec: measuredMs > 0 ? r9((w.serverCompletions / measuredMs) * 1000) : 0,
    },
    failures: {
      observed: stats.failuresObserved,
      whileExcluded: stats.failuresWhileExcluded,
      sentToFailed: stats.sentToFailed,
      detectionDelayMs: r9(stats.detectionDelay.mean),
      detected: stats.detectionDelay.count,
      trafficReturnDelayMs: r9(stats.trafficReturnDelay.mean),
      returned: stats.trafficReturnDelay.count,
    },
    transitions: {
      server: counts(SERVER_STATE_NAMES, pool.transitions),
      request: counts(REQUEST_STATE_NAMES, stats.requestTransitions),
      attempt: counts(ATTEMPT_STATE_NAMES, stats.attemptTransitions),
    },
    warnings,
    wallMs: Math.round(wallMs),
  };
}
