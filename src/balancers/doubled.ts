/** A copy of `a` twice as long (at least 1), its first `used` elements kept: the growth step of the balancers' growable lists and heaps. */
export function doubled<T extends Int32Array | Float64Array>(a: T, used = a.length): T {
  const b = new (a.constructor as new (length: number) => T)(2 * Math.max(a.length, 1));
  b.set(a.subarray(0, used));
  return b;
}
