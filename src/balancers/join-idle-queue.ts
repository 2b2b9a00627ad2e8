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
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { idleQueueSize: { type: 'number', integer: true, min: 1, max: 2 ** 31 - 1, note: 'number of servers' } } as const;
import { randomEligible } from './eligible.js';

export const createJoinIdleQueue: BalancerFactory = (ctx, options, path) => {
  const limit = readOptions(OPTIONS, options, path).idleQueueSize ?? Math.max(1, ctx.size);
  const capacity = Math.max(1, Math.min(limit, ctx.size));
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
};

export const JOIN_IDLE_QUEUE = policy({
  name: 'join-idle-queue', aliases: ['jiq'], description: 'a server that reported idle (open requests fell to 0), else random',
  options: OPTIONS, create: createJoinIdleQueue,
});
