import { describe, expect, it } from 'vitest';
import { createDistribution, DISTRIBUTIONS, type DistributionSpec } from '../../src/random/distributions.js';
import { createStream, type Rng } from '../../src/random/rng.js';

// Seeded statistical checks: a sample mean must lie within 4 theoretical standard errors, and the
// Kolmogorov–Smirnov distance to the exact CDF below 1.95/√n (α ≈ 0.001).
const N = 200_000;
const KS_CRITICAL = 1.95 / Math.sqrt(N);
const Z99 = 2.3263478740408408;

function draw(spec: DistributionSpec, name: string, n = N, seed = 42): Float64Array {
  const d = createDistribution(spec), rng = createStream(seed, name);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
  return xs;
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function variance(xs: Float64Array): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

function expectMean(xs: Float64Array, mu: number, sd: number): void {
  expect(Math.abs(mean(xs) - mu)).toBeLessThan((4 * sd) / Math.sqrt(xs.length));
}

/** sup |F_n − F| over the sorted sample. */
function ks(xs: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(xs).sort(), n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x < 0 ? -y : y;
}
const phi = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2));
const lognormalCdf = (mu: number, sigma: number) => (x: number) => (x <= 0 ? 0 : phi((Math.log(x) - mu) / sigma));

describe('createDistribution', () => {
  it('constant(valueMs) always returns valueMs', () => {
    const xs = draw({ dist: 'constant', valueMs: 7.5 }, 'constant', 1000);
    expect(xs.every((x) => x === 7.5)).toBe(true);
    expect(createDistribution({ dist: 'constant', valueMs: 7.5 }).meanMs).toBe(7.5);
  });

  it('uniform(minMs, maxMs) has the requested mean and CDF', () => {
    const xs = draw({ dist: 'uniform', minMs: 2, maxMs: 10 }, 'uniform');
    expect(createDistribution({ dist: 'uniform', minMs: 2, maxMs: 10 }).meanMs).toBe(6);
    expectMean(xs, 6, 8 / Math.sqrt(12));
    expect(ks(xs, (x) => Math.min(Math.max((x - 2) / 8, 0), 1))).toBeLessThan(KS_CRITICAL);
    expect(xs.every((x) => x >= 2 && x < 10)).toBe(true);
  });

  it('exponential(meanMs) has the requested mean and CDF', () => {
    const xs = draw({ dist: 'exponential', meanMs: 3 }, 'exponential');
    expect(createDistribution({ dist: 'exponential', meanMs: 3 }).meanMs).toBe(3);
    expectMean(xs, 3, 3);
    expect(ks(xs, (x) => 1 - Math.exp(-x / 3))).toBeLessThan(KS_CRITICAL);
  });

  it('lognormal(medianMs, p99Ms) has the requested median, p99, mean and CDF', () => {
    const medianMs = 10, p99Ms = 50;
    const mu = Math.log(medianMs), sigma = Math.log(p99Ms / medianMs) / Z99;
    const d = createDistribution({ dist: 'lognormal', medianMs, p99Ms });
    expect(d.meanMs).toBeCloseTo(Math.exp(mu + sigma ** 2 / 2), 12);
    const xs = draw({ dist: 'lognormal', medianMs, p99Ms }, 'lognormal');
    expectMean(xs, d.meanMs, Math.sqrt(Math.expm1(sigma ** 2)) * d.meanMs);
    const sorted = Float64Array.from(xs).sort();
    // Sample quantile sd ≈ √(q(1−q)/n) / f(x_q), f the lognormal density.
    for (const [q, x, z] of [[0.5, medianMs, 0], [0.99, p99Ms, Z99]]) {
      const density = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) / (x * sigma);
      const tol = (4 * Math.sqrt((q * (1 - q)) / N)) / density;
      expect(Math.abs(sorted[Math.ceil(q * N) - 1] - x)).toBeLessThan(tol);
    }
    expect(ks(xs, lognormalCdf(mu, sigma))).toBeLessThan(KS_CRITICAL);
  });

  it('lognormal(mu, sigma) has the mean and CDF of exp(Normal(mu, sigma))', () => {
    const mu = 1.5, sigma = 0.8;
    const xs = draw({ dist: 'lognormal', mu, sigma }, 'lognormal-mu');
    const m = Math.exp(mu + sigma ** 2 / 2);
    expect(createDistribution({ dist: 'lognormal', mu, sigma }).meanMs).toBeCloseTo(m, 12);
    expectMean(xs, m, Math.sqrt(Math.expm1(sigma ** 2)) * m);
    expect(ks(xs, lognormalCdf(mu, sigma))).toBeLessThan(KS_CRITICAL);
  });

  it('lognormal with sigma 0 is the constant exp(mu)', () => {
    const xs = draw({ dist: 'lognormal', mu: 2, sigma: 0 }, 'lognormal-0', 1000);
    expect(xs.every((x) => x === Math.exp(2))).toBe(true);
  });

  it('pareto(alpha, minMs) has the mean α·xm/(α−1) and the Pareto CDF', () => {
    const alpha = 3.5, xm = 2;
    const xs = draw({ dist: 'pareto', alpha, minMs: xm }, 'pareto');
    const m = (alpha * xm) / (alpha - 1);
    expect(createDistribution({ dist: 'pareto', alpha, minMs: xm }).meanMs).toBeCloseTo(m, 12);
    expectMean(xs, m, Math.sqrt((alpha * xm * xm) / (alpha - 2) - m * m));
    expect(ks(xs, (x) => (x < xm ? 0 : 1 - (xm / x) ** alpha))).toBeLessThan(KS_CRITICAL);
  });

  it('pareto(alpha ≤ 1) without maxMs has an infinite mean', () => {
    expect(createDistribution({ dist: 'pareto', alpha: 1, minMs: 1 }).meanMs).toBe(Infinity);
    expect(createDistribution({ dist: 'pareto', alpha: 0.5, minMs: 1 }).meanMs).toBe(Infinity);
  });

  it('pareto(alpha, minMs, maxMs) is the bounded Pareto: exact mean, CDF, support [minMs, maxMs]', () => {
    const alpha = 1.2, lo = 1, hi = 1000;
    const spec: DistributionSpec = { dist: 'pareto', alpha, minMs: lo, maxMs: hi };
    const norm = 1 - (lo / hi) ** alpha;
    // E[X^j] = α L^α (H^(j−α) − L^(j−α)) / ((j−α)(1 − (L/H)^α)), j ≠ α
    const moment = (j: number) => (alpha * lo ** alpha * (hi ** (j - alpha) - lo ** (j - alpha))) / ((j - alpha) * norm);
    const d = createDistribution(spec);
    expect(d.meanMs).toBeCloseTo(moment(1), 12);
    const xs = draw(spec, 'bounded-pareto');
    expectMean(xs, moment(1), Math.sqrt(moment(2) - moment(1) ** 2));
    expect(ks(xs, (x) => (1 - (lo / x) ** alpha) / norm)).toBeLessThan(KS_CRITICAL);
    expect(xs.every((x) => x >= lo && x <= hi)).toBe(true);
  });

  it('bounded pareto with alpha = 1 has mean L·H·ln(H/L)/(H−L), continuous in alpha', () => {
    const at = (alpha: number) => createDistribution({ dist: 'pareto', alpha, minMs: 2, maxMs: 50 }).meanMs;
    const exact = (2 * 50 * Math.log(25)) / 48;
    expect(at(1)).toBeCloseTo(exact, 12);
    expect(at(1 + 1e-9)).toBeCloseTo(exact, 7);
    expect(at(1 - 1e-9)).toBeCloseTo(exact, 7);
  });

  it('weibull(shape, scaleMs) has mean scale·Γ(1 + 1/k) and the Weibull CDF', () => {
    // Γ(1.5) = √π/2, Γ(2) = 1, Γ(3) = 2, Γ(5) = 24.
    const cases = [
      { shape: 2, scaleMs: 4, m: (4 * Math.sqrt(Math.PI)) / 2, ex2: 16 },
      { shape: 0.5, scaleMs: 3, m: 6, ex2: 9 * 24 },
    ];
    for (const { shape, scaleMs, m, ex2 } of cases) {
      const spec: DistributionSpec = { dist: 'weibull', shape, scaleMs };
      expect(createDistribution(spec).meanMs).toBeCloseTo(m, 12);
      const xs = draw(spec, `weibull-${shape}`);
      expectMean(xs, m, Math.sqrt(ex2 - m * m));
      expect(ks(xs, (x) => 1 - Math.exp(-((x / scaleMs) ** shape)))).toBeLessThan(KS_CRITICAL);
    }
    // Γ(4/3) = 0.8929795115692492
    expect(createDistribution({ dist: 'weibull', shape: 3, scaleMs: 10 }).meanMs).toBeCloseTo(8.929795115692492, 12);
  });

  it('gamma(shape, meanMs) has the requested mean and variance mean²/shape', () => {
    for (const shape of [0.3, 1, 3, 7.5]) {
      const meanMs = 5;
      const xs = draw({ dist: 'gamma', shape, meanMs }, `gamma-${shape}`);
      const v = (meanMs * meanMs) / shape;
      expect(createDistribution({ dist: 'gamma', shape, meanMs }).meanMs).toBe(meanMs);
      expectMean(xs, meanMs, Math.sqrt(v));
      // sd of the sample variance ≈ σ²·√((2 + 6/k)/n): excess kurtosis of Gamma(k) is 6/k.
      expect(Math.abs(variance(xs) - v)).toBeLessThan(4 * v * Math.sqrt((2 + 6 / shape) / N));
    }
  });

  it('gamma with integer shape is Erlang; with shape 1/2 it is θ·χ²₁/2', () => {
    const erlang = draw({ dist: 'gamma', shape: 3, meanMs: 6 }, 'erlang'); // θ = 2
    expect(ks(erlang, (x) => { const y = x / 2; return 1 - Math.exp(-y) * (1 + y + (y * y) / 2); })).toBeLessThan(KS_CRITICAL);
    const half = draw({ dist: 'gamma', shape: 0.5, meanMs: 1 }, 'gamma-half'); // θ = 2
    expect(ks(half, (x) => erf(Math.sqrt(x / 2)))).toBeLessThan(KS_CRITICAL);
  });

  it('bimodal(p, a, b) draws from a with probability p and has the mixture mean', () => {
    const spec: DistributionSpec = {
      dist: 'bimodal', p: 0.3, a: { dist: 'constant', valueMs: 1 }, b: { dist: 'exponential', meanMs: 100 },
    };
    const d = createDistribution(spec);
    expect(d.meanMs).toBeCloseTo(0.3 + 70, 12);
    const xs = draw(spec, 'bimodal');
    const fromA = xs.filter((x) => x === 1).length / N;
    expect(Math.abs(fromA - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / N));
    const ex2 = 0.3 * 1 + 0.7 * 2 * 100 * 100;
    expectMean(xs, d.meanMs, Math.sqrt(ex2 - d.meanMs ** 2));
  });

  it('bimodal with p = 0 or 1 ignores the other branch, even one with an infinite mean', () => {
    const heavy: DistributionSpec = { dist: 'pareto', alpha: 0.5, minMs: 1 };
    const c: DistributionSpec = { dist: 'constant', valueMs: 4 };
    expect(createDistribution({ dist: 'bimodal', p: 0, a: heavy, b: c }).meanMs).toBe(4);
    expect(createDistribution({ dist: 'bimodal', p: 1, a: c, b: heavy }).meanMs).toBe(4);
    expect(draw({ dist: 'bimodal', p: 1, a: c, b: heavy }, 'p1', 1000).every((x) => x === 4)).toBe(true);
  });

  it('empirical(samplesMs) draws each sample with equal probability', () => {
    const samplesMs = [1, 2, 2, 10];
    const d = createDistribution({ dist: 'empirical', samplesMs });
    expect(d.meanMs).toBe(3.75);
    const xs = draw({ dist: 'empirical', samplesMs }, 'empirical');
    for (const [v, p] of [[1, 0.25], [2, 0.5], [10, 0.25]]) {
      const f = xs.filter((x) => x === v).length / N;
      expect(Math.abs(f - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
    expectMean(xs, 3.75, Math.sqrt((1 + 4 + 4 + 100) / 4 - 3.75 ** 2));
  });
});

// One spec per distribution name (and per form), for the properties every sampler must have.
const EXAMPLES: DistributionSpec[] = [
  { dist: 'constant', valueMs: 3 },
  { dist: 'uniform', minMs: 0, maxMs: 5 },
  { dist: 'exponential', meanMs: 2 },
  { dist: 'lognormal', medianMs: 10, p99Ms: 80 },
  { dist: 'lognormal', mu: 0, sigma: 2 },
  { dist: 'pareto', alpha: 1.1, minMs: 1 },
  { dist: 'pareto', alpha: 0.7, minMs: 1, maxMs: 1e4 },
  { dist: 'weibull', shape: 0.7, scaleMs: 5 },
  { dist: 'gamma', shape: 0.2, meanMs: 5 },
  { dist: 'gamma', shape: 4, meanMs: 5 },
  { dist: 'bimodal', p: 0.9, a: { dist: 'exponential', meanMs: 1 }, b: { dist: 'lognormal', mu: 3, sigma: 1 } },
  { dist: 'empirical', samplesMs: [0, 1.5, 20] },
];

// Parameters at the edge of what validation accepts, where naive formulas overflow or give NaN.
const EXTREMES: DistributionSpec[] = [
  { dist: 'exponential', meanMs: 1e308 },
  { dist: 'lognormal', mu: 700, sigma: 100 },
  { dist: 'pareto', alpha: 1e-3, minMs: 1 },
  { dist: 'pareto', alpha: 5e-324, minMs: 1, maxMs: 1.5 },
  { dist: 'weibull', shape: 1e-3, scaleMs: 1 },
  { dist: 'weibull', shape: 5e-324, scaleMs: 1 },
  { dist: 'gamma', shape: 1e-3, meanMs: 1e308 },
  { dist: 'gamma', shape: 1e6, meanMs: 1 },
];

/** `prefix` values first, then a real stream (so rejection samplers terminate). */
function scripted(prefix: number[], seed: number): Rng {
  const rest = createStream(seed, 'scripted');
  let i = 0;
  return { next: () => (i < prefix.length ? prefix[i++] : rest.next()) };
}
const EDGE_UNIFORMS = [0, 2 ** -53, 0.5, 1 - 2 ** -53]; // rng.next() can be 0, never 1

describe('every distribution', () => {
  it('DISTRIBUTIONS lists each distribution name once', () => {
    expect(new Set(DISTRIBUTIONS).size).toBe(DISTRIBUTIONS.length);
    expect(new Set(EXAMPLES.map((s) => s.dist))).toEqual(new Set(DISTRIBUTIONS));
  });

  it('replays the identical sequence from the same seed and a different one from another seed', () => {
    for (const spec of EXAMPLES) {
      expect(draw(spec, 'det', 1000, 9)).toEqual(draw(spec, 'det', 1000, 9));
      if (spec.dist !== 'constant') expect(draw(spec, 'det', 1000, 10)).not.toEqual(draw(spec, 'det', 1000, 9));
    }
  });

  it('samples are finite and ≥ 0, including for u = 0 and u just below 1', () => {
    for (const spec of [...EXAMPLES, ...EXTREMES]) {
      const d = createDistribution(spec);
      expect(Number.isNaN(d.meanMs), JSON.stringify(spec)).toBe(false);
      for (const u of EDGE_UNIFORMS) {
        const rng = scripted(new Array<number>(12).fill(u), 3);
        for (let k = 0; k < 4; k++) {
          const x = d.sample(rng);
          expect(Number.isFinite(x) && x >= 0, `${JSON.stringify(spec)} u=${u}: ${x}`).toBe(true);
        }
      }
      const xs = draw(spec, 'range', 20_000);
      expect(xs.every((x) => Number.isFinite(x) && x >= 0), JSON.stringify(spec)).toBe(true);
    }
  });
});
