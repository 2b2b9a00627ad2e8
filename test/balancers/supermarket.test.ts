/** Power of d choices over many servers against Mitzenmacher's supermarket-model fixed point. */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { supermarketResponse } from '../model/theory.js';

describe('supermarket model', () => {
  it('power-of-two with choices: 3 over 500 servers at λ = 0.9 lands near Σ λ^((3^i − 3)/2) = 2.0279', () => {
    const theory = supermarketResponse(3, 0.9);
    expect(theory).toBeCloseTo(1 + 0.9 ** 3 + 0.9 ** 12 + 0.9 ** 39, 5);
    const s = simulate({
      seed: 21,
      stop: { requests: 1_000_000, warmupMs: 100 },
      servers: [{ count: 500 }],
      arrivals: { process: 'poisson', ratePerSec: 450_000 },
      service: { dist: 'exponential', meanMs: 1 },
      balancer: { name: 'power-of-two', choices: 3 },
    });
    // Measured over seeds 1–12 at 10⁶ requests: mean/theory − 1 = +0.27% (the finite-N bias:
    // 500 servers, not N → ∞) with seed-to-seed sd 0.35%. Tolerance 4 sd + bias = 1.67%.
    expect(Math.abs(s.latencyMs.mean / theory - 1)).toBeLessThan(4 * 0.0035 + 0.0027);
  });
});
