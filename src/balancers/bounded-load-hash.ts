/**
 * bounded-load-hash (alias chwbl): consistent hashing with bounded loads. Every eligible server
 * accepts at most c = ceil((1 + ε) · (L + 1) / m) of this balancer's open requests, where L is
 * their sum over the m eligible servers and + 1 counts the request being placed (so c ≥ 1 and
 * some server always has room). A key starts at its point on the ring (as `ring-hash`, weights
 * ignored: every server gets ceil(minRingSize / n) points) and walks clockwise past servers
 * already at c. `epsilon` (ε) default 0.25 (HAProxy's `hash-balance-factor 125`).
 * The ring is rebuilt over eligible servers only. L and m are kept up to date as this balancer's
 * open requests change (`outstandingChanged`) and as a told server's eligibility changes
 * (`rebuild(server)`), so a pick costs O(1) plus the walk. The ring is a function of eligibility
 * alone: the instances of a fleet share one, rebuilt at the next pick after a change, once for
 * all of them (where 100 instances each rebuilt their own and recounted L and m: 200 passes over
 * the pool per health change).
 * Source: Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads", SODA 2018.
 * Ties: the first server with room clockwise.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { sharedForOption } from './shared.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  epsilon: { type: 'number', above: 0, max: 1000, default: 0.25 },
  minRingSize: { type: 'number', integer: true, min: 1, max: 8_388_608, default: 1024 },
} as const;
import { HashRing, ringReplicas } from './hash-ring.js';

/** The ring over the eligible servers, for every instance reading the same eligibility array; rebuilt lazily. */
export class SharedRing {
  readonly ring: HashRing;
  /** A told change not applied yet (`sync` before the next walk). */
  stale = false;

  constructor(private readonly ctx: BalancerContext, minRingSize: number) {
    this.ring = new HashRing(ringReplicas(ctx, minRingSize, false, new Int32Array(ctx.size)));
    this.ring.rebuild(ctx);
  }

  sync(): void {
    this.ring.rebuild(this.ctx);
    this.stale = false;
  }
}

/** Rings shared by instances over the same eligibility array, by ring size. */
const rings = new WeakMap<Uint8Array, Map<number, SharedRing>>();

export function sharedRing(ctx: BalancerContext, minRingSize: number): SharedRing {
  let bySize = rings.get(ctx.eligible);
  if (!bySize) rings.set(ctx.eligible, (bySize = new Map()));
  let ring = bySize.get(minRingSize);
  if (!ring || ring.ring.replicas.length !== ctx.size) bySize.set(minRingSize, (ring = new SharedRing(ctx, minRingSize)));
  return ring;
}

/** Under `view.load: reported`, the balancer of each fleet, by its options. */
const reportedBalancers = new WeakMap<Int32Array, WeakMap<Uint8Array, Map<string, Balancer>>>();

export const createBoundedLoadHash: BalancerFactory = (ctx, options, path) => {
  const { epsilon, minRingSize } = readOptions(OPTIONS, options, path);
  // Under reports no instance has a state of its own (no coin flips, the counts every instance reads): the fleet's
  // instances share the balancer itself, told of each change once — L and m kept as reports change, not summed per pick.
  if (ctx.reported) {
    return sharedForOption(reportedBalancers, ctx.outstanding, ctx.eligible, `${epsilon} ${minRingSize}`,
      () => ({ ...boundedLoadHash(ctx, epsilon, minRingSize, false), fleetShared: true }));
  }
  return boundedLoadHash(ctx, epsilon, minRingSize, ctx.shared === true);
};

/** `countsShared`: the instance's own counts live in a large fleet's shared array (summed per pick). */
export function boundedLoadHash(ctx: BalancerContext, epsilon: number, minRingSize: number, countsShared: boolean): Balancer {
  const shared = sharedRing(ctx, minRingSize), ring = shared.ring;

  // L and m kept as counts change (told by outstandingChanged) and as told servers' eligibility
  // changes instead of summed per pick; summed per pick when the counts are shared with a large
  // fleet's other instances (ctx.shared: over the servers the instance has requests at, `sum`).
  // `load[s]`: server s's open count as last told when counted eligible, else its bitwise
  // complement (< 0); one array where two were (the walk passes full servers reading it alone:
  // one likely cache miss per server at 100,000 servers, not two).
  const load = new Int32Array(countsShared ? 0 : ctx.size);
  let total = 0, m = 0;
  function recount(): void {
    total = 0;
    m = 0;
    for (let s = 0; s < ctx.size; s++) {
      const open = ctx.outstanding[s], e = ctx.eligible[s];
      if (!countsShared) load[s] = e === 1 ? open : ~open;
      if (e === 1) { total += open; m++; }
    }
  }
  recount();
  /**
   * A large fleet's instance with its own counts: L over the servers it has requests at (every
   * other count is 0) and m from the eligible index, without a pass over the pool.
   */
  const open = ctx.openServers, index = ctx.eligibleIndex;
  const sum = open && index
    ? (): void => {
      const ids = open.ids, eligible = ctx.eligible, counts = ctx.outstanding;
      total = 0;
      for (let i = 0; i < open.count; i++) if (eligible[ids[i]] === 1) total += counts[ids[i]];
      m = index.count;
    }
    : recount;

  /**
   * The first server clockwise from the key's point with fewer than `capacity` open, or -1. With
   * its own counts, a server whose `load` is at capacity is passed without reading `eligible` and
   * `outstanding` (open counts are always told, so `load` ≥ capacity means full); only a server
   * with room is checked against them, as eligibility may change untold.
   */
  function walk(key: number, capacity: number): number {
    const length = ring.length, servers = ring.servers, eligible = ctx.eligible, open = ctx.outstanding;
    for (let i = length > 0 ? ring.find(key) : 0, steps = 0; steps < length; steps++) {
      const s = servers[i];
      if ((countsShared || load[s] < capacity) && eligible[s] === 1 && open[s] < capacity) return s;
      i = i + 1 === length ? 0 : i + 1;
    }
    return -1;
  }

  return {
    pick(key) {
      if (shared.stale) shared.sync();
      if (countsShared) sum();
      if (m === 0) return -1;
      const capacity = Math.ceil(((1 + epsilon) * (total + 1)) / m);
      const s = walk(key, capacity);
      if (s >= 0) return s;
      shared.sync(); // stale ring (eligibility changed without rebuild()): the fresh one has room
      recount();
      return m === 0 ? -1 : walk(key, Math.ceil(((1 + epsilon) * (total + 1)) / m));
    },
    rebuild(server = -1) {
      shared.stale = true;
      if (countsShared) return; // summed at the next pick (a sparse fleet's 1,700 instances: 1,700 passes per change)
      if (server < 0) return recount();
      const x = load[server];
      if (ctx.eligible[server] === (x >= 0 ? 1 : 0)) return;
      load[server] = ~x;
      total += x >= 0 ? -x : ~x;
      m += x >= 0 ? -1 : 1;
    },
    outstandingChanged(s) {
      if (countsShared) return; // summed at the next pick
      if (s < 0) return recount();
      const now = ctx.outstanding[s], x = load[s];
      if (x >= 0) {
        total += now - x;
        load[s] = now;
      } else {
        load[s] = ~now;
      }
    },
    // Summing per pick, an instance keeps nothing of its own: a change need only mark the fleet's ring.
    ...(countsShared ? { fleetShared: true } : {}),
  };
}

export const BOUNDED_LOAD_HASH = policy({
  name: 'bounded-load-hash', keyed: true, aliases: ['chwbl'],
  description: 'consistent hashing with bounded loads: at most ceil((1 + epsilon)·average) open per server',
  options: OPTIONS, create: createBoundedLoadHash,
});
