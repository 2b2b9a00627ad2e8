/**
 * power-of-two (alias p2c): draw `choices` (default 2) distinct eligible servers uniformly at
 * random and send to the one with the fewest of this balancer's open requests. Drawing without
 * replacement means a server loaded above all others is never picked when d ≥ 2 (Envoy's
 * with-replacement variant picks it with probability 1/n²).
 * Source: Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001; Finagle
 * P2C (the two-distinct-draws trick: b = rand(n − 1), shifted past a).
 * Ties: the server drawn first.
 */
import type { BalancerFactory } from './balancer.js';
import { numberField, object } from '../input/check.js';
import { countEligible, nthEligible } from './eligible.js';

export const createPowerOfTwo: BalancerFactory = (ctx, options, path) => {
  const d = numberField(object(options, path, ['choices']), 'choices', path, { integer: true, min: 1, max: 64 }, 2);
  const scratch = new Int32Array(ctx.size);
  const rng = ctx.rng;

  /** Partial Fisher–Yates over the eligible servers: d distinct picks, the least loaded wins. */
  function pickSlow(): number {
    let m = 0;
    for (let s = 0; s < ctx.size; s++) if (ctx.eligible[s] === 1) scratch[m++] = s;
    if (m === 0) return -1;
    const k = Math.min(d, m);
    let best = -1;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng.next() * (m - i));
      const s = scratch[j];
      scratch[j] = scratch[i];
      scratch[i] = s;
      if (best < 0 || ctx.outstanding[s] < ctx.outstanding[best]) best = s;
    }
    return best;
  }

  return {
    pick() {
      const n = ctx.size;
      if (d === 2 && n >= 2) {
        const a = Math.floor(rng.next() * n);
        let b = Math.floor(rng.next() * (n - 1));
        if (b >= a) b++;
        if (ctx.eligible[a] === 1 && ctx.eligible[b] === 1) {
          return ctx.outstanding[b] < ctx.outstanding[a] ? b : a;
        }
        if (countEligible(ctx) < 2) return nthEligible(ctx, 0);
      }
      return pickSlow();
    },
  };
};
