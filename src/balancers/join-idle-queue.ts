/**
 * join-idle-queue (alias jiq): a request goes to the server at the head of the idle queue when
 * there is one, else to a uniformly random eligible server.
 * Idleness is learnt as in Lu et al.: servers report when they become idle. Here a server
 * "reports idle" when THIS balancer's open requests to it drop to 0 (seen in `observe`) — the
 * balancer's own view, exact with one balancer, optimistic with several. Reports join the back
 * of the queue unless it already holds `idleQueueSize` (default: the pool size) servers. An
 * entry is dropped when popped if the server is ineligible or got a request since it reported
 * (both visible to the balancer). At start, and on rebuild, every eligible idle server is queued
 * in id order.
 * Source: Lu, Xie, Kliot, Geller, Larus, Greenberg, "Join-Idle-Queue", Performance Evaluation 2011
 * (one dispatcher, one I-queue).
 * Ties: FIFO in the idle queue; otherwise random.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { idleQueueSize: { type: 'number', integer: true, min: 1, max: 2 ** 31 - 1, note: 'number of servers' } } as const;
import { lowerBound, randomEligible } from './eligible.js';
import { PickedServers } from './picked-servers.js';
import { sharedForOption } from './shared.js';

export const createJoinIdleQueue: BalancerFactory = (ctx, options, path) => {
  const limit = readOptions(OPTIONS, options, path).idleQueueSize ?? Math.max(1, ctx.size);
  const capacity = Math.max(1, Math.min(limit, ctx.size));
  if (ctx.reported) return reportedJoinIdleQueue(ctx, capacity);
  return ctx.shared ? sparseJoinIdleQueue(ctx, capacity) : slotJoinIdleQueue(ctx, capacity);
};

/** The queue with a slot and a flag per server (the definition; for an instance that counts its own requests). */
export function slotJoinIdleQueue(ctx: BalancerContext, capacity: number): Balancer {
  const queue = new Int32Array(capacity), queued = new Uint8Array(ctx.size);
  let head = 0, count = 0;

  function report(s: number): void {
    if (queued[s] === 1 || count === capacity) return;
    const tail = head + count < capacity ? head + count : head + count - capacity;
    queue[tail] = s;
    queued[s] = 1;
    count++;
  }

  function rebuild(): void {
    head = count = 0;
    queued.fill(0);
    for (let s = 0; s < ctx.size; s++) if (ctx.eligible[s] === 1 && ctx.outstanding[s] === 0) report(s);
  }
  rebuild();

  return {
    pick() {
      while (count > 0) {
        const s = queue[head];
        head = head + 1 === capacity ? 0 : head + 1;
        count--;
        queued[s] = 0;
        if (ctx.eligible[s] === 1 && ctx.outstanding[s] === 0) return s;
      }
      return randomEligible(ctx);
    },
    observe(s) {
      if (ctx.outstanding[s] === 0 && ctx.eligible[s] === 1) report(s);
    },
    rebuild,
  };
}

/** The servers that reported idle since a rebuild, oldest first, each once: a ring of ids and a set. */
class ReportRing {
  count = 0;
  private ring = new Int32Array(8);
  private head = 0;
  private readonly members = new Set<number>();

  has(s: number): boolean {
    return this.members.has(s);
  }

  push(s: number): void {
    if (this.count === this.ring.length) {
      const grown = new Int32Array(2 * this.ring.length);
      for (let i = 0; i < this.count; i++) grown[i] = this.ring[(this.head + i) % this.ring.length];
      this.ring = grown;
      this.head = 0;
    }
    this.ring[(this.head + this.count++) % this.ring.length] = s;
    this.members.add(s);
  }

  /** The oldest (count > 0), removed. */
  shift(): number {
    const s = this.ring[this.head];
    this.head = this.head + 1 === this.ring.length ? 0 : this.head + 1;
    this.count--;
    this.members.delete(s);
    return s;
  }

  clear(): void {
    this.head = this.count = 0;
    this.members.clear();
  }
}

/**
 * The same queue for an instance of a large fleet (`ctx.shared`), without a slot and a flag per
 * server: after a rebuild the queue is the first `capacity` eligible servers this instance has no
 * requests at, in id order — kept as the range of ids [next, end) less the few it had requests
 * at then (`busy`) — followed by the servers that reported since, in a ring of their own.
 */
function sparseJoinIdleQueue(ctx: BalancerContext, capacity: number): Balancer {
  const eligible = ctx.eligible, open = ctx.outstanding;
  /** The rebuild's part: ids in [next, end), eligible, not in `busy` (sorted); `left` of them. */
  let next = 0, end = 0, left = 0, busy: number[] = [], b = 0;
  const since = new ReportRing();

  /** True when `s` is in the rebuild's part, not yet popped. */
  function waiting(s: number): boolean {
    return s >= next && s < end && eligible[s] === 1 && !busy.includes(s);
  }

  function report(s: number): void {
    if (left + since.count === capacity || since.has(s) || waiting(s)) return;
    since.push(s);
  }

  /** Its own counts (reports: `reportedJoinIdleQueue`): the servers it picked give the rebuild's part with the eligible index, not a pass over the ids. */
  const index = ctx.eligibleIndex, picked = index ? new PickedServers(open) : null;

  function rebuild(): void {
    next = end = left = b = 0;
    busy = [];
    since.clear();
    if (picked && index) {
      picked.compact();
      for (let i = 0; i < picked.count; i++) if (eligible[picked.list[i]] === 1) busy.push(picked.list[i]);
      left = Math.min(capacity, index.count - busy.length);
      if (left === 0) return;
      // One past the left-th eligible server without requests in id order: the left-th eligible one, stepped past each busy one at or below it.
      let k = left - 1;
      for (let i = 0; i < busy.length && index.below(busy[i]) <= k; i++) k++;
      end = index.nth(k) + 1;
      return;
    }
    for (let s = 0; s < ctx.size && left < capacity; s++) {
      if (eligible[s] !== 1) continue;
      if (open[s] !== 0) busy.push(s);
      else {
        left++;
        end = s + 1;
      }
    }
  }
  rebuild();

  /** The next server of the queue (-1 when it is empty). */
  function pop(): number {
    while (left > 0 && next < end) {
      const s = next++;
      while (b < busy.length && busy[b] < s) b++;
      if (eligible[s] !== 1 || busy[b] === s) continue;
      left--;
      return s;
    }
    left = 0;
    return since.count === 0 ? -1 : since.shift();
  }

  return {
    pick() {
      let s = pop();
      while (s >= 0 && !(eligible[s] === 1 && open[s] === 0)) s = pop();
      if (s < 0) s = randomEligible(ctx);
      if (s >= 0) picked?.add(s);
      return s;
    },
    observe(s) {
      if (open[s] === 0 && eligible[s] === 1) report(s);
    },
    rebuild,
    rebuildLazily: true, // the queue from eligibility and its own counts alone
  };
}

/**
 * The rebuild's part of the queue for the instances of a fleet that read the servers' reported
 * load: the first `capacity` eligible servers reported idle, in id order, the same for
 * every instance at a rebuild. Taken once per rebuild (`epoch`) for the fleet.
 */
class IdleSnapshot {
  ids = new Int32Array(0);
  length = 0;
  epoch = 0;

  constructor(private readonly ctx: BalancerContext, private readonly capacity: number) {
    this.take();
  }

  take(): void {
    const { eligible, outstanding: open, size } = this.ctx;
    if (this.ids.length < this.capacity) this.ids = new Int32Array(this.capacity);
    let k = 0;
    for (let s = 0; s < size && k < this.capacity; s++) if (eligible[s] === 1 && open[s] === 0) this.ids[k++] = s;
    this.length = k;
    this.epoch++;
  }

  /** The position of `s` in the snapshot at or after `from`, or -1. */
  find(s: number, from: number): number {
    const at = lowerBound(this.ids, from, this.length, s);
    return at < this.length && this.ids[at] === s ? at : -1;
  }
}

const snapshots = new WeakMap<Int32Array, WeakMap<Uint8Array, Map<number, IdleSnapshot>>>();

/**
 * The same queue for an instance that reads the servers' reported load (`ctx.reported`), in a
 * fleet of any size: every instance rebuilds at the same instants from the same reports, so the
 * rebuild's part is one `IdleSnapshot` for the fleet (`fleetShared`: taken once per
 * rebuild, not once per instance), each instance keeping its place in it; an instance that
 * finds the snapshot newer than its own place starts over (empty ring) before it picks or hears of
 * a response, as its own rebuild would have made it. Reports since go to a ring of its own.
 */
function reportedJoinIdleQueue(ctx: BalancerContext, capacity: number): Balancer {
  const eligible = ctx.eligible, open = ctx.outstanding;
  const snapshot = sharedForOption(snapshots, open, eligible, capacity, () => new IdleSnapshot(ctx, capacity));
  let epoch = snapshot.epoch, next = 0;
  const since = new ReportRing();

  function current(): void {
    if (epoch === snapshot.epoch) return;
    epoch = snapshot.epoch;
    next = 0;
    since.clear();
  }

  function report(s: number): void {
    if (snapshot.length - next + since.count === capacity || since.has(s) || snapshot.find(s, next) >= 0) return;
    since.push(s);
  }

  /** The next server of the queue (-1 when it is empty). */
  function pop(): number {
    if (next < snapshot.length) return snapshot.ids[next++];
    return since.count === 0 ? -1 : since.shift();
  }

  return {
    pick() {
      current();
      let s = pop();
      while (s >= 0 && !(eligible[s] === 1 && open[s] === 0)) s = pop();
      return s >= 0 ? s : randomEligible(ctx);
    },
    observe(s) {
      current();
      if (open[s] === 0 && eligible[s] === 1) report(s);
    },
    rebuild: () => snapshot.take(),
    fleetShared: true, // the snapshot is the fleet's: taken once per rebuild
  };
}

export const JOIN_IDLE_QUEUE = policy({
  name: 'join-idle-queue', aliases: ['jiq'], description: 'a server that reported idle (open requests fell to 0), else random',
  options: OPTIONS, create: createJoinIdleQueue,
});
