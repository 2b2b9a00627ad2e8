// A custom policy in a few lines: fewest open requests per unit of weight, lowest id on ties.
import { registerBalancer, compare, preset } from 'lbsim';

registerBalancer({
  name: 'fewest-per-weight',
  description: 'fewest open requests per unit of weight',
  options: [],
  create: (ctx) => ({
    pick() {
      let best = -1;
      for (let s = 0; s < ctx.size; s++) {
        if (ctx.eligible[s] !== 1 || ctx.weights[s] <= 0) continue;
        if (best < 0 || ctx.outstanding[s] / ctx.weights[s] < ctx.outstanding[best] / ctx.weights[best]) best = s;
      }
      return best;
    },
  }),
});

const scenario = { ...preset('heterogeneous'), stop: { requests: 50_000, warmupMs: 1_000 } };
for (const s of compare(scenario, ['weighted-round-robin', 'fewest-per-weight'])) {
  console.log(`${s.balancer.padEnd(21)} p50 ${s.latencyMs.p50.toFixed(1)} ms  p99 ${s.latencyMs.p99.toFixed(1)} ms`);
}
