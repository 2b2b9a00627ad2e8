import { it } from 'vitest';
import { simulate } from '../../src/index.js';
it('s', () => {
  const s = simulate({ seed: 21, stop: { requests: 1_000_000, warmupMs: 100 }, servers: [{ count: 500 }], arrivals: { process: 'poisson', ratePerSec: 450_000 }, service: { dist: 'exponential', meanMs: 1 }, balancer: { name: 'power-of-two', choices: 3 } });
  console.log('SM', s.latencyMs.mean);
});
