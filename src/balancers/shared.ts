/**
 * Structures a fleet's instances share: what depends only on arrays every instance of a pool
 * reads (weights, eligibility, the true load) is made once, by the first instance that asks, and
 * found by the others (weighted-random's draw, join-shortest-queue's load index).
 */

/** The value kept for the pair of arrays (`a`, `b`) in `cache`, made by `make` the first time. */
export function sharedFor<A extends object, B extends object, T>(cache: WeakMap<A, WeakMap<B, T>>, a: A, b: B, make: () => T): T {
  let byB = cache.get(a);
  if (!byB) cache.set(a, (byB = new WeakMap()));
  let value = byB.get(b);
  if (value === undefined) byB.set(b, (value = make()));
  return value;
}
