/** Random membership sequences for the tests that hold a policy's incremental updates to its old rebuild. */
import type { BalancerContext } from '../../src/balancers/balancer.js';
import type { Rng } from '../../src/random/rng.js';

/**
 * Random membership changes: servers leaving and returning one or many at an instant, weights
 * changing, and (unless `untold` is false) sometimes a server leaving untold.
 */
export function churn(
  ctx: BalancerContext, rng: Rng, tell: (server: number) => void, untold = true, weights: readonly number[] = [0, 0.35, 1, 2, 3],
): void {
  const n = ctx.size, kind = rng.next();
  if (kind < 0.6) {
    const s = Math.floor(rng.next() * n);
    ctx.eligible[s] ^= 1;
    tell(s);
  } else if (kind < 0.75) {
    const many = 1 + Math.floor(rng.next() * n * 0.3);
    for (let c = 0; c < many; c++) ctx.eligible[Math.floor(rng.next() * n)] = rng.next() < 0.5 ? 1 : 0;
    tell(-1);
  } else if (kind < 0.85) {
    const s = Math.floor(rng.next() * n);
    ctx.weights[s] = weights[Math.floor(rng.next() * weights.length)];
    tell(s);
  } else if (kind < 0.95) {
    // several servers told one by one before the next pick (one instant)
    for (let c = 0; c < 4; c++) {
      const s = Math.floor(rng.next() * n);
      ctx.eligible[s] ^= 1;
      tell(s);
    }
  } else {
    // a server leaving untold: the pick must still never return it, and picks as before (a
    // server returning untold is not seen until told, by either: the old ring saw it at the next
    // rebuild of any server, the LiveRing at the next full one)
    const s = Math.floor(rng.next() * n);
    ctx.eligible[s] = 0;
    if (!untold) tell(s);
  }
}
