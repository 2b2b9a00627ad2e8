/**
 * least-time: the eligible server with the smallest (outstanding + 1) × EWMA(latency), a full
 * scan. The EWMA is time-decayed with τ = `decayMs` (default 10 000): the first sample sets it,
 * later ones blend with w = exp(−Δt/τ). An unsampled idle server scores 0 (it gets probed), an
 * unsampled busy one PENALTY + outstanding (see `latencyEwmaMetric` in load-metric.ts).
 * Latency = response time as this balancer observed it, successful responses only (every response
 * with `observeErrors`); NGINX Plus
 * measures `header` or `last_byte` time, and its averaging is not published.
 * Source: NGINX Plus `least_time` (ngx_http_upstream_module docs).
 * Ties: uniformly at random among the minima, by one draw per pick (none when the minimum is
 * unique): the ⌊u·t⌋-th of the t tied servers in id order. From 32 servers the scores are kept in
 * a `MinIndex` (O(log n) per count or EWMA change); smaller pools scan, with the same choices.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { INDEX_FROM, KeyedMinIndex } from './min-index.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  decayMs: { type: 'number', above: 0, default: 10_000 },
  observeErrors: { type: 'boolean', default: false },
} as const;
import { PENALTY, createLoadMetric, sparseLatencyEwmaMetric, type LoadMetric } from './load-metric.js';
import { SparseRows } from './sparse-rows.js';
import { doubled } from './doubled.js';
import { KeyedBucketIndex } from './bucket-index.js';
import { allEligible, sortPrefix } from './eligible.js';
import { sharedFor } from './shared.js';

export const createLeastTime: BalancerFactory = (ctx, options, path) => {
  const { decayMs, observeErrors } = readOptions(OPTIONS, options, path);
  if (ctx.shared && ctx.eligibleIndex) return ctx.reported ? reportedSparseLeastTime(ctx, decayMs, observeErrors) : sparseLeastTime(ctx, decayMs, observeErrors);
  const metric = createLoadMetric(ctx, 'latency-ewma', decayMs, observeErrors);
  return ctx.size >= INDEX_FROM && !ctx.shared ? indexedLeastTime(ctx, metric) : scanLeastTime(ctx, metric);
};

/** The full scan: every eligible server's score, then one draw among the tied minima. */
export function scanLeastTime(ctx: BalancerContext, metric: LoadMetric): Balancer {
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible;
      let best = -1, bestLoad = Infinity, ties = 0;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1) continue;
        const load = metric.load(s);
        if (load < bestLoad) {
          best = s; bestLoad = load; ties = 1;
        } else if (load === bestLoad) {
          ties++;
        }
      }
      if (ties <= 1) return best;
      let k = Math.floor(ctx.rng.next() * ties);
      if (k === 0) return best;
      for (let s = best + 1; s < n; s++) {
        if (eligible[s] === 1 && metric.load(s) === bestLoad && --k === 0) return s;
      }
      return best; // not reached
    },
    observe: metric.observe,
  };
}

/**
 * The same choices from a `MinIndex` of the scores, updated when a count or an EWMA changes. A
 * changed count waits (`pending`) until the next pick or other change: the model tells a
 * departure's count (released) and then its latency (observe) for the same server, one update of
 * the index for both. The nodes depend on the keys alone, so the order in which keys are set does
 * not change what a pick finds.
 */
export function indexedLeastTime(ctx: BalancerContext, metric: LoadMetric): Balancer {
  const eligible = ctx.eligible;
  const keyed = new KeyedMinIndex(ctx.size, (s) => (eligible[s] === 1 ? metric.load(s) : Infinity));
  const index = keyed.index;
  /** The server whose count changed since its key was last set, or -1. */
  let pending = -1;
  const settle = (): void => {
    if (pending < 0) return;
    keyed.changed(pending);
    pending = -1;
  };
  return {
    pick() {
      settle();
      const s = index.pick(ctx.rng);
      if (s < 0 || eligible[s] === 1) return s;
      keyed.rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return index.pick(ctx.rng);
    },
    observe(s, latencyMs, ok) {
      metric.observe!(s, latencyMs, ok);
      if (pending === s) pending = -1; // its count and its latency in one key
      keyed.changed(s);
    },
    rebuild: (s = -1) => keyed.changed(s), // one server's key when told which changed
    outstandingChanged(s) {
      if (pending !== s) settle();
      if (s < 0) keyed.rebuild();
      else pending = s;
    },
  };
}

/**
 * least-time for an instance of a large fleet (`ctx.shared`) that counts its own requests (not
 * `ctx.reported`), with the same picks and without reading every server: to an instance that
 * has sent to a few servers, every other eligible server is idle and unsampled, of load 0, the lowest a load can be. It keeps a row (EWMA, stamp,
 * sampled) for each server it has sent to or heard from — the only ones whose load may not be 0 —
 * so the minimum is 0 with t = (eligible servers) − (those rows' eligible servers of load ≠ 0)
 * ties, and the ⌊u·t⌋-th of them in id order comes from the eligible index, stepping over those
 * rows. When no server has load 0 it scans, as the definition does.
 */
function sparseLeastTime(ctx: BalancerContext, decayMs: number, observeErrors: boolean): Balancer {
  const rows = new SparseRows(3, ctx.size), index = ctx.eligibleIndex!, eligible = ctx.eligible;
  let busy = new Int32Array(16);
  /** Server s's load, its row at offset r (-1: none). */
  const loadAt = (s: number, r: number): number => {
    const pending = ctx.outstanding[s];
    if (r < 0 || rows.data[r + 2] === 0) return pending === 0 ? 0 : PENALTY + pending;
    return rows.data[r] * (pending + 1);
  };
  const metric: LoadMetric = {
    load: (s) => loadAt(s, rows.find(s)),
    observe(s, latencyMs, ok) {
      if ((!ok && !observeErrors) || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      const t = ctx.now();
      let r = rows.find(s);
      if (r < 0) r = rows.add(s);
      const d = rows.data;
      if (d[r + 2] === 0) {
        d[r] = latencyMs;
        d[r + 2] = 1;
      } else {
        const w = Math.exp(-Math.max(t - d[r + 1], 0) / decayMs);
        d[r] = d[r] * w + latencyMs * (1 - w);
      }
      d[r + 1] = t;
    },
  };
  const scan = scanLeastTime(ctx, metric);

  function choose(): number {
    let m = 0;
    for (let r = 0; r < rows.count; r++) {
      const s = rows.server(r);
      if (eligible[s] !== 1 || loadAt(s, r * 3) === 0) continue;
      if (m === busy.length) busy = doubled(busy);
      busy[m++] = s;
    }
    const ties = index.count - m;
    if (ties <= 0) return scan.pick(0);
    // The k-th eligible server of load 0 in id order.
    return index.nthExcept(ties === 1 ? 0 : Math.floor(ctx.rng.next() * ties), busy, m);
  }

  return {
    pick() {
      const s = choose();
      if (s >= 0 && rows.find(s) < 0) rows.add(s);
      return s;
    },
    observe: metric.observe,
  };
}

/** The reports every instance of a large fleet reads, grouped by value: one index per fleet. */
const reportedIndexes = new WeakMap<Int32Array, WeakMap<Uint8Array, KeyedBucketIndex>>();

/**
 * least-time for an instance of a large fleet that reads the servers' reported load
 * (`ctx.shared`, `ctx.reported`), with the same picks and without reading every server. Its
 * rows (an EWMA per server it learnt a latency of: the sampled servers) are few; every other
 * eligible server is unsampled, of load 0 when reported idle and PENALTY + report otherwise,
 * increasing in the report. So the least unsampled load is at the lowest report c held by more
 * eligible servers than the sampled ones reported at c, which one index of the reports, grouped by
 * value and shared by the fleet (`fleetShared`: told once per report), answers by counts; the
 * ⌊u·t⌋-th of its t ties in id order is the index's, stepped over the sampled servers at c.
 * The sampled servers' loads come from the rows. When the least sampled load equals the least
 * unsampled one (both empty, or a float equal to a count), or c lies beyond the index's window
 * of grouped values, it scans, as the definition does.
 */
function reportedSparseLeastTime(ctx: BalancerContext, decayMs: number, observeErrors: boolean): Balancer {
  const metric = sparseLatencyEwmaMetric(ctx, decayMs, observeErrors), rows = metric.rows;
  const eligible = ctx.eligible, reports = ctx.outstanding, eligibleIndex = ctx.eligibleIndex!;
  const keyed = sharedFor(reportedIndexes, reports, eligible,
    () => new KeyedBucketIndex(ctx.size, (s) => (allEligible(ctx) || eligible[s] === 1 ? reports[s] : Infinity)));
  const scan = scanLeastTime(ctx, metric);
  /** The instance's eligible sampled servers, their reports and loads, and a list of servers to choose among or step over. */
  let sampled = new Int32Array(16), sampledReport = new Int32Array(16), sampledLoad = new Float64Array(16), list = new Int32Array(16);

  /** The first `m` sampled servers whose `key` is `value`, in id order, into `list`: how many. */
  function sampledWith(key: Int32Array | Float64Array, value: number, m: number): number {
    let h = 0;
    for (let i = 0; i < m; i++) {
      if (key[i] !== value) continue;
      if (h === list.length) list = doubled(list);
      list[h++] = sampled[i];
    }
    sortPrefix(list, h);
    return h;
  }

  function choose(): number {
    const data = rows.data, width = rows.width;
    let m = 0, leastSampled = Infinity, sampledTies = 0;
    for (let r = 0; r < rows.count; r++) {
      const s = rows.server(r);
      if (eligible[s] !== 1) continue;
      const c = reports[s], load = data[r * width] * (c + 1);
      if (m === sampled.length) {
        sampled = doubled(sampled);
        sampledReport = doubled(sampledReport);
        sampledLoad = doubled(sampledLoad);
      }
      sampled[m] = s;
      sampledReport[m] = c;
      sampledLoad[m++] = load;
      if (load < leastSampled) {
        leastSampled = load;
        sampledTies = 1;
      } else if (load === leastSampled) sampledTies++;
    }
    // The unsampled servers' least report: the lowest value held by more servers than the sampled ones reported at it.
    const index = keyed.index;
    let low = -1, ties = 0, leastUnsampled = Infinity;
    if (eligibleIndex.count > m) {
      for (let v = index.minimum(); ; v = index.nextAbove(v)) {
        const members = v < 0 ? -1 : index.countOf(v);
        if (members < 0) return scan.pick(0); // beyond the grouped window
        let at = 0;
        for (let i = 0; i < m; i++) if (sampledReport[i] === v) at++;
        if (members > at) {
          low = v;
          ties = members - at;
          break;
        }
      }
      leastUnsampled = low === 0 ? 0 : PENALTY + low;
    }
    if (leastUnsampled < leastSampled) {
      const h = sampledWith(sampledReport, low, m);
      return index.nthOfExcept(low, ties === 1 ? 0 : Math.floor(ctx.rng.next() * ties), list, h);
    }
    if (leastSampled < leastUnsampled) {
      sampledWith(sampledLoad, leastSampled, m);
      return list[sampledTies === 1 ? 0 : Math.floor(ctx.rng.next() * sampledTies)];
    }
    return scan.pick(0);
  }

  return {
    pick() {
      const s = choose();
      if (s < 0 || eligible[s] === 1) return s;
      keyed.rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return scan.pick(0);
    },
    observe: metric.observe,
    rebuild: (s = -1) => keyed.changed(s),
    outstandingChanged: (s) => keyed.changed(s),
    fleetShared: true, // the index is the fleet's: told once per change; the rows are each instance's own
  };
}

export const LEAST_TIME = policy({
  name: 'least-time', observeReadsOutstanding: false, description: 'NGINX Plus least_time: min (open + 1) × EWMA latency; random ties', options: OPTIONS, create: createLeastTime,
});
