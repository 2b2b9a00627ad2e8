/**
 * MinIndex: the minimum of a key per server, kept under point updates, for the policies that
 * would otherwise scan every server per pick and whose keys are not whole counts (weighted
 * least-connections, least-time, dynamic WRR; counts use `BucketIndex`, bucket-index.ts, with the
 * same answers in O(1) per change). A segment tree over the servers in parallel typed arrays: each node
 * holds the smallest key below it and how many leaves hold it. `set` costs O(log n) (it stops
 * climbing as soon as a node does not change); the minimum, its number of ties, the k-th tied
 * server in id order and the lowest id with a key below a bound cost O(1) to O(log n).
 * A server that may not be chosen (ineligible, weight 0) has key +Infinity and is never
 * returned; the sum and count of the finite keys are kept too (bounded-load-hash's average).
 *
 * The tie rule every indexed policy shares, and the one its full-scan reference applies: with
 * t > 1 servers at the minimum, ONE draw u picks the ⌊u·t⌋-th of them in id order (none when the
 * minimum is unique).
 */
import type { Rng } from '../random/rng.js';

/** Pools smaller than this scan (as fast, and no upkeep per request); the choices are the same. */
export const INDEX_FROM = 32;

export class MinIndex {
  readonly size: number;
  /** Leaves start here (a power of two ≥ size). */
  private readonly base: number;
  private readonly min: Float64Array;
  private readonly count: Int32Array;
  /** Sum and number of the finite keys. */
  sum = 0;
  finite = 0;

  constructor(size: number) {
    this.size = size;
    let base = 1;
    while (base < size) base *= 2;
    this.base = base;
    this.min = new Float64Array(2 * base).fill(Infinity);
    this.count = new Int32Array(2 * base);
  }

  /** The key of server `s` (+Infinity when it may not be chosen). */
  key(s: number): number {
    return this.min[this.base + s];
  }

  /** Sets every key at once (`keys[s]`, +Infinity for servers that may not be chosen): O(n). */
  load(keys: ArrayLike<number>): void {
    const base = this.base, min = this.min, count = this.count;
    let sum = 0, finite = 0;
    for (let s = 0; s < base; s++) {
      const k = s < this.size ? keys[s] : Infinity;
      min[base + s] = k;
      count[base + s] = k === Infinity ? 0 : 1;
      if (k !== Infinity) {
        sum += k;
        finite++;
      }
    }
    this.sum = sum;
    this.finite = finite;
    for (let i = base - 1; i >= 1; i--) this.pull(i);
  }

  /** Sets server `s`'s key. */
  set(s: number, k: number): void {
    const min = this.min, count = this.count;
    let i = this.base + s;
    const old = min[i];
    if (old === k) return;
    if (old !== Infinity) {
      this.sum -= old;
      this.finite--;
    }
    if (k !== Infinity) {
      this.sum += k;
      this.finite++;
    }
    min[i] = k;
    count[i] = k === Infinity ? 0 : 1;
    for (i >>= 1; i >= 1; i >>= 1) {
      const m = min[i], c = count[i];
      this.pull(i);
      if (min[i] === m && count[i] === c) break;
    }
  }

  private pull(i: number): void {
    const min = this.min, count = this.count;
    const l = 2 * i, r = l + 1, a = min[l], b = min[r];
    if (a < b) {
      min[i] = a;
      count[i] = count[l];
    } else if (b < a) {
      min[i] = b;
      count[i] = count[r];
    } else {
      min[i] = a;
      count[i] = count[l] + count[r];
    }
  }

  /** The smallest key (+Infinity when no server may be chosen). */
  minimum(): number {
    return this.min[1];
  }

  /** How many servers hold the smallest key (0 when none may be chosen). */
  ties(): number {
    return this.count[1];
  }

  /** The k-th (0-based, id order) server holding the smallest key; k < ties(). */
  nthMinimum(k: number): number {
    const min = this.min, count = this.count, best = min[1], base = this.base;
    let i = 1;
    while (i < base) {
      const l = 2 * i;
      if (min[l] === best) {
        if (k < count[l]) {
          i = l;
          continue;
        }
        k -= count[l];
      }
      i = l + 1;
    }
    return i - base;
  }

  /** A server with the smallest key, ties by one draw from `rng` (see the header), or -1. */
  pick(rng: Rng): number {
    const t = this.count[1];
    if (t <= 1) return t === 0 ? -1 : this.nthMinimum(0);
    return this.nthMinimum(Math.floor(rng.next() * t));
  }

  /** The lowest id whose key is below `bound`, or -1. */
  firstBelow(bound: number): number {
    const min = this.min, base = this.base;
    if (!(min[1] < bound)) return -1;
    let i = 1;
    while (i < base) i = min[2 * i] < bound ? 2 * i : 2 * i + 1;
    return i - base;
  }
}

/**
 * The frame every indexed policy shares: a MinIndex of `keyOf(s)` over the pool (`keyOf` gives
 * +Infinity for a server that may not be chosen), loaded whole by `rebuild` and kept in step one
 * server at a time by `changed(s)` (s < 0: every server may have changed).
 */
export class KeyedMinIndex {
  readonly index: MinIndex;
  private readonly keys: Float64Array;

  constructor(readonly size: number, private readonly keyOf: (s: number) => number) {
    this.index = new MinIndex(size);
    this.keys = new Float64Array(size);
    this.rebuild();
  }

  rebuild(): void {
    const keys = this.keys, keyOf = this.keyOf;
    for (let s = 0; s < this.size; s++) keys[s] = keyOf(s);
    this.index.load(keys);
  }

  changed(s: number): void {
    if (s < 0) this.rebuild();
    else this.index.set(s, this.keyOf(s));
  }
}
