/**
 * ring-hash (alias ketama): consistent hashing of the request key on a ring of virtual nodes.
 * Server s gets ceil(base · w_s / w̄) points, w̄ the mean positive weight, weight 0 ⇒ none:
 * - by default base = min(`pointsPerServer` (160, ketama's 40 × 4 per server), ⌊`maxRingSize`
 *   (4,194,304) / n⁺⌋), n⁺ the servers of positive weight, so each server's share of the ring
 *   (a sum of ~base arcs) is as even at 10,000 servers as at 10: max/mean ≈ 1 + √(2 ln n / base);
 * - with `minRingSize` set (Envoy's `minimum_ring_size` behaviour): base = ceil(minRingSize / n⁺),
 *   so the pool has ≥ minRingSize points in all — Envoy's default 1024 gives each server one or
 *   two points from 1,000 servers up, and its share of the keys varies by a factor of several.
 * Hash: murmur3_x86_32 (hash.ts) of the key's two 32-bit words, seed 0; ring points
 * murmur3(server, replica), seed 1. A key goes to the first point clockwise (hash ≥ key hash,
 * wrapping).
 * Ineligible servers: a key goes to the first point of an eligible server clockwise, as on a
 * ring rebuilt over the eligible servers only, so when a server leaves or returns only its own
 * keys move. Envoy instead rescales every host's point count with the host count (xxHash64 of
 * "address_i"), which moves more keys. The ring holds every server's points, flagged live while
 * the server is eligible (LiveRing): a server leaving or returning flips its own points' flags,
 * O(points), applied at the next pick (so changes at one instant cost one pass); only weights
 * changing re-place points. Instances of a fleet read the same eligibility and weights, so they
 * share one ring (160 points × 10,000 servers is 25 MB; 10,000 instances each with its own would
 * not fit): whichever instance picks first after a change applies it, the others find it current.
 * Source: Karger et al., "Consistent Hashing and Random Trees", STOC 1997; ketama (libketama,
 * 160 points per server); Envoy RING_HASH.
 * Ties: equal point hashes order by server id.
 */
import type { BalancerContext, BalancerFactory } from './balancer.js';
import { policy, readOptions, requireFor } from './options.js';
import { LiveRing, ringPoints, ringReplicas } from './hash-ring.js';

/** Rings shared by instances over the same weights and eligibility arrays, by sizing. */
const shared = new WeakMap<Float64Array, WeakMap<Uint8Array, Map<string, LiveRing>>>();

function sharedRing(ctx: BalancerContext, sizing: string, points: (ctx: BalancerContext, out: Int32Array) => Int32Array): LiveRing {
  let byEligible = shared.get(ctx.weights);
  if (!byEligible) shared.set(ctx.weights, (byEligible = new WeakMap()));
  let bySizing = byEligible.get(ctx.eligible);
  if (!bySizing) byEligible.set(ctx.eligible, (bySizing = new Map()));
  let ring = bySizing.get(sizing);
  if (!ring) bySizing.set(sizing, (ring = new LiveRing(ctx.size, points)));
  return ring;
}

const OPTIONS = {
  pointsPerServer: { type: 'number', integer: true, min: 1, max: 65_536, default: 160 },
  maxRingSize: { type: 'number', integer: true, min: 1, max: 8_388_608, default: 4_194_304 },
  minRingSize: { type: 'number', integer: true, min: 1, max: 8_388_608, note: 'unset (Envoy\'s minimum_ring_size behaviour when set, e.g. 1024)' },
} as const;

export const createRingHash: BalancerFactory = (ctx, options, path) => {
  const { pointsPerServer, maxRingSize, minRingSize } = readOptions(OPTIONS, options, path);
  const envoy = minRingSize !== undefined;
  const why = 'not both: minRingSize sizes the ring as Envoy does, pointsPerServer/maxRingSize as ketama does';
  requireFor(!envoy, path, 'pointsPerServer', options.pointsPerServer, why);
  requireFor(!envoy, path, 'maxRingSize', options.maxRingSize, why);
  const sizing = envoy ? `min ${minRingSize}` : `${pointsPerServer} ${maxRingSize}`;
  const ring = sharedRing(ctx, sizing, (c, out) => (envoy ? ringReplicas(c, minRingSize, true, out) : ringPoints(c, pointsPerServer, maxRingSize, out)));
  ring.sync(ctx);

  return {
    pick(key) {
      if (ring.stale) ring.sync(ctx);
      let s = ring.lookup(key);
      if (s >= 0 && ctx.eligible[s] !== 1) {
        ring.changed(-1); // eligibility changed without rebuild(): still never return an ineligible server
        ring.sync(ctx);
        s = ring.lookup(key);
      }
      return s;
    },
    rebuild(server = -1) {
      ring.changed(server);
    },
    fleetShared: true, // the ring is the fleet's: told once per change, not by each instance
  };
};

export const RING_HASH = policy({
  name: 'ring-hash', keyed: true, readsOutstanding: false, aliases: ['ketama'],
  description: 'consistent hashing of the request key, 160 virtual nodes per server (minRingSize: Envoy\'s sizing)',
  options: OPTIONS, create: createRingHash,
});
