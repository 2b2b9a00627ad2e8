/**
 * first: the eligible server with the lowest id that has a free slot, i.e. fewer than `maxConn`
 * (default 1) of this balancer's open requests; the pool fills from server 0 up, so idle
 * high-id servers can be switched off. The balancer context does not carry server concurrency,
 * so the slot count is this option (set it to the servers' concurrency to mirror HAProxy's
 * `maxconn`). When every server is full HAProxy queues the request in the backend until a slot
 * frees; there is no balancer-side queue here, so it goes to the server with the fewest open
 * requests (lowest id among them), where it waits in that server's queue.
 * Source: HAProxy `balance first` (configuration manual).
 * Ties: the lowest server id. From 32 servers the counts are kept in a `BucketIndex` (O(1) per
 * change of count); smaller pools scan, with the same choices. Under `view.load: reported` the
 * instances of a fleet share one index of the reports.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { KeyedBucketIndex } from './bucket-index.js';
import { INDEX_FROM } from './min-index.js';
import { policy, readOptions } from './options.js';
import { sharedForOption } from './shared.js';

const OPTIONS = { maxConn: { type: 'number', integer: true, min: 1, max: 2 ** 31 - 1, default: 1 } } as const;

/** Indexes of the reports (`view.load: reported`), one per fleet and `maxConn`: every instance reads the same counts. */
const reportedIndexes = new WeakMap<Int32Array, WeakMap<Uint8Array, Map<number, Balancer>>>();

export const createFirst: BalancerFactory = (ctx, options, path) => {
  const { maxConn } = readOptions(OPTIONS, options, path);
  if (ctx.size < INDEX_FROM) return scanFirst(ctx, maxConn);
  if (!ctx.reported) return ctx.shared ? scanFirst(ctx, maxConn) : indexedFirst(ctx, maxConn);
  // No coin flips: the instances may share the balancer itself, told of each change once.
  return sharedForOption(reportedIndexes, ctx.outstanding, ctx.eligible, maxConn, () => ({ ...indexedFirst(ctx, maxConn), fleetShared: true }));
};

/** The full scan. */
export function scanFirst(ctx: BalancerContext, maxConn: number): Balancer {
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible, open = ctx.outstanding;
      let fallback = -1;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1) continue;
        if (open[s] < maxConn) return s;
        if (fallback < 0 || open[s] < open[fallback]) fallback = s;
      }
      return fallback;
    },
  };
}

/** The same choices from a `BucketIndex` of the eligible servers' counts: the lowest id below maxConn, else the lowest id at the minimum. */
export function indexedFirst(ctx: BalancerContext, maxConn: number): Balancer {
  const open = ctx.outstanding, eligible = ctx.eligible;
  const keyed = new KeyedBucketIndex(ctx.size, (s) => (eligible[s] === 1 ? open[s] : Infinity), maxConn);
  const index = keyed.index;
  const choose = (): number => {
    const s = index.firstBelow();
    return s >= 0 ? s : index.ties() === 0 ? -1 : index.nthMinimum(0);
  };
  return {
    pick() {
      const s = choose();
      if (s < 0 || eligible[s] === 1) return s;
      keyed.rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return choose();
    },
    rebuild: (s = -1) => keyed.changed(s), // one server's key when told which changed
    outstandingChanged: (s) => keyed.changed(s),
  };
}

export const FIRST = policy({
  name: 'first', description: 'HAProxy first: lowest id with fewer than maxConn (1) open requests', options: OPTIONS, create: createFirst,
});
