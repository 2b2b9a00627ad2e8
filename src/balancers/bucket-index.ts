/**
 * BucketIndex: the same questions as `MinIndex` (the minimum, its ties, the k-th tied server in id
 * order, the lowest id below a bound) for keys that are whole counts (0 ≤ k < 2^31 − 1, or
 * +Infinity for a server that may not be chosen) moving mostly by ±1: open requests, queue
 * lengths. A bucket queue: the servers are grouped by key, each key in a window of 32 values
 * starting at most 8 below the minimum being a bucket (a set of ids as bits, with its member
 * counts per 32, 2,048 and 131,072 ids for the k-th member). A change of key moves one bit between
 * two buckets (O(1)); the minimum moves to the next non-empty bucket when its own empties (O(1)
 * when keys move by ±1). Keys outside the window are not grouped; when the minimum leaves it (or,
 * emptying, finds nothing above it in the window) the window is re-placed by one pass over the
 * keys, O(n), as rare as the minimum moving 9 down or 24 up. Memory ~9 bytes per server.
 *
 * Laid out for large pools, where each distinct cache line a change touches is likely a miss: the
 * 32 buckets' bit words of one group of 32 ids lie side by side (a move by ±1 and the search for
 * the bucket a server is in touch one line), and a server's key is stored apart only while it is
 * outside the window (a change inside it does not touch the key array). At 100,000 servers a
 * change by ±1 touches 6 lines of the index (the group's bits; the two buckets' counts per 32 and
 * per 2,048 ids and the totals, all small and mostly in cache) where a RankedBits per bucket and
 * a key array touched 9 (the key, and each bucket's word and three counts).
 *
 * Every answer equals MinIndex's for the same keys, and `pick` consumes the stream as it does (one
 * draw when t > 1 servers tie at the minimum: the ⌊u·t⌋-th of them in id order), so a policy may
 * use either with identical choices.
 */
import type { Rng } from '../random/rng.js';

/** A key that is absent (+Infinity outside): above every count. */
const ABSENT = 0x7fffffff;
/** Keys grouped: the window's width (bucket of key v: v − lo). */
const WIDTH = 32;
/** On re-placing, the window starts this far below the minimum (or at 0). */
const BELOW = 8;
/** Fan-out of a bucket's counts: groups (of 32 ids) per chunk, chunks per block (2^CHUNK_BITS). */
const CHUNK_BITS = 6, CHUNK = 1 << CHUNK_BITS;

/**
 * A set of ids 0 .. size − 1 as bits (id s: bit s & 31 of word s >> 5) with member counts per
 * word, per 1,024 ids and per 32,768 ids: add and remove O(1) (the caller knows membership), the
 * k-th member in id order by three short scans (≤ size / 32,768, 32 and 32 counts) and one word.
 */
export class RankedBits {
  /** Members. */
  count = 0;
  private readonly words: Int32Array;
  /** Members per word (32 ids). */
  private readonly per: Uint8Array;
  /** Members per 1,024 ids (32 words). */
  private readonly mid: Int32Array;
  /** Members per 32,768 ids (32 mids). */
  private readonly top: Int32Array;

  constructor(size: number) {
    const words = Math.ceil(size / 32);
    this.words = new Int32Array(words);
    this.per = new Uint8Array(words);
    this.mid = new Int32Array(Math.ceil(words / 32));
    this.top = new Int32Array(Math.ceil(words / 1024));
  }

  has(s: number): boolean {
    return (this.words[s >>> 5] & (1 << (s & 31))) !== 0;
  }

  /** Adds `s`, not a member. */
  add(s: number): void {
    const w = s >>> 5;
    this.words[w] |= 1 << (s & 31);
    this.per[w]++;
    this.mid[w >>> 5]++;
    this.top[w >>> 10]++;
    this.count++;
  }

  /** Removes `s`, a member. */
  remove(s: number): void {
    const w = s >>> 5;
    this.words[w] &= ~(1 << (s & 31));
    this.per[w]--;
    this.mid[w >>> 5]--;
    this.top[w >>> 10]--;
    this.count--;
  }

  clear(): void {
    if (this.count === 0) return;
    this.words.fill(0);
    this.per.fill(0);
    this.mid.fill(0);
    this.top.fill(0);
    this.count = 0;
  }

  /** The k-th member (0-based) in id order; k < count. */
  select(k: number): number {
    const top = this.top, mid = this.mid, words = this.words;
    let t = 0;
    while (k >= top[t]) k -= top[t++];
    let m = t << 5;
    while (k >= mid[m]) k -= mid[m++];
    const per = this.per;
    let w = m << 5;
    while (k >= per[w]) k -= per[w++];
    let x = words[w];
    while (k-- > 0) x &= x - 1; // drop the k lowest members of the word
    return (w << 5) | (31 - Math.clz32(x & -x));
  }
}

export class BucketIndex {
  readonly size: number;
  /**
   * The key of each server OUTSIDE the window (ABSENT included); a server in the window has its
   * key in its bucket (its bit), and its entry here is stale. A change inside the window so never
   * reads or writes this array, whose line is one more cache miss per change in a large pool.
   */
  private readonly keys: Int32Array;
  /**
   * The members of each key v in [lo, lo + WIDTH), as bits: group g of 32 ids (g = s >> 5) keeps the
   * words of buckets 0 … 15 side by side in one 64-byte line (bits[16g + b]), and those of 16 … 31 in
   * another half of the array (bits[half + 16g + b − 16]), so a move between buckets, and finding
   * which bucket a server is in, stay within one line, and the lines of the hot buckets (lo + 8 …)
   * are contiguous (not every other line, which would use half of the cache's sets).
   */
  private readonly bits: Int32Array;
  /** Words per half of the buckets (16 · groups): bits of buckets 16 … 31 start here. */
  private readonly half: number;
  /** Members per bucket and group: per[b · groupStride + g] (a bucket's counts in id order, for select). */
  private readonly per: Uint8Array;
  /** `per` four groups at a time (select sums a word's bytes). */
  private readonly per4: Uint32Array;
  /** Members per bucket and chunk of CHUNK groups: mid[b · chunkStride + c]. */
  private readonly mid: Uint16Array;
  /** `mid` two chunks at a time. */
  private readonly mid2: Uint32Array;
  /** Members per bucket and block of CHUNK chunks, top[b · blocks + t]: kept only when blocks > 1. */
  private readonly top: Int32Array;
  /** Members per bucket. */
  private readonly count = new Int32Array(WIDTH);
  private readonly groupStride: number;
  /** Chunks per bucket, rounded up to even (a bucket's counts start a word of `mid2`). */
  private readonly chunkStride: number;
  private readonly blocks: number;
  private lo = 0;
  private min = ABSENT;
  /** The servers with a key below `below` (when below > 0), for `firstBelow`. */
  private readonly low: RankedBits | null;

  /** `below` > 0: `firstBelow()` answers for that bound (kept as keys cross it). */
  constructor(size: number, private readonly below = 0) {
    this.size = size;
    const groups = Math.ceil(size / 32), chunks = Math.ceil(groups / CHUNK), blocks = Math.ceil(chunks / CHUNK);
    this.keys = new Int32Array(size).fill(ABSENT);
    this.bits = new Int32Array(groups * WIDTH);
    this.half = groups * (WIDTH / 2);
    this.groupStride = chunks * CHUNK; // each bucket's counts start a chunk of CHUNK bytes
    this.per = new Uint8Array(WIDTH * this.groupStride);
    this.per4 = new Uint32Array(this.per.buffer);
    this.chunkStride = chunks + (chunks & 1);
    this.mid = new Uint16Array(WIDTH * this.chunkStride);
    this.mid2 = new Uint32Array(this.mid.buffer);
    this.blocks = blocks;
    this.top = new Int32Array(blocks > 1 ? WIDTH * blocks : 0);
    this.low = below > 0 ? new RankedBits(size) : null;
  }

  /** Where group g's word of bucket b is. */
  private at(g: number, b: number): number {
    return (b >>> 4) * this.half + (g << 4) + (b & 15);
  }

  /** The bucket holding server `s` (its bit), or -1 when `s` is outside the window. */
  private bucketOf(s: number): number {
    const bits = this.bits, g = s >>> 5, bit = 1 << (s & 31);
    for (let b = 0; b < WIDTH; b++) if ((bits[this.at(g, b)] & bit) !== 0) return b;
    return -1;
  }

  /** The key of server `s` (+Infinity when it may not be chosen). */
  key(s: number): number {
    const b = this.bucketOf(s), k = b < 0 ? this.keys[s] : this.lo + b;
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
    const v = k === Infinity ? ABSENT : k | 0, b = v - this.lo; // the new key's bucket when 0 ≤ b < WIDTH
    if (b >= 0 && b < WIDTH && this.low === null) {
      // The common case, kept small (V8 inlines it): a key in the window that does not change (a
      // fleet's instances sharing an index are each told of one change) or moves by ±1.
      const bits = this.bits, g = s >>> 5, bit = 1 << (s & 31);
      if ((bits[this.at(g, b)] & bit) !== 0) return;
      const ob = b > 0 && (bits[this.at(g, b - 1)] & bit) !== 0 ? b - 1 : b < WIDTH - 1 && (bits[this.at(g, b + 1)] & bit) !== 0 ? b + 1 : -1;
      if (ob >= 0) {
        this.remove(s, ob);
        this.add(s, b);
        if (v < this.min) this.min = v;
        else if (ob + this.lo === this.min && this.count[ob] === 0) this.advance();
        return;
      }
    }
    this.move(s, v);
  }

  /** `set` in general: any key, in or out of the window, and the servers below `below`. */
  private move(s: number, v: number): void {
    const lo = this.lo, bits = this.bits, g = s >>> 5, bit = 1 << (s & 31);
    // The old key: from the bucket holding s (tried first: the new key's, then one below and one
    // above, as a count moves by ±1), else, s being outside the window, from `keys`.
    const b = v - lo;
    if (b >= 0 && b < WIDTH && (bits[this.at(g, b)] & bit) !== 0) return;
    let ob = b - 1;
    if (!(b > 0 && b <= WIDTH && (bits[this.at(g, ob)] & bit) !== 0)) {
      ob = b + 1;
      if (!(b >= -1 && b < WIDTH - 1 && (bits[this.at(g, ob)] & bit) !== 0)) ob = this.bucketOf(s);
    }
    const old = ob < 0 ? this.keys[s] : lo + ob;
    if (old === v) return;
    if (ob >= 0) this.remove(s, ob);
    if (b >= 0 && b < WIDTH) this.add(s, b);
    else this.keys[s] = v;
    const low = this.low;
    if (low !== null && (old < this.below) !== (v < this.below)) {
      if (v < this.below) low.add(s);
      else low.remove(s);
    }
    if (v < this.min) {
      this.min = v;
      if (b < 0 || b >= WIDTH) {
        this.release();
        this.place();
      }
    } else if (old === this.min && this.count[old - lo] === 0) {
      this.advance();
    }
  }

  private add(s: number, b: number): void {
    const g = s >>> 5;
    this.bits[this.at(g, b)] |= 1 << (s & 31);
    this.per[b * this.groupStride + g]++;
    this.mid[b * this.chunkStride + (g >>> CHUNK_BITS)]++;
    if (this.blocks > 1) this.top[b * this.blocks + (g >>> (2 * CHUNK_BITS))]++;
    this.count[b]++;
  }

  private remove(s: number, b: number): void {
    const g = s >>> 5;
    this.bits[this.at(g, b)] &= ~(1 << (s & 31));
    this.per[b * this.groupStride + g]--;
    this.mid[b * this.chunkStride + (g >>> CHUNK_BITS)]--;
    if (this.blocks > 1) this.top[b * this.blocks + (g >>> (2 * CHUNK_BITS))]--;
    this.count[b]--;
  }

  /** The k-th member (0-based) of bucket `b` in id order; k < count[b]. */
  private select(b: number, k: number): number {
    const cs = this.chunkStride;
    let c = b * cs;
    if (this.blocks > 1) {
      const top = this.top;
      let t = b * this.blocks;
      while (k >= top[t]) k -= top[t++];
      c += (t - b * this.blocks) * CHUNK;
    }
    // The chunk: two counts at a time, then one; the group: four counts at a time (the sum of a
    // word's bytes, each ≤ 32, is its top byte times 0x01010101), then one by one.
    const mid = this.mid, mid2 = this.mid2;
    let p = c >>> 1;
    for (let x = mid2[p]; k >= (x & 0xffff) + (x >>> 16); x = mid2[++p]) k -= (x & 0xffff) + (x >>> 16);
    c = p << 1;
    if (k >= mid[c]) k -= mid[c++];
    const per = this.per, per4 = this.per4, stride = this.groupStride;
    let q = (b * stride + (c - b * cs) * CHUNK) >>> 2;
    for (let x = Math.imul(per4[q], 0x01010101) >>> 24; k >= x; x = Math.imul(per4[++q], 0x01010101) >>> 24) k -= x;
    let i = q << 2;
    while (k >= per[i]) k -= per[i++];
    const g = i - b * stride;
    let x = this.bits[this.at(g, b)];
    while (k-- > 0) x &= x - 1; // drop the k lowest members of the word
    return (g << 5) | (31 - Math.clz32(x & -x));
  }

  /** The minimum's bucket emptied: the next non-empty one in the window, else a pass over the keys. */
  private advance(): void {
    const count = this.count, top = this.lo + WIDTH;
    for (let v = this.min + 1; v < top; v++) {
      if (count[v - this.lo] > 0) {
        this.min = v;
        return;
      }
    }
    // The window is empty: every server is outside it, and `keys` holds every key.
    const keys = this.keys;
    let min = ABSENT;
    for (let s = 0; s < this.size; s++) if (keys[s] < min) min = keys[s];
    this.min = min;
    if (min !== ABSENT) this.place();
  }

  /** Writes the keys of the servers in the window back into `keys` (before re-placing it): O(n). */
  private release(): void {
    const bits = this.bits, keys = this.keys, lo = this.lo, groups = bits.length / WIDTH;
    for (let b = 0; b < WIDTH; b++) {
      if (this.count[b] === 0) continue;
      const k = lo + b;
      for (let g = 0; g < groups; g++) {
        for (let x = bits[this.at(g, b)]; x !== 0; x &= x - 1) keys[(g << 5) | (31 - Math.clz32(x & -x))] = k;
      }
    }
  }

  /** Re-places the window at the minimum (BELOW under it) and regroups the keys in it: O(n). */
  private place(): void {
    const lo = this.min === ABSENT ? 0 : Math.max(0, this.min - BELOW), keys = this.keys;
    this.lo = lo;
    if (this.count.some((c) => c > 0)) {
      this.bits.fill(0);
      this.per.fill(0);
      this.mid.fill(0);
      this.top.fill(0);
      this.count.fill(0);
    }
    for (let s = 0; s < this.size; s++) {
      const v = keys[s];
      if (v >= lo && v - lo < WIDTH) this.add(s, v - lo);
    }
  }

  /** The smallest key (+Infinity when no server may be chosen). */
  minimum(): number {
    return this.min === ABSENT ? Infinity : this.min;
  }

  /** How many servers hold the smallest key (0 when none may be chosen). */
  ties(): number {
    return this.min === ABSENT ? 0 : this.count[this.min - this.lo];
  }

  /** The k-th (0-based, id order) server holding the smallest key; k < ties(). */
  nthMinimum(k: number): number {
    return this.select(this.min - this.lo, k);
  }

  /** A server with the smallest key, ties by one draw from `rng` (as MinIndex.pick), or -1. */
  pick(rng: Rng): number {
    if (this.min === ABSENT) return -1;
    const b = this.min - this.lo, t = this.count[b];
    return this.select(b, t === 1 ? 0 : Math.floor(rng.next() * t));
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
