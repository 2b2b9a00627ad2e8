/** Registration without side effects: this file imports the model alone, never balancers/index. */
import { describe, expect, it } from 'vitest';
import { Model } from '../../src/model/model.js';
import { getBalancer } from '../../src/balancers/registry.js';

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
});
