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
  const n = ctx.size, eligible = ctx.eligible;
  const samples = new Float64Array(n * window), count = new Int32Array(n), mean = new Float64Array(n);
  let cursor = 0, sent = 0, min = 0, max = 0, dirty = false;
  // From 32 servers the means of the eligible sampled servers are kept in a MinMaxIndex: min and
  // max in O(1), O(log n) per sample, instead of a scan per update.
  const indexed = n >= INDEX_FROM && !ctx.shared;
  const extremes = indexed ? new MinMaxIndex(n) : null;
  const key = (s: number): number => (eligible[s] === 1 && count[s] > 0 ? mean[s] : Infinity);
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
      dirty = false;
      return;
    }
    min = Infinity;
    max = 0;
    for (let s = 0; s < n; s++) {
      if (eligible[s] !== 1 || count[s] === 0) continue;
      if (mean[s] < min) min = mean[s];
      if (mean[s] > max) max = mean[s];
    }
    dirty = false;
  }

  function quota(s: number): number {
    if (count[s] === 0) return 1;
    if (dirty) bounds();
    return max > 0 ? range - Math.ceil(((mean[s] - min) / max) * range) : range;
  }

  /** Moves the cursor to the next eligible server (-1 when there is none). */
  function advance(): number {
    for (let tries = 0; tries < n; tries++) {
      cursor = cursor + 1 === n ? 0 : cursor + 1;
      if (eligible[cursor] === 1) return cursor;
    }
    return -1;
  }

  return {
    pick() {
      if (n === 0) return -1;
      if (eligible[cursor] !== 1 || sent >= quota(cursor)) {
        sent = 0;
        if (advance() < 0) return -1;
      }
      sent++;
      return cursor;
    },
    observe(s, latencyMs, ok) {
      if (!ok || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      const k = count[s] < window ? count[s]++ : window;
      // Keep the last `window` samples: shift when full (window is small, default 3).
      const base = s * window;
      if (k === window) for (let i = 1; i < window; i++) samples[base + i - 1] = samples[base + i];
      samples[base + Math.min(k, window - 1)] = latencyMs;
      let sum = 0;
      for (let i = 0; i < count[s]; i++) sum += samples[base + i];
      mean[s] = sum / count[s];
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

/**
 * The same policy for an instance of a large fleet (`ctx.shared`): a row (samples, count, mean)
 * only for the servers it has latency samples of, and the smallest and largest mean found by a
 * pass over those rows instead of over the pool. Same quotas, same picks.
 */
function sparseDynamicWeightedRoundRobin(ctx: BalancerContext, range: number, window: number): Balancer {
  const n = ctx.size, eligible = ctx.eligible;
  // Row layout: count, mean, then the last `window` samples.
  const rows = new SparseRows(window + 2, n);
  let cursor = 0, sent = 0, min = 0, max = 0, dirty = false;

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

  function quota(s: number): number {
    const r = rows.find(s);
    if (r < 0) return 1;
    if (dirty) bounds();
    return max > 0 ? range - Math.ceil(((rows.data[r + 1] - min) / max) * range) : range;
  }

  function advance(): number {
    for (let tries = 0; tries < n; tries++) {
      cursor = cursor + 1 === n ? 0 : cursor + 1;
      if (eligible[cursor] === 1) return cursor;
    }
    return -1;
  }

  return {
    pick() {
      if (n === 0) return -1;
      if (eligible[cursor] !== 1 || sent >= quota(cursor)) {
        sent = 0;
        if (advance() < 0) return -1;
      }
      sent++;
      return cursor;
    },
    observe(s, latencyMs, ok) {
      if (!ok || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      let r = rows.find(s);
      if (r < 0) r = rows.add(s);
      const d = rows.data, base = r + 2;
      const k = d[r] < window ? d[r]++ : window;
      if (k === window) for (let i = 1; i < window; i++) d[base + i - 1] = d[base + i];
      d[base + Math.min(k, window - 1)] = latencyMs;
      let sum = 0;
      for (let i = 0; i < d[r]; i++) sum += d[base + i];
      d[r + 1] = sum / d[r];
      dirty = true;
    },
    rebuild() {
      dirty = true;
    },
  };
}

export const DYNAMIC_WEIGHTED_ROUND_ROBIN = policy({
  name: 'dynamic-weighted-round-robin', aliases: ['dwrr'], readsOutstanding: false,
  description: 'round robin in runs of range − ceil(range·(avg − min)/max) by recent latency (samwho.dev)',
  options: OPTIONS, create: createDynamicWeightedRoundRobin,
});
