/**
 * Helpers shared by policies that choose among eligible servers only.
 */
import type { BalancerContext } from './balancer.js';

/**
 * The eligible servers of a pool as a Fenwick tree over the 0/1 flags: how many there are in
 * O(1), the k-th in id order in O(log n), a flag changed in O(log n). Policies that draw among
 * the eligible servers (random, power-of-two) use it instead of scanning the pool, with the same
 * draws and the same choices. Whoever writes the flags keeps it in step (`set`, or `load` after
 * writing many).
 */
export class EligibleIndex {
  count = 0;
  private readonly tree: Int32Array;
  /** The highest power of two ≤ size (the descent's first step). */
  private readonly top: number;

  constructor(readonly flags: Uint8Array) {
    const n = flags.length;
    this.tree = new Int32Array(n + 1);
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.top = top;
    this.load();
  }

  /** Re-reads every flag: O(n). */
  load(): void {
    const n = this.flags.length, tree = this.tree;
    let count = 0;
    for (let i = 1; i <= n; i++) {
      tree[i] = this.flags[i - 1];
      count += tree[i];
    }
    for (let i = 1; i <= n; i++) {
      const j = i + (i & -i);
      if (j <= n) tree[j] += tree[i];
    }
    this.count = count;
  }

  /** Server `s`'s flag becomes `e` (0 or 1). */
  set(s: number, e: number): void {
    const d = e - this.flags[s];
    if (d === 0) return;
    this.flags[s] = e;
    this.count += d;
    const n = this.flags.length, tree = this.tree;
    for (let i = s + 1; i <= n; i += i & -i) tree[i] += d;
  }

  /** How many eligible servers have ids below `s`: O(log n). */
  below(s: number): number {
    let c = 0;
    for (let i = s; i > 0; i -= i & -i) c += this.tree[i];
    return c;
  }

  /** The k-th (0-based) eligible server in id order, or -1. */
  nth(k: number): number {
    if (k < 0 || k >= this.count) return -1;
    const n = this.flags.length, tree = this.tree;
    let pos = 0, rest = k + 1;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && tree[next] < rest) {
        pos = next;
        rest -= tree[next];
      }
    }
    return pos; // 1-based position pos + 1, server pos
  }

  /**
   * The k-th (0-based) eligible server in id order that is not one of `ids[0 .. m)` (eligible
   * servers, distinct; sorted here in place): the k-th eligible one, stepped past each of them at
   * or below it: O(m log m + m log n), by insertion for a few (no allocation).
   */
  nthExcept(k: number, ids: Int32Array, m: number): number {
    sortPrefix(ids, m);
    for (let i = 0; i < m && this.below(ids[i]) <= k; i++) k++;
    return this.nth(k);
  }
}

/** Sorts `ids[0 .. m)` ascending in place: by insertion for a few (no allocation), else the typed array's sort. */
export function sortPrefix(ids: Int32Array, m: number): void {
  if (m > 16) {
    ids.subarray(0, m).sort();
    return;
  }
  for (let i = 1; i < m; i++) {
    const x = ids[i];
    let j = i - 1;
    for (; j >= 0 && ids[j] > x; j--) ids[j + 1] = ids[j];
    ids[j + 1] = x;
  }
}

/** The first position in ids[from, to) (sorted ascending) whose id is not below `s` (`to` if none). */
export function lowerBound(ids: Int32Array, from: number, to: number, s: number): number {
  let lo = from, hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * True when the context's index counts every server eligible (then no flag need be read: at 100,000
 * servers a flag is one more cache line per pick or change). False without an index.
 */
export function allEligible(ctx: BalancerContext): boolean {
  const index = ctx.eligibleIndex;
  return index !== undefined && index.count === ctx.size;
}

/** Number of eligible servers. O(n) without an index; policies call it only off the fast path. */
export function countEligible(ctx: BalancerContext): number {
  if (ctx.eligibleIndex) return ctx.eligibleIndex.count;
  let m = 0;
  for (let s = 0; s < ctx.size; s++) m += ctx.eligible[s];
  return m;
}

/** The k-th (0-based) eligible server, or -1. */
export function nthEligible(ctx: BalancerContext, k: number): number {
  if (ctx.eligibleIndex) return ctx.eligibleIndex.nth(k);
  for (let s = 0; s < ctx.size; s++) {
    if (ctx.eligible[s] === 1 && k-- === 0) return s;
  }
  return -1;
}

/**
 * A uniformly random eligible server, or -1. Tries one uniform draw first: when it is eligible
 * that is already uniform over the eligible set (P = 1/n + (1 − m/n)·1/m = 1/m).
 */
export function randomEligible(ctx: BalancerContext): number {
  const n = ctx.size;
  if (n === 0) return -1;
  const s = Math.floor(ctx.rng.next() * n);
  if (allEligible(ctx) || ctx.eligible[s] === 1) return s;
  const m = countEligible(ctx);
  return m === 0 ? -1 : nthEligible(ctx, Math.floor(ctx.rng.next() * m));
}
