/**
 * BucketIndex: the same questions as `MinIndex` (the minimum, its ties, the k-th tied server in id
 * order) and the lowest id below a bound fixed at construction, for keys that are whole counts (0 ≤ k < 2^31 − 1, or
 * +Infinity for a server that may not be chosen) moving mostly by ±1: open requests, queue
 * lengths. A bucket queue: the servers are grouped by key, and each key in a window of 32 values
 * starting at most 8 below the minimum has its members as a `RankedBits` set. A change of key
 * moves one bit between two buckets (O(1)); the minimum moves to the next non-empty bucket when
 * its own empties (O(1) when keys move by ±1). Keys outside the window are not grouped; when the
 * minimum leaves it (or, emptying, finds nothing above it in the window) the window is re-placed
 * by one pass over the keys, O(n), as rare as the minimum moving 9 down or 24 up. Memory ~9 bytes
 * per server (the keys, and 32 bit sets with their counts).
 *
 * Every answer equals MinIndex's for the same keys, and `pick` consumes the stream as it does (one
 * draw when t > 1 servers tie at the minimum: the ⌊u·t⌋-th of them in id order), so a policy may
 * use either with identical choices.
 */
import type { Rng } from '../random/rng.js';

/** A key that is absent (+Infinity outside): above every count. */
const ABSENT = 0x7fffffff;
/** Keys grouped: the window's width (a power of two; bucket of key v: v & (WIDTH − 1)). */
const WIDTH = 32;
/** On re-placing, the window starts this far below the minimum (or at 0). */
const BELOW = 8;

/**
 * A set of ids 0 .. size − 1 as bits (id s: bit s & 31 of word s >> 5) with member counts per
 * word, per 64 words (2,048 ids) and per 512 words (16,384 ids): add and remove O(1) (the caller
 * knows membership), the k-th member in id order by four short scans (≤ size / 16,384 counts, 8,
 * 8 sums of 8 words' counts read as two 32-bit words, 8 counts) and one word. Each turn of a scan
 * costs ~25 machine instructions in V8 (it re-checks the typed array), so short scans are what
 * makes a pick cheap: ~16 turns at 100,000 ids where counts per 1,024 and 32,768 ids took ~35.
 */
export class RankedBits {
  /** Members. */
  count = 0;
  private readonly words: Int32Array;
  /** Members per word (32 ids), and the same bytes 4 to a 32-bit word (for sums of 8 words). */
  private readonly per: Uint8Array;
  private readonly per4: Int32Array;
  /** Members per 64 words and per 512 words. */
  private readonly l2: Int32Array;
  private readonly l3: Int32Array;

  constructor(size: number) {
    const words = Math.ceil(size / 32);
    this.words = new Int32Array(words);
    this.per4 = new Int32Array(2 * Math.ceil(words / 8));
    this.per = new Uint8Array(this.per4.buffer);
    this.l2 = new Int32Array(Math.ceil(words / 64));
    this.l3 = new Int32Array(Math.ceil(words / 512));
  }

  has(s: number): boolean {
    return (this.words[s >>> 5] & (1 << (s & 31))) !== 0;
  }

  /** Adds `s`, not a member. */
  add(s: number): void {
    const w = s >>> 5;
    this.words[w] |= 1 << (s & 31);
    this.per[w]++;
    this.l2[w >>> 6]++;
    this.l3[w >>> 9]++;
    this.count++;
  }

  /** Removes `s`, a member. */
  remove(s: number): void {
    const w = s >>> 5;
    this.words[w] &= ~(1 << (s & 31));
    this.per[w]--;
    this.l2[w >>> 6]--;
    this.l3[w >>> 9]--;
    this.count--;
  }

  clear(): void {
    if (this.count === 0) return;
    this.words.fill(0);
    this.per4.fill(0);
    this.l2.fill(0);
    this.l3.fill(0);
    this.count = 0;
  }

  /** The k-th member (0-based) in id order; k < count. */
  select(k: number): number {
    const l3 = this.l3, l2 = this.l2, per4 = this.per4, per = this.per;
    let i = 0;
    while (k >= l3[i]) k -= l3[i++];
    i <<= 3;
    while (k >= l2[i]) k -= l2[i++];
    // 8 groups of 8 words: a group's members are the byte sums of two words of `per4` (each sum ≤ 128).
    for (i <<= 3; ; i++) {
      const c = (Math.imul(per4[2 * i], 0x01010101) >>> 24) + (Math.imul(per4[2 * i + 1], 0x01010101) >>> 24);
      if (k < c) break;
      k -= c;
    }
    i <<= 3;
    while (k >= per[i]) k -= per[i++];
    let x = this.words[i];
    while (k-- > 0) x &= x - 1; // drop the k lowest members of the word
    return (i << 5) | (31 - Math.clz32(x & -x));
  }

  /**
   * The k-th member (0-based, id order) that is not one of `except[0 .. m)` (distinct members,
   * sorted ascending); k < count − m. Each excluded member at or below the k-th moves the target
   * one on: at most m + 1 selects.
   */
  selectExcept(k: number, except: Int32Array, m: number): number {
    for (let i = 0; ; ) {
      const x = this.select(k + i), from = i;
      while (i < m && except[i] <= x) i++;
      if (i === from) return x;
    }
  }
}

export class BucketIndex {
  readonly size: number;
  private readonly keys: Int32Array;
  /** The members of each key v in [lo, lo + WIDTH), at buckets[v & (WIDTH − 1)]. */
  private readonly buckets: RankedBits[] = [];
  private lo = 0;
  private min = ABSENT;
  /** The servers with a key below `below` (when below > 0), for `firstBelow`. */
  private readonly low: RankedBits | null;

  /** `below` > 0: `firstBelow()` answers for that bound (kept as keys cross it). */
  constructor(size: number, private readonly below = 0) {
    this.size = size;
    this.keys = new Int32Array(size).fill(ABSENT);
    for (let b = 0; b < WIDTH; b++) this.buckets.push(new RankedBits(size));
    this.low = below > 0 ? new RankedBits(size) : null;
  }

  /** The key of server `s` (+Infinity when it may not be chosen). */
  key(s: number): number {
    const k = this.keys[s];
    return k === ABSENT ? Infinity : k;
  }

  /** Sets every key at once (`keys[s]`, +Infinity for servers that may not be chosen): O(n). */
  load(keys: ArrayLike<number>): void {
    const own = this.keys, low = this.low;
    let min = ABSENT;
    if (low !== null) low.clear();
    for (let s = 0; s < this.size; s++) {
      const k = keys[s], v = k === Infinity ? ABSENT : k;
      if (!(v === ABSENT || (Number.isInteger(v) && v >= 0 && v < ABSENT))) throw new Error(`BucketIndex: key ${k} of server ${s} is not a count`);
      own[s] = v;
      if (v < min) min = v;
      if (low !== null && v < this.below) low.add(s);
    }
    this.min = min;
    this.place();
  }

  /** Sets server `s`'s key (a whole count, or +Infinity). */
  set(s: number, k: number): void {
    const keys = this.keys, v = k === Infinity ? ABSENT : k, old = keys[s];
    if (old === v) return;
    keys[s] = v;
    const lo = this.lo, buckets = this.buckets;
    if (old >= lo && old - lo < WIDTH) buckets[old & (WIDTH - 1)].remove(s);
    if (v >= lo && v - lo < WIDTH) buckets[v & (WIDTH - 1)].add(s);
    const low = this.low;
    if (low !== null && (old < this.below) !== (v < this.below)) {
      if (v < this.below) low.add(s);
      else low.remove(s);
    }
    if (v < this.min) {
      this.min = v;
      if (v < lo || v - lo >= WIDTH) this.place();
    } else if (old === this.min && buckets[old & (WIDTH - 1)].count === 0) {
      this.advance();
    }
  }

  /** The minimum's bucket emptied: the next non-empty one in the window, else a pass over the keys. */
  private advance(): void {
    const buckets = this.buckets, top = this.lo + WIDTH;
    for (let v = this.min + 1; v < top; v++) {
      if (buckets[v & (WIDTH - 1)].count > 0) {
        this.min = v;
        return;
      }
    }
    const keys = this.keys;
    let min = ABSENT;
    for (let s = 0; s < this.size; s++) if (keys[s] < min) min = keys[s];
    this.min = min;
    if (min !== ABSENT) this.place();
  }

  /** Re-places the window at the minimum (BELOW under it) and regroups the keys in it: O(n). */
  private place(): void {
    const lo = this.min === ABSENT ? 0 : Math.max(0, this.min - BELOW), keys = this.keys, buckets = this.buckets;
    this.lo = lo;
    for (const b of buckets) b.clear();
    for (let s = 0; s < this.size; s++) {
      const v = keys[s];
      if (v >= lo && v - lo < WIDTH) buckets[v & (WIDTH - 1)].add(s);
    }
  }

  /** The smallest key (+Infinity when no server may be chosen). */
  minimum(): number {
    return this.min === ABSENT ? Infinity : this.min;
  }

  /** How many servers hold the smallest key (0 when none may be chosen). */
  ties(): number {
    return this.min === ABSENT ? 0 : this.buckets[this.min & (WIDTH - 1)].count;
  }

  /** The k-th (0-based, id order) server holding the smallest key; k < ties(). */
  nthMinimum(k: number): number {
    return this.buckets[this.min & (WIDTH - 1)].select(k);
  }

  /**
   * How many servers hold key `v`, or -1 when `v` is outside the grouped window (not known without
   * a pass over the keys). Every key from the minimum up to the window's top is known.
   */
  countOf(v: number): number {
    return v >= this.lo && v - this.lo < WIDTH ? this.buckets[v & (WIDTH - 1)].count : -1;
  }

  /** The smallest key above `v` that some server holds, or -1 when there is none in the window. */
  nextAbove(v: number): number {
    const buckets = this.buckets, top = this.lo + WIDTH;
    for (let w = Math.max(v + 1, this.lo); w < top; w++) if (buckets[w & (WIDTH - 1)].count > 0) return w;
    return -1;
  }

  /**
   * The k-th (0-based, id order) server of key `v` that is not one of `except[0 .. m)` (distinct
   * servers of key v, sorted ascending); `v` in the window (countOf(v) ≥ 0), k < countOf(v) − m.
   */
  nthOfExcept(v: number, k: number, except: Int32Array, m: number): number {
    return this.buckets[v & (WIDTH - 1)].selectExcept(k, except, m);
  }

  /** A server with the smallest key, ties by one draw from `rng` (as MinIndex.pick), or -1. */
  pick(rng: Rng): number {
    if (this.min === ABSENT) return -1;
    const bucket = this.buckets[this.min & (WIDTH - 1)], t = bucket.count;
    return bucket.select(t === 1 ? 0 : Math.floor(rng.next() * t));
  }

  /** The lowest id whose key is below the constructor's `below`, or -1. */
  firstBelow(): number {
    const low = this.low;
    if (low === null) throw new Error('BucketIndex: firstBelow() needs a bound (constructor `below`)');
    return low.count === 0 ? -1 : low.select(0);
  }
}

/**
 * As `KeyedMinIndex`, over a BucketIndex: `keyOf(s)` (a whole count, or +Infinity for a server
 * that may not be chosen) loaded whole by `rebuild` and kept in step by `changed(s)` (s < 0:
 * every server may have changed).
 */
export class KeyedBucketIndex {
  readonly index: BucketIndex;
  private readonly keys: Float64Array;

  constructor(readonly size: number, private readonly keyOf: (s: number) => number, below = 0) {
    this.index = new BucketIndex(size, below);
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
