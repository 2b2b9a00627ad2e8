/**
 * Integer hashing for the keyed policies: MurmurHash3 x86_32 (Austin Appleby, public domain),
 * written here for inputs of two 32-bit words. Its finaliser avalanches, so keys 0, 1, 2, ...
 * land far apart; a different seed gives an independent-looking hash of the same words.
 */

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's 32-bit finaliser (fmix32); a bijection on 32-bit words. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** murmur3_x86_32 of the 8 bytes (a, b) (little-endian words) with `seed`: an unsigned 32-bit hash. */
export function murmur2x32(a: number, b: number, seed: number): number {
  let h = mixWord(seed | 0, a | 0);
  h = mixWord(h, b | 0);
  return fmix32(h ^ 8);
}

/** Hash of a request key (an integer, 0 ≤ key < 2^53): murmur3 of its low and high words, seed 0. */
export function hashKey(key: number): number {
  const lo = key >>> 0;
  return murmur2x32(lo, ((key - lo) / 4294967296) >>> 0, 0);
}
