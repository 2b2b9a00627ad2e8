/**
 * bounded-load-hash (alias chwbl): consistent hashing with bounded loads. Every eligible server
 * accepts at most c = ceil((1 + ε) · (L + 1) / m) of this balancer's open requests, where L is
 * their sum over the m eligible servers and + 1 counts the request being placed (so c ≥ 1 and
 * some server always has room). A key starts at its point on the ring (as `ring-hash`, weights
 * ignored: every server gets ceil(minRingSize / n) points) and walks clockwise past servers
 * already at c. `epsilon` (ε) default 0.25 (HAProxy's `hash-balance-factor 125`).
 * The ring is rebuilt over eligible servers only. L and m are kept up to date as this balancer's
 * open requests change (`outstandingChanged`), so a pick costs O(1) plus the walk.
 * Source: Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads", SODA 2018.
 * Ties: the first server with room clockwise.
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  epsilon: { type: 'number', above: 0, max: 1000, default: 0.25 },
  minRingSize: { type: 'number', integer: true, min: 1, max: 8_388_608, default: 1024 },
} as const;
import { HashRing, ringReplicas } from './hash-ring.js';

export const createBoundedLoadHash: BalancerFactory = (ctx, options, path) => {
  const { epsilon, minRingSize } = readOptions(OPTIONS, options, path);
  const ring = new HashRing(ringReplicas(ctx, minRingSize, false, new Int32Array(ctx.size)));
  ring.rebuild(ctx);

  /** The first server clockwise from the key's point with fewer than `capacity` open, or -1. */
  function walk(key: number, capacity: number): number {
    const length = ring.length, servers = ring.servers, eligible = ctx.eligible, open = ctx.outstanding;
    for (let i = length > 0 ? ring.find(key) : 0, steps = 0; steps < length; steps++) {
      const s = servers[i];
      if (eligible[s] === 1 && open[s] < capacity) return s;
      i = i + 1 === length ? 0 : i + 1;
    }
    return -1;
  }

  // L and m kept as counts change (told by outstandingChanged) instead of summed per pick; summed
  // per pick when the counts are shared with a large fleet's other instances (ctx.shared).
  const shared = ctx.shared === true, seen = new Int32Array(shared ? 0 : ctx.size);
  let total = 0, m = 0;
  function recount(): void {
    total = 0;
    m = 0;
    for (let s = 0; s < ctx.size; s++) {
      const open = ctx.outstanding[s];
      if (!shared) seen[s] = open;
      if (ctx.eligible[s] === 1) { total += open; m++; }
    }
  }
  recount();

  return {
    pick(key) {
      if (shared) recount();
      if (m === 0) return -1;
      const capacity = Math.ceil(((1 + epsilon) * (total + 1)) / m);
      const s = walk(key, capacity);
      if (s >= 0) return s;
      ring.rebuild(ctx); // stale ring (eligibility changed without rebuild()): the fresh one has room
      recount();
      return m === 0 ? -1 : walk(key, Math.ceil(((1 + epsilon) * (total + 1)) / m));
    },
    rebuild() {
      ring.rebuild(ctx);
      recount();
    },
    outstandingChanged(s) {
      if (s < 0 || shared) return recount();
      const now = ctx.outstanding[s];
      if (ctx.eligible[s] === 1) total += now - seen[s];
      seen[s] = now;
    },
  };
};

export const BOUNDED_LOAD_HASH = policy({
  name: 'bounded-load-hash', keyed: true, aliases: ['chwbl'],
  description: 'consistent hashing with bounded loads: at most ceil((1 + epsilon)·average) open per server',
  options: OPTIONS, create: createBoundedLoadHash,
});
