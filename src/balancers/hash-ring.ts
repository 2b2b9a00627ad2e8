/**
 * A consistent-hashing ring (Karger et al., STOC 1997) over the eligible servers, shared by
 * `ring-hash` and `bounded-load-hash`. Server s owns `replicas(s)` points at murmur3(s, replica)
 * (seed 1); a key hashed to h belongs to the first point clockwise with hash ≥ h, wrapping to
 * the first point (Envoy `ring_hash_lb.cc` does the same lookup). Equal hashes sort by server id.
 *
 * Points are rebuilt over the eligible servers only, so the ring never holds an ineligible
 * server, and a server that leaves takes exactly its own points with it: no other key moves.
 * Replica counts depend on configured weights, never on eligibility, for the same reason.
 * A lookup reads a table of the first point per range of hashes (about one point per range)
 * and searches that range alone: O(1) expected where a binary search over a 100,000-point ring
 * takes 17 dependent, mostly missed, reads.
 */
import type { BalancerContext } from './balancer.js';
import { hashKey, murmur2x32 } from './hash.js';
import { ChangedServers } from './changed-servers.js';

/** 2^21: hash × SHIFT + server is exact in a double for servers < 2^21. */
const SHIFT = 2097152;

export class HashRing {
  /** Ring points, ascending, and the server owning each. */
  hashes = new Uint32Array(0);
  servers = new Int32Array(0);
  length = 0;
  private sortKeys = new Float64Array(0);
  /** Points each server has on the ring now (0 when ineligible): what an incremental rebuild compares. */
  private readonly placed: Int32Array;
  private built = false;
  /**
   * `first[b]`: the first point whose hash's top bits (hash >>> shift) are ≥ b, with
   * first[buckets] = length: a lookup searches one bucket (about one point) instead of the ring.
   */
  private first = new Int32Array(3);
  private shift = 31;
  /** Full rebuilds and incremental ones so far (for tests and benchmarks). */
  fullRebuilds = 0;
  incrementalRebuilds = 0;

  /**
   * `replicas[s]`: points for server s (0 = none). `everyone`: place every server's points,
   * eligible or not (LiveRing flags the eligible ones).
   */
  constructor(readonly replicas: Int32Array, private readonly everyone = false) {
    this.placed = new Int32Array(replicas.length);
  }

  /** Points server s should have on the ring now. */
  private want(ctx: BalancerContext, s: number): number {
    return this.everyone || ctx.eligible[s] === 1 ? this.replicas[s] : 0;
  }

  /**
   * Re-places the points of the eligible servers: the same ring as a build from scratch. When few
   * servers changed (joined, left, or changed their point count) only theirs move: their old
   * points are filtered out and their new ones merged in, O(ring + changed points · log) instead
   * of sorting the whole ring. Allocates only when the ring grows.
   */
  rebuild(ctx: BalancerContext): void {
    const placed = this.placed;
    let total = 0, changedPoints = 0, changed = 0;
    for (let s = 0; s < ctx.size; s++) {
      const want = this.want(ctx, s);
      total += want;
      if (want !== placed[s]) {
        changed++;
        changedPoints += want;
      }
    }
    if (this.built && changed === 0) return;
    this.ensure(total);
    // Incremental when the new points are few beside the ring (sorting them is the cost).
    if (this.built && changedPoints * 8 <= total + 8) this.patch(ctx, total, changedPoints);
    else this.full(ctx, total);
    this.bucket();
    this.built = true;
  }

  /** Fills `first` for the points placed: one bucket per point or so (2 to 2^20 buckets), O(ring + buckets). */
  private bucket(): void {
    const length = this.length, hashes = this.hashes;
    let bits = 1;
    while (bits < 20 && 1 << bits < length) bits++;
    const buckets = 1 << bits, shift = 32 - bits;
    if (this.first.length < buckets + 1) this.first = new Int32Array(buckets + 1);
    const first = this.first;
    for (let b = 0, i = 0; b < buckets; b++) {
      while (i < length && hashes[i] >>> shift < b) i++;
      first[b] = i;
    }
    first[buckets] = length;
    this.shift = shift;
  }

  private ensure(total: number): void {
    if (total <= this.sortKeys.length) return;
    const hashes = new Uint32Array(total), servers = new Int32Array(total);
    hashes.set(this.hashes.subarray(0, this.length));
    servers.set(this.servers.subarray(0, this.length));
    this.sortKeys = new Float64Array(total);
    this.hashes = hashes;
    this.servers = servers;
  }

  private full(ctx: BalancerContext, total: number): void {
    this.fullRebuilds++;
    const keys = this.sortKeys.subarray(0, total), placed = this.placed;
    let k = 0;
    for (let s = 0; s < ctx.size; s++) {
      const want = (placed[s] = this.want(ctx, s));
      for (let r = 0; r < want; r++) keys[k++] = murmur2x32(s, r, 1) * SHIFT + s;
    }
    keys.sort();
    for (let i = 0; i < total; i++) {
      const h = Math.floor(keys[i] / SHIFT);
      this.hashes[i] = h;
      this.servers[i] = keys[i] - h * SHIFT;
    }
    this.length = total;
  }

  /** Filters out the points of servers whose count changed, then merges their new points in. */
  private patch(ctx: BalancerContext, total: number, changedPoints: number): void {
    this.incrementalRebuilds++;
    const placed = this.placed, hashes = this.hashes, servers = this.servers;
    // The changed servers' new points, sorted (sortKeys is free scratch here).
    const fresh = this.sortKeys.subarray(0, changedPoints);
    let a = 0;
    for (let s = 0; s < ctx.size; s++) {
      const want = this.want(ctx, s);
      if (want === placed[s]) continue;
      placed[s] = -1 - want; // marks the server: its old points go; want restored below
      for (let r = 0; r < want; r++) fresh[a++] = murmur2x32(s, r, 1) * SHIFT + s;
    }
    fresh.sort();
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (placed[servers[i]] < 0) continue;
      hashes[kept] = hashes[i];
      servers[kept] = servers[i];
      kept++;
    }
    // Merge from the back: kept points in [0, kept), fresh points, into [0, kept + a).
    let i = kept - 1, j = a - 1;
    for (let out = kept + a - 1; j >= 0; out--) {
      const fk = fresh[j];
      if (i >= 0 && hashes[i] * SHIFT + servers[i] > fk) {
        hashes[out] = hashes[i];
        servers[out] = servers[i];
        i--;
      } else {
        const h = Math.floor(fk / SHIFT);
        hashes[out] = h;
        servers[out] = fk - h * SHIFT;
        j--;
      }
    }
    for (let s = 0; s < ctx.size; s++) if (placed[s] < 0) placed[s] = -1 - placed[s];
    this.length = total;
  }

  /** Index of the first point clockwise from `key`'s hash; only when length > 0. */
  find(key: number): number {
    const h = hashKey(key), hashes = this.hashes, b = h >>> this.shift;
    let lo = this.first[b], hi = this.first[b + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.length ? 0 : lo;
  }
}

/**
 * A set of positions 0 .. n − 1 as bits, with a summary level per factor of 32 (bit j of level
 * k + 1 set when word j of level k is not zero): add, delete and the first member at or after a
 * position in O(log₃₂ n) word operations.
 */
export class BitSet {
  private levels: Int32Array[] = [new Int32Array(1)];

  /** Empties the set and makes room for positions below `n`. */
  reset(n: number): void {
    const levels: Int32Array[] = [];
    let words = Math.max(1, Math.ceil(n / 32));
    for (;;) {
      levels.push(new Int32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / 32);
    }
    this.levels = levels;
  }

  add(i: number): void {
    const levels = this.levels;
    for (let k = 0; k < levels.length; k++) {
      const level = levels[k], w = i >>> 5, was = level[w];
      level[w] = was | (1 << (i & 31));
      if (was !== 0) return;
      i = w;
    }
  }

  delete(i: number): void {
    const levels = this.levels;
    for (let k = 0; k < levels.length; k++) {
      const level = levels[k], w = i >>> 5, now = level[w] & ~(1 << (i & 31));
      level[w] = now;
      if (now !== 0) return;
      i = w;
    }
  }

  /** The smallest member ≥ i, or -1. */
  next(i: number): number {
    const levels = this.levels, top = levels.length - 1;
    let k = 0;
    for (;;) {
      const level = levels[k], w = i >>> 5;
      if (w >= level.length) return -1;
      const m = level[w] & (-1 << (i & 31));
      if (m !== 0) {
        i = (w << 5) | (31 - Math.clz32(m & -m));
        break;
      }
      if (k === top) return -1;
      i = w + 1; // word w + 1 of level k is bit w + 1 of level k + 1
      k++;
    }
    for (; k > 0; k--) {
      const m = levels[k - 1][i];
      i = (i << 5) | (31 - Math.clz32(m & -m));
    }
    return i;
  }
}

/**
 * A ring holding the points of every server with points, eligible or not, each point flagged
 * live while its server is eligible. A key's server is the first live point clockwise from the
 * key's hash: exactly the point a HashRing over the eligible servers alone gives (that ring is
 * this one with the dead points removed, order kept). A server leaving or returning flips its own
 * points' flags, O(points), and a lookup that lands on a dead point finds the next live one in
 * O(log₃₂ ring) (BitSet), where HashRing moves its points (O(ring)) on every change. Point
 * counts changing (weights) re-place the points as HashRing does, O(ring).
 *
 * Changes are told (`changed(s)`: only server s's eligibility or weight changed; -1: any may have)
 * and applied at the next `sync`, so that any number of them at one instant cost one pass; a
 * fleet's instances, which read the same arrays, share one LiveRing (ring-hash).
 */
export class LiveRing {
  readonly ring: HashRing;
  /** Points on the ring whose server is live. */
  livePoints = 0;
  /** True when a change was told and not yet applied. */
  stale = true;
  /** Times the points were placed, and servers flipped live or dead (for tests and benchmarks). */
  placements = 0;
  flips = 0;
  /** Eligibility and weights as of the last sync. */
  private readonly live: Uint8Array;
  private readonly weights: Float64Array;
  /** Servers told changed since the last sync (all of them before the first). */
  private readonly told: ChangedServers;
  /** Positions of server s's points on the ring: at[start[s] .. start[s + 1]). */
  private readonly start: Int32Array;
  private at = new Int32Array(0);
  private readonly bits = new BitSet();
  private readonly scratch: Int32Array;

  /** `size` servers whose point counts `points` computes from the weights. */
  constructor(size: number, private readonly points: (ctx: BalancerContext, out: Int32Array) => Int32Array) {
    this.ring = new HashRing(new Int32Array(size), true);
    this.live = new Uint8Array(size);
    this.weights = new Float64Array(size);
    this.told = new ChangedServers(size, true);
    this.start = new Int32Array(size + 1);
    this.scratch = new Int32Array(size);
  }

  /** Server s's eligibility or weight changed (-1: any server's may have); applied at the next sync. */
  changed(s: number): void {
    this.stale = true;
    this.told.add(s);
  }

  /** Applies the changes told since the last sync. */
  sync(ctx: BalancerContext): void {
    if (!this.stale) return;
    const n = ctx.size, weights = this.weights, told = this.told, pending = told.list;
    let reweighed = this.placements === 0;
    if (told.all) {
      for (let s = 0; s < n && !reweighed; s++) reweighed = ctx.weights[s] !== weights[s];
    } else {
      for (let i = 0; i < told.count && !reweighed; i++) reweighed = ctx.weights[pending[i]] !== weights[pending[i]];
    }
    if (reweighed) {
      weights.set(ctx.weights);
      this.points(ctx, this.scratch);
      const replicas = this.ring.replicas;
      let same = this.placements > 0;
      for (let s = 0; s < n && same; s++) same = this.scratch[s] === replicas[s];
      if (!same) {
        replicas.set(this.scratch);
        this.place(ctx);
      }
    }
    if (told.all) {
      for (let s = 0; s < n; s++) if (ctx.eligible[s] !== this.live[s]) this.flip(s, ctx.eligible[s]);
    } else {
      for (let i = 0; i < told.count; i++) {
        const s = pending[i];
        if (ctx.eligible[s] !== this.live[s]) this.flip(s, ctx.eligible[s]);
      }
    }
    told.clear();
    this.stale = false;
  }

  /** The server of `key`'s first live point clockwise, or -1 when no point is live. */
  lookup(key: number): number {
    if (this.livePoints === 0) return -1;
    const ring = this.ring, i = ring.find(key), s = ring.servers[i];
    if (this.live[s] === 1) return s;
    let j = this.bits.next(i);
    if (j < 0) j = this.bits.next(0);
    return ring.servers[j];
  }

  /** Places every server's points (HashRing: incrementally when few counts changed), flags the live ones. */
  private place(ctx: BalancerContext): void {
    this.placements++;
    const ring = this.ring, n = ctx.size, start = this.start, replicas = ring.replicas;
    ring.rebuild(ctx);
    const length = ring.length, servers = ring.servers;
    if (this.at.length < length) this.at = new Int32Array(length);
    start[0] = 0;
    for (let s = 0; s < n; s++) start[s + 1] = start[s] + replicas[s];
    const next = this.scratch, at = this.at;
    next.set(start.subarray(0, n));
    this.bits.reset(length);
    let livePoints = 0;
    for (let i = 0; i < length; i++) {
      const s = servers[i];
      at[next[s]++] = i;
      if (this.live[s] === 1) {
        this.bits.add(i);
        livePoints++;
      }
    }
    this.livePoints = livePoints;
  }

  /** Server s becomes live (e = 1) or dead: its points' flags. */
  private flip(s: number, e: number): void {
    this.flips++;
    this.live[s] = e;
    const at = this.at, bits = this.bits, from = this.start[s], to = this.start[s + 1];
    if (e === 1) for (let k = from; k < to; k++) bits.add(at[k]);
    else for (let k = from; k < to; k++) bits.delete(at[k]);
    this.livePoints += e === 1 ? to - from : from - to;
  }
}

/**
 * Points per server: `ceil(base · w_s / w̄)` with base = ceil(minRingSize / n⁺), w̄ the mean
 * positive weight and n⁺ the servers of positive weight, so the full pool has ≥ minRingSize
 * points; weight 0 ⇒ none. `weighted` false gives every server `base`.
 */
export function ringReplicas(ctx: BalancerContext, minRingSize: number, weighted: boolean, out: Int32Array): Int32Array {
  let positive = 0, sum = 0;
  for (let s = 0; s < ctx.size; s++) {
    if (!weighted || ctx.weights[s] > 0) {
      positive++;
      sum += weighted ? ctx.weights[s] : 1;
    }
  }
  const base = Math.ceil(minRingSize / Math.max(positive, 1)), mean = sum / Math.max(positive, 1);
  for (let s = 0; s < ctx.size; s++) {
    // (− 1e-9: equal weights must give exactly `base`, whatever the rounding of the mean.)
    out[s] = !weighted ? base : ctx.weights[s] > 0 ? Math.ceil((base * ctx.weights[s]) / mean - 1e-9) : 0;
  }
  return out;
}

/**
 * Points per server for a ring whose balance does not depend on the pool's size (ketama's way):
 * `ceil(base · w_s / w̄)` with base = min(pointsPerServer, ⌊maxRingSize / n⁺⌋) (at least 1), w̄
 * the mean positive weight, n⁺ the servers of positive weight; weight 0 ⇒ none. The ring holds at
 * most maxRingSize + n⁺ points (each count rounded up).
 */
export function ringPoints(ctx: BalancerContext, pointsPerServer: number, maxRingSize: number, out: Int32Array): Int32Array {
  let positive = 0, sum = 0;
  for (let s = 0; s < ctx.size; s++) {
    if (ctx.weights[s] > 0) {
      positive++;
      sum += ctx.weights[s];
    }
  }
  const n = Math.max(positive, 1), mean = sum / n;
  const base = Math.max(1, Math.min(pointsPerServer, Math.floor(maxRingSize / n)));
  for (let s = 0; s < ctx.size; s++) {
    out[s] = ctx.weights[s] > 0 ? Math.ceil((base * ctx.weights[s]) / mean - 1e-9) : 0;
  }
  return out;
}
