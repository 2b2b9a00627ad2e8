/**
 * The Summary of a topology: the top level is the end-to-end view (requests at the entry, their
 * latency; `servers` lists every service's servers, `imbalance` and `client.serverThroughputPerSec`
 * are the entry service's); `services` gives each service's attempts, their latency there (their
 * calls included) and its servers; `edges` each caller → callee edge's calls, attempts, retries,
 * outcomes and amplification (attempts over it per entry request).
 */
import { summarize, r9, type Summary, type ServerSummary } from './summary.js';
import type { CallCounters, TopologyModel } from './topology.js';
import { BREAKER_MACHINE, BREAKER_STATE_NAMES } from './circuit-breaker.js';
import { BULKHEAD_MACHINE, BULKHEAD_STATE_NAMES } from './bulkhead.js';
import { LIMIT_MACHINE, LIMIT_STATE_NAMES } from './concurrency-limit.js';

interface Latency {
  latencyMs: { mean: number; p50: number; p99: number; max: number };
}

/**
 * A service: attempts that reached it, and how they ended there —
 * attempts = succeeded + failed + dropped + rejected + cancelled + inFlight.
 */
export interface ServiceSummary extends Latency {
  attempts: number; succeeded: number; failed: number; dropped: number; rejected: number;
  /** Withdrawn: the caller timed out with `cancel`, or no longer needed the result. */
  cancelled: number;
  inFlight: number;
  /** Attempts whose caller stopped waiting (timed out); without cancel they ran on and ended ok or failed. */
  abandoned: number;
  /** Failed calls its attempts made that a fallback answered instead (steps with `fallback`). */
  fallbacks: number;
  /** Attempts per entry request. */
  amplification: number;
  /** Slot time spent on attempts nobody waited for any more, ms. */
  wastedWorkMs: number;
  /** Attempts completed per second over the measurement window. */
  throughputPerSec: number;
  /** Mean utilisation of its servers (a slot held while waiting for calls is busy). */
  utilization: number;
  servers: ServerSummary[];
  /**
   * Its concurrency limit (when it has one): the time-weighted mean over the run (warm-up
   * included) averaged over its servers, the lowest and highest any server had, and the attempts
   * refused at once for being over it (measured; counted in `rejected`).
   */
  limit?: {
    kind: 'static' | 'aimd'; meanLimit: number; lowest: number; highest: number; refused: number;
    /** Its machine (`lbsim diagram limit`): mean time per server admitting and at the limit, transitions over all servers, AIMD's changes. */
    stateTimeMs: { admitting: number; 'at-limit': number }; transitions: Record<string, number>; increases: number; decreases: number;
  };
  /**
   * Its servers' failures (when it has `failures` or `health`), as the single pool's `failures`,
   * plus `aborted`: attempts at its servers a failure ended (they failed; their callers reacted).
   */
  failures?: {
    observed: number; whileExcluded: number; sentToFailed: number; aborted: number;
    detectionDelayMs: number; detected: number; trafficReturnDelayMs: number; returned: number;
  };
}

/**
 * An edge caller → callee: calls made over it and how they ended, as the caller saw them —
 * calls = succeeded + failed + timedOut + dropped + rejected + cancelled + inFlight, and
 * attempts = calls + retries + hedges.
 */
export interface EdgeSummary extends Latency {
  calls: number; attempts: number; retries: number;
  succeeded: number; failed: number; timedOut: number; dropped: number; rejected: number;
  /** Not needed any more by the caller (a parallel step met its need, or the caller was withdrawn). */
  cancelled: number;
  inFlight: number;
  /** Attempts refused at once by the edge's breaker or bulkhead (counted in `attempts`). */
  refused: number;
  /** Extra attempts sent while a call was unanswered after the hedge delay (counted in `attempts`). */
  hedges: number;
  /** Answers lost on the edge's network (`loss`): their attempts ended by a timeout or the deadline. */
  lost: number;
  /** Failed calls (failed, timed out, dropped, rejected) the caller answered with a fallback instead. */
  fallbacks: number;
  /** Attempts over the edge per entry request. */
  amplification: number;
  /** The edge's circuit breaker, when it has one: time in each state and transitions, warm-up included. */
  breaker?: { stateTimeMs: { closed: number; open: number; 'half-open': number }; transitions: Record<string, number> };
  /** The edge's bulkhead (maxConcurrent), when it has one: time open and full, and transitions, warm-up included. */
  bulkhead?: { stateTimeMs: { open: number; full: number }; transitions: Record<string, number> };
}

/**
 * An entry of a topology with `entries`: its requests (over its edge "client-><name>") and how
 * they ended — arrived = succeeded + failed + timedOut + dropped + rejected + inFlight; latency
 * of those that succeeded, from arrival (retries included).
 */
export interface EntrySummary extends Latency {
  arrived: number; attempts: number; retries: number;
  succeeded: number; failed: number; timedOut: number; dropped: number; rejected: number;
  inFlight: number;
  /** Attempts refused at once by its edge's breaker or bulkhead (counted in `attempts`). */
  refused: number;
}

export interface TopologySummary extends Summary {
  /** The entry service (the first entry's, with `entries`). */
  entry: string;
  /** Each entry's requests, with `entries` (the top level counts them all). */
  entries?: Record<string, EntrySummary>;
  /** Workflows as state machines across the services (scenarios with `workflows`). */
  workflows?: import('../workflow/summary.js').WorkflowsSummary;
  /** Entry requests that succeeded with a degraded answer: a fallback replaced a failed call somewhere below. */
  degraded: number;
  services: Record<string, ServiceSummary>;
  edges: Record<string, EdgeSummary>;
}

function latency(k: CallCounters): Latency {
  const h = k.latencyHistogram;
  return { latencyMs: { mean: r9(k.latency.mean), p50: r9(h.quantile(0.5)), p99: r9(h.quantile(0.99)), max: h.count > 0 ? r9(h.max) : 0 } };
}

const per = (x: number, n: number) => (n > 0 ? r9(x / n) : 0);

export function summarizeTopology(model: TopologyModel, scenarioName: string, wallMs: number): TopologySummary {
  const entry = model.config.services[model.entry];
  const top = summarize(
    { pool: model.pool, sim: model.sim, stats: model.stats, warmupMs: model.config.stop.warmupMs, config: { seed: model.config.seed, balancer: entry.balancer } },
    scenarioName, wallMs,
  );
  const arrived = model.stats.arrived;
  const w = model.stats.window();
  const windowMs = Math.max(0, w.toMs - w.fromMs);
  const services: Record<string, ServiceSummary> = {};
  for (const svc of model.services) {
    const servers = top.servers.slice(svc.lo, svc.hi);
    const completed = servers.reduce((n, s) => n + s.completed, 0);
    const k = svc.counters;
    services[svc.name] = {
      attempts: k.attempts, succeeded: k.succeeded, failed: k.failed, dropped: k.dropped, rejected: k.rejected,
      cancelled: k.cancelled, inFlight: k.inFlight, abandoned: k.abandoned, fallbacks: k.fallbacks, amplification: per(k.attempts, arrived),
      ...latency(k),
      wastedWorkMs: r9(k.wastedWorkMs),
      throughputPerSec: windowMs > 0 ? r9((completed / windowMs) * 1000) : 0,
      utilization: servers.length ? r9(servers.reduce((u, s) => u + s.utilization, 0) / servers.length) : 0,
      servers,
    };
    const health = model.health?.services[svc.index];
    if (health) {
      const c = health.counts;
      services[svc.name].failures = {
        observed: c.observed, whileExcluded: c.whileExcluded, sentToFailed: c.sentToFailed, aborted: c.aborted,
        detectionDelayMs: r9(c.detectionDelay.mean), detected: c.detectionDelay.count,
        trafficReturnDelayMs: r9(c.trafficReturnDelay.mean), returned: c.trafficReturnDelay.count,
      };
    }
    if (svc.limit) {
      const l = svc.limit;
      const [admitting, atLimit] = l.timeMs().map((t) => r9(l.size > 0 ? t / l.size : 0));
      const transitions: Record<string, number> = {};
      for (const [from, to] of LIMIT_MACHINE.transitions) {
        const n = l.transitions[from * 2 + to];
        if (n > 0) transitions[`${LIMIT_STATE_NAMES[from]}->${LIMIT_STATE_NAMES[to]}`] = n;
      }
      services[svc.name].limit = {
        kind: 'aimd' in l.config ? 'aimd' : 'static', meanLimit: r9(l.meanLimit()), lowest: l.lowest, highest: l.highest, refused: l.refused,
        stateTimeMs: { admitting, 'at-limit': atLimit }, transitions, increases: l.increases, decreases: l.decreases,
      };
    }
  }
  const edges: Record<string, EdgeSummary> = {};
  for (const e of model.edges) {
    const k = e.counters;
    const edge: EdgeSummary = {
      calls: k.calls, attempts: k.attempts, retries: k.retries,
      succeeded: k.succeeded, failed: k.failed, timedOut: k.timedOut, dropped: k.dropped, rejected: k.rejected,
      cancelled: k.cancelled, inFlight: k.inFlight, refused: k.refused, hedges: k.hedges, lost: k.lost, fallbacks: k.fallbacks,
      amplification: per(k.attempts, arrived),
      ...latency(k),
    };
    if (e.breaker) {
      const [closed, open, halfOpen] = e.breaker.timeMs(model.sim.now).map(r9);
      const transitions: Record<string, number> = {};
      BREAKER_MACHINE.transitions.forEach(([from, to]) => {
        const n = e.breaker!.transitions[from * 3 + to];
        if (n > 0) transitions[`${BREAKER_STATE_NAMES[from]}->${BREAKER_STATE_NAMES[to]}`] = n;
      });
      edge.breaker = { stateTimeMs: { closed, open, 'half-open': halfOpen }, transitions };
    }
    if (e.bulkhead) {
      const [open, full] = e.bulkhead.timeMs(model.sim.now).map(r9);
      const transitions: Record<string, number> = {};
      BULKHEAD_MACHINE.transitions.forEach(([from, to]) => {
        const n = e.bulkhead!.transitions[from * 2 + to];
        if (n > 0) transitions[`${BULKHEAD_STATE_NAMES[from]}->${BULKHEAD_STATE_NAMES[to]}`] = n;
      });
      edge.bulkhead = { stateTimeMs: { open, full }, transitions };
    }
    edges[e.name] = edge;
  }
  // Load spread and server throughput of the entry service (the end-to-end view's servers).
  const entryServers = services[entry.name].servers;
  const counts = entryServers.map((s) => s.completed);
  const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
  const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / Math.max(1, counts.length);
  top.imbalance = { maxOverMean: mean > 0 ? r9(Math.max(...counts) / mean) : 0, cv: mean > 0 ? r9(Math.sqrt(variance) / mean) : 0 };
  top.client.serverThroughputPerSec = services[entry.name].throughputPerSec;
  const summary: TopologySummary = { ...top, entry: entry.name, degraded: model.degraded, services, edges };
  if (model.config.entries) {
    summary.entries = {};
    model.config.entries.forEach((x, k) => {
      const c = model.edges[k].counters;
      summary.entries![x.name] = {
        arrived: c.calls, attempts: c.attempts, retries: c.retries, succeeded: c.succeeded, failed: c.failed, timedOut: c.timedOut,
        dropped: c.dropped, rejected: c.rejected, inFlight: c.inFlight, refused: c.refused, ...latency(c),
      };
    });
  }
  return summary;
}
