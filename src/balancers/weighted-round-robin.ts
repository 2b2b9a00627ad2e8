/**
 * weighted-round-robin: NGINX's smooth weighted round robin. Every pick, each eligible server's
 * `current += weight`; the server with the largest `current` is picked and its `current -= total`
 * (total = sum of eligible weights). Weights 5, 1, 1 give a a b a c a a: no bursts.
 * Source: NGINX `ngx_http_upstream_round_robin.c` (`ngx_http_upstream_get_peer`).
 * Ties: the lowest server id (NGINX keeps the first maximum found).
 *
 * The definition touches every server on every pick (O(n)); from INDEX_FROM servers the same
 * choices come in O(classes + log n), where a class is the set of eligible servers of one weight.
 * After k picks since the last rebuild, server s of weight w has current = k·w − base[s], where
 * base[s] is `total` times the picks it got: inside a class every current grows alike, so its
 * largest is the smallest base (ties: lowest id) — the top of a per-class heap — and a pick
 * compares the class tops (ties: lowest id) and sifts the winner's base down its heap. Exact when
 * the arithmetic is: the index is used while the positive eligible weights are integers up to
 * 2²¹ in at most 64 classes and k·total stays below 2⁵²; otherwise (fractional weights, e.g.
 * during slow start, or very long runs) the policy carries on as the scan from the same currents.
 * Like every policy it is told of eligibility and weight changes by `rebuild`, which restarts the
 * rotation (all currents 0), as before. The instances of a large fleet (`ctx.shared`) scan: the
 * index's arrays per instance would more than double the fleet's memory.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { INDEX_FROM } from './min-index.js';
import { policy } from './options.js';

/** Largest weight and most classes the index takes; beyond, the scan (see the header). */
const MAX_WEIGHT = 2 ** 21, MAX_CLASSES = 64;

export const createWeightedRoundRobin: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  // A large fleet's instances (ctx.shared) scan, as the indexed policies do: an index per instance is ~3 arrays of n more.
  return ctx.size >= INDEX_FROM && !ctx.shared ? indexedWeightedRoundRobin(ctx) : scanWeightedRoundRobin(ctx);
};

/** One pick of the definition over `current` (the scan's state). */
function scanPick(ctx: BalancerContext, current: Float64Array): number {
  const n = ctx.size, eligible = ctx.eligible, w = ctx.weights;
  let best = -1, total = 0;
  for (let s = 0; s < n; s++) {
    if (eligible[s] !== 1 || w[s] <= 0) continue;
    current[s] += w[s];
    total += w[s];
    if (best < 0 || current[s] > current[best]) best = s;
  }
  if (best >= 0) current[best] -= total;
  return best;
}

/** The definition, scanning every server on every pick. */
export function scanWeightedRoundRobin(ctx: BalancerContext): Balancer {
  const current = new Float64Array(ctx.size);
  return {
    pick: () => scanPick(ctx, current),
    rebuild() {
      current.fill(0);
    },
  };
}

/** The same choices from per-weight heaps of `base` (see the header). */
export function indexedWeightedRoundRobin(ctx: BalancerContext): Balancer {
  const n = ctx.size;
  const current = new Float64Array(n), base = new Float64Array(n), heap = new Int32Array(n);
  const classWeight = new Float64Array(MAX_CLASSES), start = new Int32Array(MAX_CLASSES), len = new Int32Array(MAX_CLASSES);
  const classOf = new Int8Array(n);
  let classes = 0, indexed = false, k = 0, total = 0, kLimit = 0;

  /** Restarts the rotation: classes and heaps of the eligible servers with positive weight (id order is a heap: all bases 0). */
  const build = (): void => {
    current.fill(0);
    base.fill(0);
    const w = ctx.weights, eligible = ctx.eligible;
    classes = 0; total = 0; k = 0; indexed = true;
    let last = -1;
    for (let s = 0; s < n && indexed; s++) {
      classOf[s] = -1;
      const ws = w[s];
      if (eligible[s] !== 1 || !(ws > 0)) continue;
      if (!(Number.isInteger(ws) && ws <= MAX_WEIGHT)) {
        indexed = false;
        break;
      }
      let g = last >= 0 && classWeight[last] === ws ? last : -1;
      for (let c = 0; g < 0 && c < classes; c++) if (classWeight[c] === ws) g = c;
      if (g < 0) {
        if (classes === MAX_CLASSES) {
          indexed = false;
          break;
        }
        g = classes++;
        classWeight[g] = ws;
        len[g] = 0;
      }
      classOf[s] = g;
      len[g]++;
      total += ws;
      last = g;
    }
    if (!indexed) return;
    for (let g = 0, at = 0; g < classes; g++) {
      start[g] = at;
      at += len[g];
      len[g] = 0;
    }
    for (let s = 0; s < n; s++) {
      const g = classOf[s];
      if (g >= 0) heap[start[g] + len[g]++] = s;
    }
    kLimit = total > 0 ? Math.floor(2 ** 52 / total) : Infinity;
  };

  /** From the index to the scan after `k` picks: the currents the scan would hold (exact integers). */
  const toScan = (): void => {
    for (let g = 0; g < classes; g++) {
      for (let j = start[g]; j < start[g] + len[g]; j++) current[heap[j]] = k * classWeight[g] - base[heap[j]];
    }
    indexed = false;
  };

  /** The winner of class `g` got `total` more base: down its heap to its place by (base, id). */
  const siftDown = (g: number): void => {
    const from = start[g], m = len[g], s = heap[from], b = base[s];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      let cs = heap[from + c], cb = base[cs];
      if (c + 1 < m) {
        const ds = heap[from + c + 1], db = base[ds];
        if (db < cb || (db === cb && ds < cs)) {
          c++; cs = ds; cb = db;
        }
      }
      if (b < cb || (b === cb && s < cs)) break;
      heap[from + i] = cs;
      i = c;
    }
    heap[from + i] = s;
  };

  build();
  return {
    pick() {
      if (!indexed) return scanPick(ctx, current);
      if (k >= kLimit) {
        toScan();
        return scanPick(ctx, current);
      }
      const step = k + 1;
      let best = -1, bestValue = 0, bestClass = -1;
      for (let g = 0; g < classes; g++) {
        const s = heap[start[g]], v = step * classWeight[g] - base[s];
        if (best < 0 || v > bestValue || (v === bestValue && s < best)) {
          best = s; bestValue = v; bestClass = g;
        }
      }
      if (best < 0) return -1;
      if (ctx.eligible[best] !== 1) {
        // Eligibility changed without rebuild() (the model always calls it): carry on as the scan.
        toScan();
        return scanPick(ctx, current);
      }
      k = step;
      base[best] += total;
      siftDown(bestClass);
      return best;
    },
    rebuild: build,
  };
}

export const WEIGHTED_ROUND_ROBIN = policy({
  name: 'weighted-round-robin', aliases: ['wrr'], description: "NGINX's smooth weighted round robin", create: createWeightedRoundRobin,
});
