/**
 * Random variates for durations (service, think, failure and repair times), all in milliseconds.
 *
 * Contract: a `Distribution` is a pure function of the `Rng` it is handed — it keeps no state
 * between calls (no cached second normal), so the same stream replays the same values whichever
 * sampler drew from it before. `sample` returns a finite number ≥ 0 for every `u` in [0, 1)
 * (including u = 0) and for any parameters `parseDistribution` accepts; results that would
 * overflow are clamped to `Number.MAX_VALUE`. Draws per sample: constant 0, uniform, exponential,
 * Pareto, Weibull, empirical 1, lognormal 2, bimodal 1 + the chosen branch, gamma ≥ 3 (rejection).
 */
import { exp1 as importedExp1, randomInt, type Rng } from './rng.js';

/** As a module constant: an import is loaded from its module cell, with a TDZ check, at every use (each exponential draw). */
const exp1 = importedExp1;

export type DistributionSpec =
  | { dist: 'constant'; valueMs: number }
  | { dist: 'uniform'; minMs: number; maxMs: number }
  | { dist: 'exponential'; meanMs: number }
  /** p99Ms: the 99th percentile. */
  | { dist: 'lognormal'; medianMs: number; p99Ms: number }
  /** mu, sigma: mean and standard deviation of ln(ms). */
  | { dist: 'lognormal'; mu: number; sigma: number }
  /** maxMs present ⇒ bounded Pareto on [minMs, maxMs]. */
  | { dist: 'pareto'; alpha: number; minMs: number; maxMs?: number }
  | { dist: 'weibull'; shape: number; scaleMs: number }
  /** integer shape ⇒ Erlang. */
  | { dist: 'gamma'; shape: number; meanMs: number }
  /** a with probability p, else b. */
  | { dist: 'bimodal'; p: number; a: DistributionSpec; b: DistributionSpec }
  /** each sample with probability 1/length. */
  | { dist: 'empirical'; samplesMs: readonly number[] };

export type DistributionName = DistributionSpec['dist'];

export const DISTRIBUTIONS: readonly DistributionName[] = Object.freeze([
  'constant', 'uniform', 'exponential', 'lognormal', 'pareto', 'weibull', 'gamma', 'bimodal', 'empirical',
] as const);

export interface Distribution {
  sample(rng: Rng): number;
  /** Exact theoretical mean in ms (Infinity when it does not exist). */
  readonly meanMs: number;
}

/** Φ⁻¹(0.99): a lognormal's p99 is median · exp(Z99 · sigma). */
const Z99 = 2.3263478740408408;

const MAX = Number.MAX_VALUE;

export function createDistribution(spec: DistributionSpec): Distribution {
  switch (spec.dist) {
    case 'constant': {
      const v = spec.valueMs;
      return { meanMs: v, sample: () => v };
    }
    case 'uniform': {
      const { minMs: a } = spec, w = spec.maxMs - a;
      return { meanMs: a + w / 2, sample: (rng) => a + rng.next() * w };
    }
    case 'exponential': {
      const m = spec.meanMs;
      return { meanMs: m, sample: (rng) => Math.min(exp1(rng) * m, MAX) }; // inversion, −ln(1 − u)·m
    }
    case 'lognormal': {
      const mu = 'mu' in spec ? spec.mu : Math.log(spec.medianMs);
      const sigma = 'mu' in spec ? spec.sigma : Math.log(spec.p99Ms / spec.medianMs) / Z99;
      return {
        meanMs: Math.exp(mu + (sigma * sigma) / 2),
        sample: (rng) => Math.min(Math.exp(mu + sigma * normal(rng)), MAX),
      };
    }
    case 'pareto':
      return spec.maxMs === undefined ? pareto(spec.alpha, spec.minMs) : boundedPareto(spec.alpha, spec.minMs, spec.maxMs);
    case 'weibull': {
      // Inverse CDF: scale · (−ln(1−u))^(1/k), written as exp(ln(e)/k) so e = 0 gives 0 and
      // e = 1 gives 1 even when 1/k overflows.
      const { shape: k, scaleMs: s } = spec;
      return {
        meanMs: Math.exp(Math.log(s) + lnGamma(1 + 1 / k)),
        sample: (rng) => Math.min(s * Math.exp(Math.log(-Math.log1p(-rng.next())) / k), MAX),
      };
    }
    case 'gamma':
      return gamma(spec.shape, spec.meanMs);
    case 'bimodal': {
      const { p } = spec, a = createDistribution(spec.a), b = createDistribution(spec.b);
      return {
        meanMs: (p > 0 ? p * a.meanMs : 0) + (p < 1 ? (1 - p) * b.meanMs : 0), // no 0 · ∞
        sample: (rng) => (rng.next() < p ? a.sample(rng) : b.sample(rng)),
      };
    }
    case 'empirical': {
      const xs = Float64Array.from(spec.samplesMs);
      let sum = 0;
      for (const x of xs) sum += x;
      return { meanMs: sum / xs.length, sample: (rng) => xs[randomInt(rng, xs.length)] };
    }
    default:
      throw new Error(`unknown distribution ${JSON.stringify((spec as { dist: unknown }).dist)}`);
  }
}

/** Standard normal by Box–Muller (cosine branch only; two uniforms, no cached state). */
function normal(rng: Rng): number {
  const r = Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 − u ∈ (0, 1]
  return r * Math.cos(2 * Math.PI * rng.next());
}

/** Pareto(α, xm): xm · (1−u)^(−1/α); mean α·xm/(α−1) for α > 1, else ∞. */
function pareto(alpha: number, xm: number): Distribution {
  return {
    meanMs: alpha > 1 ? (alpha * xm) / (alpha - 1) : Infinity,
    sample: (rng) => Math.min(xm * Math.exp(-Math.log1p(-rng.next()) / alpha), MAX),
  };
}

/**
 * Bounded Pareto on [L, H]: F(x) = (1 − (L/x)^α) / (1 − (L/H)^α).
 * Inverse: L · (1 − u·q)^(−1/α) with q = 1 − (L/H)^α (via expm1, exact for small α).
 * Mean: α·L/(α−1) · (1 − (L/H)^(α−1)) / q, and L·ln(H/L)/q at α = 1 (Harchol-Balter's form).
 */
function boundedPareto(alpha: number, lo: number, hi: number): Distribution {
  const c = Math.log(lo / hi); // < 0
  const q = -Math.expm1(alpha * c);
  const g = alpha === 1 ? -c : -Math.expm1((alpha - 1) * c) / (alpha - 1); // (1 − (L/H)^(α−1))/(α−1)
  return {
    meanMs: q > 0 ? (alpha * lo * g) / q : (hi - lo) / -c, // q = 0 only when α underflows: log-uniform
    sample: (rng) => Math.min(lo * Math.exp(-Math.log1p(-rng.next() * q) / alpha), hi),
  };
}

/**
 * Gamma(k, θ = mean/k) by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables"; for k < 1 a Gamma(k+1) draw times u^(1/k).
 */
function gamma(shape: number, meanMs: number): Distribution {
  const theta = meanMs / shape;
  const d = (shape < 1 ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const invShape = 1 / shape;
  const draw = (rng: Rng): number => {
    for (;;) {
      const z = normal(rng);
      let v = 1 + c * z;
      if (v <= 0) continue;
      v = v * v * v;
      const u = rng.next();
      const z2 = z * z;
      if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  return {
    meanMs,
    sample:
      shape < 1
        ? (rng) => Math.min((draw(rng) * Math.pow(rng.next(), invShape) * meanMs) / shape, MAX) // θ may overflow
        : (rng) => Math.min(draw(rng) * theta, MAX),
  };
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x ≥ 0.5: Lanczos approximation (g = 7, n = 9), relative error ~1e-15. */
function lnGamma(x: number): number {
  if (x === Infinity) return Infinity;
  x -= 1;
  let a = LANCZOS[0];
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
