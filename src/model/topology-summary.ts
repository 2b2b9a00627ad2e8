/**
 * The Summary of a topology: the top level is the end-to-end view (requests at the entry, their
 * latency, every server), as for a single pool; `services` gives each service's attempts, their
 * latency there (their calls included) and its servers; `edges` each caller → callee edge's
 * calls, attempts, retries, outcomes and amplification (attempts over it per entry request).
 */
import { summarize, r9, type Summary, type ServerSummary } from './summary.js';
import type { CallCounters, TopologyModel } from './topology.js';
import { BREAKER_MACHINE, BREAKER_STATE_NAMES } from './circuit-breaker.js';

export interface CallSummary {
  attempts: number; succeeded: number; failed: number; timedOut: number; dropped: number; rejected: number;
  /** Attempts per entry request that arrived. */
  amplification: number;
  latencyMs: { mean: number; p50: number; p99: number; max: number };
}

export interface ServiceSummary extends CallSummary {
  /** Slot time spent on attempts nobody waited for any more (callers gave up), ms. */
  wastedWorkMs: number;
  /** Attempts completed per second over the measurement window. */
  throughputPerSec: number;
  /** Mean utilisation of its servers. */
  utilization: number;
  servers: ServerSummary[];
}

export interface EdgeSummary extends CallSummary {
  /** Logical calls made over the edge, and retries among its attempts. */
  calls: number;
  retries: number;
  /** Attempts refused at once by the edge's breaker or bulkhead (counted in `attempts`). */
  refused: number;
  /** The edge's circuit breaker, when it has one: time in each state and transitions. */
  breaker?: { stateTimeMs: { closed: number; open: number; 'half-open': number }; transitions: Record<string, number> };
}

export interface TopologySummary extends Summary {
  entry: string;
  services: Record<string, ServiceSummary>;
  edges: Record<string, EdgeSummary>;
}

function calls(k: CallCounters, perRequest: number): CallSummary {
  const h = k.latencyHistogram;
  return {
    attempts: k.attempts, succeeded: k.succeeded, failed: k.failed, timedOut: k.timedOut, dropped: k.dropped, rejected: k.rejected,
    amplification: perRequest > 0 ? r9(k.attempts / perRequest) : 0,
    latencyMs: { mean: r9(k.latency.mean), p50: r9(h.quantile(0.5)), p99: r9(h.quantile(0.99)), max: h.count > 0 ? r9(h.max) : 0 },
  };
}

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
    services[svc.name] = {
      ...calls(svc.counters, arrived),
      wastedWorkMs: r9(svc.counters.wastedWorkMs),
      throughputPerSec: windowMs > 0 ? r9((completed / windowMs) * 1000) : 0,
      utilization: servers.length ? r9(servers.reduce((u, s) => u + s.utilization, 0) / servers.length) : 0,
      servers,
    };
  }
  const edges: Record<string, EdgeSummary> = {};
  for (const e of model.edges) {
    const edge: EdgeSummary = { calls: e.counters.calls, retries: e.counters.retries, refused: e.counters.refused, ...calls(e.counters, arrived) };
    if (e.breaker) {
      const [closed, open, halfOpen] = e.breaker.timeMs(model.sim.now).map(r9);
      const transitions: Record<string, number> = {};
      BREAKER_MACHINE.transitions.forEach(([from, to]) => {
        const n = e.breaker!.transitions[from * 3 + to];
        if (n > 0) transitions[`${BREAKER_STATE_NAMES[from]}->${BREAKER_STATE_NAMES[to]}`] = n;
      });
      edge.breaker = { stateTimeMs: { closed, open, 'half-open': halfOpen }, transitions };
    }
    edges[e.name] = edge;
  }
  return { ...top, entry: entry.name, services, edges };
}
