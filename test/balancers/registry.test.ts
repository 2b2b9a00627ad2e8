/** Registration without side effects: this file imports the model alone, never balancers/index. */
import { describe, expect, it } from 'vitest';
import { Model } from '../../src/model/model.js';
import { getBalancer, listBalancers } from '../../src/balancers/registry.js';
import type { BalancerContext } from '../../src/balancers/balancer.js';
import { createStream } from '../../src/random/rng.js';

describe('the balancer registry', () => {
  it('a Model built on its own knows round-robin and every built-in policy by name', () => {
    const model = new Model({
      seed: 1, stop: { requests: 100, warmupMs: 0 }, servers: [{ concurrency: 1, speed: 1, weight: 1, queueLimit: -1 }],
      arrivals: { process: 'poisson', ratePerSec: 10 }, service: { dist: 'exponential', meanMs: 1 },
      balancer: { name: 'round-robin', options: {} },
    });
    model.run();
    expect(model.stats.succeeded).toBe(100);
    expect(getBalancer('p2c')?.name).toBe('power-of-two');
  });

  it('each built-in policy lists the option names and defaults its spec validates with', () => {
    const p2c = getBalancer('power-of-two')!;
    expect(p2c.options).toEqual(['choices', 'metric', 'decayMs', 'observeErrors']);
    expect(p2c.defaults).toEqual({ choices: 2, metric: 'outstanding', decayMs: '10000 (latency metrics only)', observeErrors: 'false (latency metrics only)' });
    expect(getBalancer('join-shortest-queue')!.defaults).toEqual({ ties: 'random' });
    expect(getBalancer('round-robin')!.defaults).toBeUndefined();
  });

  it('readsOutstanding false marks exactly the built-ins that never read outstanding, and they pick alike whatever it holds', () => {
    const marked = listBalancers().filter((x) => x.readsOutstanding === false).map((x) => x.name).sort();
    expect(marked).toEqual([
      'dynamic-weighted-round-robin', 'edf-round-robin', 'join-shortest-queue', 'maglev', 'random', 'ring-hash', 'round-robin',
      'weighted-random', 'weighted-round-robin',
    ]);
    // Two instances alike but for `outstanding`: counts that change at random, or all 0 (what the
    // model leaves it at for these policies). The same picks for a marked policy; least-connections,
    // which reads it, the control.
    const n = 12;
    const picks = (name: string, counted: boolean) => {
      const trueLoad = new Int32Array(n), outstanding = new Int32Array(n);
      const ctx: BalancerContext = {
        size: n, weights: Float64Array.from({ length: n }, (_, s) => 1 + (s % 4)), eligible: new Uint8Array(n).fill(1),
        outstanding, trueLoad, rng: createStream(1, 'balancer'), now: () => 0,
      };
      const b = getBalancer(name)!.create(ctx, {}, 'balancer');
      const noise = createStream(2, 'noise'), out: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const s = b.pick((i * 2654435761) >>> 0);
        out.push(s);
        b.observe?.(s, 1 + (i % 37), true);
        const t = Math.floor(noise.next() * n);
        trueLoad[t] = Math.floor(noise.next() * 5);
        b.trueLoadChanged?.(t);
        const c = Math.floor(noise.next() * 5);
        if (counted) {
          outstanding[t] = c;
          b.outstandingChanged?.(t);
        }
      }
      return out;
    };
    for (const name of marked) expect(picks(name, true), name).toEqual(picks(name, false));
    expect(picks('least-connections', true)).not.toEqual(picks('least-connections', false));
  });
});
