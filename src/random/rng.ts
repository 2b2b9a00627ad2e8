/**
 * Uniform random numbers: xoshiro128** (Blackman & Vigna, 2018), 53-bit doubles made in blocks.
 *
 * Contract: `next()` returns a double in [0, 1) with 53 random bits, built from two successive
 * 32-bit outputs a, b as `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53` — the same rule as
 * `shared/baselines`, so a stream seeded the baselines' way replays their exact sample path.
 * Outputs are produced 256 at a time into a Float64Array so the hot path is one typed-array load.
 * `exp()` reads the same stream as Exp(1) variates, −ln(1 − u) of the next u, also made per block
 * (from the first call on), so exponential sampling is a load too; `next` and `exp` may be mixed.
 */
import seedrandom from 'seedrandom';

/** A source of uniform doubles in [0, 1). Distributions and balancers take one as an argument. */
export interface Rng {
  next(): number;
}

const BLOCK = 256;
const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class Xoshiro128 implements Rng {
  private readonly s = new Int32Array(4);
  private readonly buf = new Float64Array(BLOCK);
  /** −ln(1 − buf[k]) for k ≥ i, valid while `expMade`; refill makes them once `exp` has been used. */
  private readonly expBuf = new Float64Array(BLOCK);
  private expMade = false;
  private expUsed = false;
  private i = BLOCK;

  /** `state`: four 32-bit words, not all zero. */
  constructor(state: ArrayLike<number>) {
    for (let k = 0; k < 4; k++) this.s[k] = state[k] | 0;
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  next(): number {
    if (this.i === BLOCK) this.refill();
    return this.buf[this.i++];
  }

  /** −ln(1 − u) for the next u of the stream: an Exp(1) variate, exactly what inversion gives. */
  exp(): number {
    if (this.i === BLOCK) this.refill();
    if (!this.expMade) this.makeExp();
    return this.expBuf[this.i++];
  }

  private makeExp(): void {
    const buf = this.buf, e = this.expBuf;
    for (let k = this.i; k < BLOCK; k++) e[k] = -Math.log(1 - buf[k]);
    this.expMade = this.expUsed = true;
  }

  private refill(): void {
    const s = this.s, buf = this.buf;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (let k = 0; k < BLOCK; k++) {
      // Two outputs per double: a (27 bits), then b (26 bits).
      const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      buf[k] = (a * 67108864 + b) / 9007199254740992;
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
    this.i = 0;
    this.expMade = false;
    if (this.expUsed) this.makeExp();
  }
}

/** The class as a module constant for `exp1` (an exported binding is loaded from its module cell, with a TDZ check, at every use). */
const XOSHIRO = Xoshiro128;

/** splitmix32 over a one-word state, as in `shared/baselines` (used to seed xoshiro). */
export function splitmix32(state: Uint32Array): number {
  const x = (state[0] = (state[0] + 0x9e3779b9) >>> 0);
  let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The stream named `name` of scenario seed `seed`: independent of every other name, identical
 * for every run with the same seed (common random numbers). The (seed, name) pair is hashed by
 * seedrandom's Alea into the four xoshiro state words.
 */
export function createStream(seed: number, name: string): Rng {
  const mix = seedrandom.alea(`lbsim:${seed}:${name}`);
  const state = new Int32Array(4);
  for (let k = 0; k < 4; k++) state[k] = mix.int32();
  return new Xoshiro128(state);
}

/**
 * The k-th stream (k = 0, 1, ...) of the baselines' seeding: splitmix32 from `seed`, four words
 * per stream. Stream 0 is the baselines' inter-arrival stream, stream 1 their service stream.
 */
export function createBaselineStream(seed: number, k: number): Rng {
  const st = new Uint32Array([seed >>> 0]);
  const words = new Int32Array(4);
  for (let j = 0; j <= k; j++) for (let w = 0; w < 4; w++) words[w] = splitmix32(st);
  return new Xoshiro128(words);
}

/**
 * Exp(1) by inversion, −ln(1 − u) of the stream's next u: 1 − u is exact for a 53-bit u, so log
 * suffices (faster than log1p). Xoshiro128 makes these per block; any other Rng computes it.
 */
export function exp1(rng: Rng): number {
  return rng instanceof XOSHIRO ? rng.exp() : -Math.log(1 - rng.next());
}

/** Uniform integer in [0, n) from `rng` (n ≥ 1, n < 2^53). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
