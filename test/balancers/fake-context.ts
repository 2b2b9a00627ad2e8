/** A hand-built BalancerContext, and a driver that plays the model's part (open counts, observe). */
import '../../src/balancers/index.js';
import type { Balancer, BalancerContext } from '../../src/balancers/balancer.js';
import { getBalancer } from '../../src/balancers/registry.js';
import { createStream } from '../../src/random/rng.js';

export interface Fake {
  ctx: BalancerContext;
  /** Simulated time in ms, read by ctx.now(). */
  time: number;
}

/** `size` servers, all eligible, weight 1 unless given; trueLoad is the same array as outstanding. */
export function fakeContext(size: number, { seed = 1, weights }: { seed?: number; weights?: number[] } = {}): Fake {
  const outstanding = new Int32Array(size);
  const fake: Fake = {
    time: 0,
    ctx: {
      size,
      weights: weights ? Float64Array.from(weights) : new Float64Array(size).fill(1),
      eligible: new Uint8Array(size).fill(1),
      outstanding,
      trueLoad: outstanding,
      rng: createStream(seed, 'balancer'),
      now: () => fake.time,
    },
  };
  return fake;
}

export function create(name: string, fake: Fake, options: Record<string, unknown> = {}): Balancer {
  const info = getBalancer(name);
  if (!info) throw new Error(`no balancer ${name}`);
  return info.create(fake.ctx, options, 'balancer');
}

/** pick(key) and, when a server was chosen, count the request as open there (as the model does). */
export function send(b: Balancer, fake: Fake, key = 0): number {
  const s = b.pick(key);
  if (s >= 0) {
    fake.ctx.outstanding[s]++;
    told(b, fake, s);
  }
  return s;
}

/** A request at `server` completes after `latencyMs`: open count down, then observe (model order). */
export function complete(b: Balancer, fake: Fake, server: number, latencyMs: number, ok = true): void {
  fake.ctx.outstanding[server]--;
  told(b, fake, server);
  b.observe?.(server, latencyMs, ok);
}

/** Tells the balancer its count (and the true load, the same array here) at `server` changed, as the model does. */
export function told(b: Balancer, fake: Fake, server: number): void {
  b.outstandingChanged?.(server);
  if (fake.ctx.trueLoad === fake.ctx.outstanding) b.trueLoadChanged?.(server);
}
