/**
 * least-request-weighted (alias least-request): Envoy's LEAST_REQUEST. When all eligible servers
 * have the same weight: `choices` (default 2) draws WITH replacement, the one with fewest open
 * requests wins (one loaded server of three is picked 1/9 = 11.1% of the time; `power-of-two`
 * draws without replacement and never picks it). Otherwise: the EDF schedule of
 * `edf-round-robin`, where a picked server is re-queued with effective weight
 * w / (active + 1)^bias (`bias` default 1.0; 0 gives plain EDF weighted round robin), active =
 * this balancer's open requests at the pick (before the new one). Servers of weight 0 are skipped.
 * The mode and the schedule are rebuilt when the pool changes (effective weights as of then).
 * Source: Envoy `LeastRequestLoadBalancer` (load_balancer_impl.cc) and its docs.
 * Ties: equal weights — the first drawn; unequal — FIFO among equal deadlines.
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  bias: { type: 'number', min: 0, max: 100, default: 1 },
  choices: { type: 'number', integer: true, min: 1, max: 64, default: 2 },
} as const;
import { EdfScheduler } from './edf-scheduler.js';
import { sharedFor } from './shared.js';

const hostLists = new WeakMap<Float64Array, WeakMap<Uint8Array, Int32Array>>();

export const createLeastRequestWeighted: BalancerFactory = (ctx, options, path) => {
  const { bias, choices } = readOptions(OPTIONS, options, path);
  // The eligible servers of weight > 0 depend on the pool alone: a large fleet's instances share
  // one list (each rebuild writes the same); the schedule, made only when weights differ, is each
  // instance's own (its effective weights read its own counts).
  const hosts = ctx.shared ? sharedFor(hostLists, ctx.weights, ctx.eligible, () => new Int32Array(ctx.size)) : new Int32Array(ctx.size);
  const open = ctx.outstanding, w = ctx.weights;
  let edf: EdfScheduler | null = null, m = 0, equal = true;

  const effective = (s: number): number => (bias === 1 ? w[s] / (open[s] + 1) : w[s] / Math.pow(open[s] + 1, bias));

  function rebuild(): void {
    m = 0;
    equal = true;
    for (let s = 0; s < ctx.size; s++) {
      if (ctx.eligible[s] !== 1 || !(w[s] > 0)) continue;
      if (m > 0 && w[s] !== w[hosts[0]]) equal = false;
      hosts[m++] = s;
    }
    edf?.clear();
    if (!equal) {
      edf ??= new EdfScheduler(ctx.size);
      for (let i = 0; i < m; i++) edf.add(hosts[i], effective(hosts[i]));
    }
  }
  rebuild();

  function pickOnce(): number {
    if (m === 0) return -1;
    if (equal) {
      let best = hosts[Math.floor(ctx.rng.next() * m)];
      for (let i = 1; i < choices; i++) {
        const s = hosts[Math.floor(ctx.rng.next() * m)];
        if (open[s] < open[best]) best = s;
      }
      return best;
    }
    const s = edf!.peek();
    edf!.advance(effective(s));
    return s;
  }

  return {
    pick() {
      const s = pickOnce();
      if (s < 0 || ctx.eligible[s] === 1) return s;
      rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return pickOnce();
    },
    rebuild,
  };
};

export const LEAST_REQUEST_WEIGHTED = policy({
  name: 'least-request-weighted', aliases: ['least-request'],
  description: 'Envoy LEAST_REQUEST: P2C with replacement, or EDF on weight / (open + 1)^bias when weights differ',
  options: OPTIONS, create: createLeastRequestWeighted,
});
