/**
 * A consistent-hashing ring (Karger et al., STOC 1997) over the eligible servers, shared by
 * `ring-hash` and `bounded-load-hash`. Server s owns `replicas(s)` points at murmur3(s, replica)
 * (seed 1); a key hashed to h belongs to the first point clockwise with hash ≥ h, wrapping to
 * the first point (Envoy `ring_hash_lb.cc` does the same lookup). Equal hashes sort by server id.
 *
 * Points are rebuilt over the eligible servers only, so the ring never holds an ineligible
 * server, and a server that leaves takes exactly its own points with it: no other key moves.
 * Replica counts depend on configured weights, never on eligibility, for the same reason.
 */
import type { BalancerContext } from './balancer.js';
import { hashKey, murmur2x32 } from './hash.js';

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
  /** Full rebuilds and incremental ones so far (for tests and benchmarks). */
  fullRebuilds = 0;
  incrementalRebuilds = 0;

  /** `replicas[s]`: points for server s (0 = none). */
  constructor(readonly replicas: Int32Array) {
    this.placed = new Int32Array(replicas.length);
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
      const want = ctx.eligible[s] === 1 ? this.replicas[s] : 0;
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
    this.built = true;
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
      placed[s] = 0;
      if (ctx.eligible[s] !== 1) continue;
      placed[s] = this.replicas[s];
      for (let r = 0; r < this.replicas[s]; r++) keys[k++] = murmur2x32(s, r, 1) * SHIFT + s;
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
      const want = ctx.eligible[s] === 1 ? this.replicas[s] : 0;
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
    const h = hashKey(key), hashes = this.hashes;
    let lo = 0, hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.length ? 0 : lo;
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
