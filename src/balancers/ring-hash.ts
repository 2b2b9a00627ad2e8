/**
 * ring-hash (alias ketama): consistent hashing of the request key on a ring of virtual nodes.
 * Server s gets ceil(base · w_s / w̄) points (base = ceil(minRingSize / n⁺), n⁺ = servers of
 * positive weight, w̄ their mean weight; `minRingSize` default 1024, Envoy's default), so the full
 * pool has ≥ minRingSize points and weight 0 means none. Hash: murmur3_x86_32 (hash.ts) of the
 * key's two 32-bit words, seed 0; ring points murmur3(server, replica), seed 1. A key goes to
 * the first point clockwise (hash ≥ key hash, wrapping).
 * Ineligible servers: the ring is rebuilt over eligible servers only (never walked past), so
 * when a server leaves or returns only its own keys move. Envoy instead rescales every host's
 * point count with the host count (xxHash64 of "address_i"), which moves more keys.
 * Source: Karger et al., "Consistent Hashing and Random Trees", STOC 1997; Envoy RING_HASH.
 * Ties: equal point hashes order by server id.
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { minRingSize: { type: 'number', integer: true, min: 1, max: 8_388_608, default: 1024 } } as const;
import { HashRing, ringReplicas } from './hash-ring.js';

export const createRingHash: BalancerFactory = (ctx, options, path) => {
  const { minRingSize } = readOptions(OPTIONS, options, path);
  const replicas = new Int32Array(ctx.size);
  const ring = new HashRing(replicas);

  function rebuild(): void {
    ringReplicas(ctx, minRingSize, true, replicas);
    ring.rebuild(ctx);
  }
  rebuild();

  return {
    pick(key) {
      if (ring.length === 0) return -1;
      let s = ring.servers[ring.find(key)];
      if (ctx.eligible[s] !== 1) {
        rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
        s = ring.length === 0 ? -1 : ring.servers[ring.find(key)];
      }
      return s;
    },
    rebuild,
  };
};

export const RING_HASH = policy({
  name: 'ring-hash', keyed: true, aliases: ['ketama'],
  description: 'consistent hashing of the request key on a ring of ≥ minRingSize (1024) virtual nodes',
  options: OPTIONS, create: createRingHash,
});
