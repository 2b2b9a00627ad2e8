// A module for --require: it registers a custom policy, so that every worker thread knows it.
// lbsim sweep heterogeneous --require examples/fewest-per-weight.mjs --set balancer=weighted-round-robin,fewest-per-weight
import { registerBalancer } from 'lbsim';

registerBalancer({
  name: 'fewest-per-weight',
  description: 'fewest open requests per unit of weight (lowest id on ties)',
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
