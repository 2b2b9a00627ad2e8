/**
 * dynamic-weighted-round-robin (alias dwrr): round robin in runs; the current server keeps
 * receiving requests until it has had its quota, then the cursor moves to the next eligible
 * server, which always gets at least one. Quota = range − ceil(range · (avg − min) / max) for a
 * server with latency samples (`range` default 3), 1 for one without; avg is the mean of its
 * last `window` (default 3) latencies, min/max the smallest/largest such mean over eligible
 * sampled servers (max = 0 ⇒ quota = range). The quota is re-evaluated at every pick, as in the
 * essay. Latency here is the response time this balancer observed (successful responses only);
 * the essay uses the server's processing time and ignores drops too.
 * Source: samwho.dev/load-balancing, `DynamicWeightedRoundRobin` in samwho/visualisations
 * `load-balancing/load-balancers.js` (the cursor starts at server 0, as there).
 * Ties: none (a strict cycle). From 32 servers the smallest and largest means are kept in a
 * `MinMaxIndex` (O(log n) per sample) instead of scanned after every sample; the same quotas.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { SparseRows } from './sparse-rows.js';
import { MinMaxIndex } from './min-max-index.js';
import { INDEX_FROM } from './min-index.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  range: { type: 'number', integer: true, min: 1, max: 1_000_000, default: 3 },
  window: { type: 'number', integer: true, min: 1, max: 1000, default: 3 },
} as const;

export const createDynamicWeightedRoundRobin: BalancerFactory = (ctx, options, path) => {
  const { range, window } = readOptions(OPTIONS, options, path);
  if (ctx.shared) return sparseDynamicWeightedRoundRobin(ctx, range, window);
  const n = ctx.size, eligible = ctx.eligible, width = window + 2;
  /** Server s's row at s·width: count, mean, then its last `window` samples. */
  const d = new Float64Array(n * width);
  let min = 0, max = 0, dirty = false;
  // From 32 servers the means of the eligible sampled servers are kept in a MinMaxIndex: min and
  // max in O(1), O(log n) per sample, instead of a scan per update.
  const indexed = n >= INDEX_FROM;
  const extremes = indexed ? new MinMaxIndex(n) : null;
  const key = (s: number): number => (eligible[s] === 1 && d[s * width] > 0 ? d[s * width + 1] : Infinity);
  function reindex(): void {
    const keys = new Float64Array(n);
    for (let s = 0; s < n; s++) keys[s] = key(s);
    extremes!.load(keys);
  }
  if (indexed) reindex();

  function bounds(): void {
    if (indexed) {
      min = extremes!.minimum();
      max = Math.max(0, extremes!.maximum());
    } else {
      min = Infinity;
      max = 0;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1 || d[s * width] === 0) continue;
        const mean = d[s * width + 1];
        if (mean < min) min = mean;
        if (mean > max) max = mean;
      }
    }
    dirty = false;
  }

  return {
    pick: cycle(ctx, (s) => {
      if (d[s * width] === 0) return 1;
      if (dirty) bounds();
      return quotaOf(d[s * width + 1], min, max, range);
    }),
    observe(s, latencyMs, ok) {
      if (!ok || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      addSample(d, s * width, window, latencyMs);
      if (indexed) extremes!.set(s, key(s));
      dirty = true;
    },
    rebuild(s = -1) {
      if (indexed) {
        if (s < 0) reindex();
        else extremes!.set(s, key(s)); // told which server changed: its key alone
      }
      dirty = true;
    },
  };
};

/** Quota of a server of mean latency `mean` among eligible sampled means from `min` to `max`. */
function quotaOf(mean: number, min: number, max: number, range: number): number {
  return max > 0 ? range - Math.ceil(((mean - min) / max) * range) : range;
}

/** Adds a latency to the row at `r` of `d` (count, mean, then the last `window` samples; shifted when full: window is small, default 3). */
function addSample(d: Float64Array, r: number, window: number, latencyMs: number): void {
  const k = d[r] < window ? d[r]++ : window, base = r + 2;
  if (k === window) for (let i = 1; i < window; i++) d[base + i - 1] = d[base + i];
  d[base + Math.min(k, window - 1)] = latencyMs;
  let sum = 0;
  for (let i = 0; i < d[r]; i++) sum += d[base + i];
  d[r + 1] = sum / d[r];
}

/** The pick: the cursor's server keeps receiving until it has had `quota` of it, then the cursor moves to the next eligible server (which gets at least one). */
function cycle(ctx: BalancerContext, quota: (s: number) => number): () => number {
  const n = ctx.size, eligible = ctx.eligible;
  let cursor = 0, sent = 0;
  /** Moves the cursor to the next eligible server (-1 when there is none). */
  function advance(): number {
    for (let tries = 0; tries < n; tries++) {
      cursor = cursor + 1 === n ? 0 : cursor + 1;
      if (eligible[cursor] === 1) return cursor;
    }
    return -1;
  }
  return () => {
    if (n === 0) return -1;
    if (eligible[cursor] !== 1 || sent >= quota(cursor)) {
      sent = 0;
      if (advance() < 0) return -1;
    }
    sent++;
    return cursor;
  };
}

/**
 * The same policy for an instance of a large fleet (`ctx.shared`): a row (count, mean, samples)
 * only for the servers it has latency samples of, and the smallest and largest mean found by a
 * pass over those rows instead of over the pool. Same quotas, same picks.
 */
function sparseDynamicWeightedRoundRobin(ctx: BalancerContext, range: number, window: number): Balancer {
  const eligible = ctx.eligible;
  const rows = new SparseRows(window + 2, ctx.size);
  let min = 0, max = 0, dirty = false;

  function bounds(): void {
    min = Infinity;
    max = 0;
    const d = rows.data;
    for (let r = 0; r < rows.count; r++) {
      if (eligible[rows.server(r)] !== 1) continue;
      const mean = d[r * (window + 2) + 1];
      if (mean < min) min = mean;
      if (mean > max) max = mean;
    }
    dirty = false;
  }

  return {
    pick: cycle(ctx, (s) => {
      const r = rows.find(s);
      if (r < 0) return 1;
      if (dirty) bounds();
      return quotaOf(rows.data[r + 1], min, max, range);
    }),
    observe(s, latencyMs, ok) {
      if (!ok || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      let r = rows.find(s);
      if (r < 0) r = rows.add(s); // may grow rows.data: read it after
      addSample(rows.data, r, window, latencyMs);
      dirty = true;
    },
    rebuild() {
      dirty = true;
    },
    rebuildLazily: true, // marks its bounds for a pass over its rows, nothing else
  };
}

export const DYNAMIC_WEIGHTED_ROUND_ROBIN = policy({
  name: 'dynamic-weighted-round-robin', aliases: ['dwrr'], readsOutstanding: false,
  description: 'round robin in runs of range − ceil(range·(avg − min)/max) by recent latency (samwho.dev)',
  options: OPTIONS, create: createDynamicWeightedRoundRobin,
});
