/**
 * Helpers shared by policies that choose among eligible servers only.
 */
import type { BalancerContext } from './balancer.js';

/** Number of eligible servers. O(n); policies call it only off the fast path. */
export function countEligible(ctx: BalancerContext): number {
  let m = 0;
  for (let s = 0; s < ctx.size; s++) m += ctx.eligible[s];
  return m;
}

/** The k-th (0-based) eligible server, or -1. */
export function nthEligible(ctx: BalancerContext, k: number): number {
  for (let s = 0; s < ctx.size; s++) {
    if (ctx.eligible[s] === 1 && k-- === 0) return s;
  }
  return -1;
}

/**
 * A uniformly random eligible server, or -1. Tries one uniform draw first: when it is eligible
 * that is already uniform over the eligible set (P = 1/n + (1 − m/n)·1/m = 1/m).
 */
export function randomEligible(ctx: BalancerContext): number {
  const n = ctx.size;
  if (n === 0) return -1;
  const s = Math.floor(ctx.rng.next() * n);
  if (ctx.eligible[s] === 1) return s;
  const m = countEligible(ctx);
  return m === 0 ? -1 : nthEligible(ctx, Math.floor(ctx.rng.next() * m));
}
