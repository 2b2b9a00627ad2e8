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

  /** `replicas[s]`: points for server s (0 = none). */
  constructor(readonly replicas: Int32Array) {}

  /** Re-places the points of the eligible servers. Allocates only when the ring grows. */
  rebuild(ctx: BalancerContext): void {
    let total = 0;
    for (let s = 0; s < ctx.size; s++) if (ctx.eligible[s] === 1) total += this.replicas[s];
    if (total > this.sortKeys.length) {
      this.sortKeys = new Float64Array(total);
      this.hashes = new Uint32Array(total);
      this.servers = new Int32Array(total);
    }
    const keys = this.sortKeys.subarray(0, total);
    let k = 0;
    for (let s = 0; s < ctx.size; s++) {
      if (ctx.eligible[s] !== 1) continue;
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
