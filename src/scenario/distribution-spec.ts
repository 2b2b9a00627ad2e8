/**
 * Validation of a distribution spec read from JSON (see `random/distributions.ts` for the forms).
 * Returns a fresh spec holding only the known fields; throws `ScenarioError` naming the path.
 */
import { DISTRIBUTIONS, type DistributionName, type DistributionSpec } from '../random/distributions.js';
import { isObject, join, numberArray, numberField, object, oneOf, optionalNumberField, ScenarioError } from '../input/check.js';
import type { ScenarioFiles } from './scenario-files.js';
import { MAX_CLIENT_MS } from './client-spec.js';

/** Bimodal specs may nest this many levels below the top-level spec. */
export const MAX_DISTRIBUTION_DEPTH = 8;
export const MAX_EMPIRICAL_SAMPLES = 1_000_000;
/**
 * Largest duration a distribution's parameter may give, in ms (≈ 31.7 years: the bound of client and
 * edge delays, MAX_CLIENT_MS, and of stop.timeMs, a tenth of the engine's 10^13 ms), so that a value of
 * 1e300 is refused naming its field rather than found at run time as an event past the engine's
 * bound (which named stop.timeMs). Shape parameters (a lognormal's sigma, Pareto's alpha, the
 * shapes of Weibull and gamma) are not capped: a tail that heavy still ends the run there.
 */
export const MAX_DISTRIBUTION_MS = MAX_CLIENT_MS;
/** A lognormal's mu at most ln(MAX_DISTRIBUTION_MS): its median within the cap, as medianMs. */
export const MAX_LOGNORMAL_MU = Math.log(MAX_DISTRIBUTION_MS);

const FIELDS: Record<DistributionName, readonly string[]> = {
  constant: ['dist', 'valueMs'],
  uniform: ['dist', 'minMs', 'maxMs'],
  exponential: ['dist', 'meanMs'],
  lognormal: ['dist', 'medianMs', 'p99Ms', 'mu', 'sigma'],
  pareto: ['dist', 'alpha', 'minMs', 'maxMs'],
  weibull: ['dist', 'shape', 'scaleMs'],
  gamma: ['dist', 'shape', 'meanMs'],
  bimodal: ['dist', 'p', 'a', 'b'],
  empirical: ['dist', 'samplesMs', 'file', 'column'],
};

const POSITIVE = { above: 0, max: MAX_DISTRIBUTION_MS };
const NON_NEGATIVE = { min: 0, max: MAX_DISTRIBUTION_MS };

/** `files` reads an empirical distribution's `file`; without it a `file` field is refused. */
export function parseDistribution(value: unknown, path: string, files?: ScenarioFiles): DistributionSpec {
  return parse(value, path, 0, files);
}

function parse(value: unknown, path: string, depth: number, files: ScenarioFiles | undefined): DistributionSpec {
  if (!isObject(value)) throw new ScenarioError(path, value, 'a distribution object with a "dist" field');
  const dist = oneOf(value.dist, join(path, 'dist'), DISTRIBUTIONS);
  const o = object(value, path, FIELDS[dist]);
  switch (dist) {
    case 'constant':
      return { dist, valueMs: numberField(o, 'valueMs', path, NON_NEGATIVE) };
    case 'uniform': {
      const minMs = numberField(o, 'minMs', path, NON_NEGATIVE);
      return { dist, minMs, maxMs: numberField(o, 'maxMs', path, { above: minMs, max: MAX_DISTRIBUTION_MS }) };
    }
    case 'exponential':
      return { dist, meanMs: numberField(o, 'meanMs', path, POSITIVE) };
    case 'lognormal': {
      const byMoments = o.mu !== undefined || o.sigma !== undefined;
      if (byMoments && (o.medianMs !== undefined || o.p99Ms !== undefined)) {
        throw new ScenarioError(path, value, 'either {medianMs, p99Ms} or {mu, sigma}, not both');
      }
      if (byMoments) return { dist, mu: numberField(o, 'mu', path, { max: MAX_LOGNORMAL_MU }), sigma: numberField(o, 'sigma', path, { min: 0 }) };
      const medianMs = numberField(o, 'medianMs', path, POSITIVE);
      return { dist, medianMs, p99Ms: numberField(o, 'p99Ms', path, { above: medianMs, max: MAX_DISTRIBUTION_MS }) };
    }
    case 'pareto': {
      const alpha = numberField(o, 'alpha', path, { above: 0 });
      const minMs = numberField(o, 'minMs', path, POSITIVE);
      const maxMs = optionalNumberField(o, 'maxMs', path, { above: minMs, max: MAX_DISTRIBUTION_MS });
      return maxMs === undefined ? { dist, alpha, minMs } : { dist, alpha, minMs, maxMs };
    }
    case 'weibull':
      return { dist, shape: numberField(o, 'shape', path, { above: 0 }), scaleMs: numberField(o, 'scaleMs', path, POSITIVE) };
    case 'gamma':
      return { dist, shape: numberField(o, 'shape', path, { above: 0 }), meanMs: numberField(o, 'meanMs', path, POSITIVE) };
    case 'bimodal': {
      const p = numberField(o, 'p', path, { min: 0, max: 1 });
      if (depth >= MAX_DISTRIBUTION_DEPTH) {
        throw new ScenarioError(path, value, `a distribution with at most ${MAX_DISTRIBUTION_DEPTH} nested bimodal levels`);
      }
      return { dist, p, a: parse(o.a, join(path, 'a'), depth + 1, files), b: parse(o.b, join(path, 'b'), depth + 1, files) };
    }
    case 'empirical': {
      let samples = o.samplesMs;
      const at = join(path, 'samplesMs');
      if (o.file !== undefined) {
        if (typeof o.file !== 'string' || o.file === '') throw new ScenarioError(join(path, 'file'), o.file, 'the name of a CSV file (a string), relative to the scenario file');
        if (!files) throw new ScenarioError(join(path, 'file'), o.file, 'samples read from the CSV by loadScenarioFile() or the CLI, not by parseScenario() (or give samplesMs)');
        if (samples !== undefined) throw new ScenarioError(at, samples, 'either samplesMs or a file, not both');
        if (o.column !== undefined && (typeof o.column !== 'string' || o.column === '')) throw new ScenarioError(join(path, 'column'), o.column, 'a column name of the CSV file');
        samples = files.samples(o.file, o.column as string | undefined, path);
      } else if (o.column !== undefined) throw new ScenarioError(join(path, 'column'), o.column, 'no column without a file');
      if (Array.isArray(samples) && samples.length > MAX_EMPIRICAL_SAMPLES) {
        throw new ScenarioError(at, samples, `at most ${MAX_EMPIRICAL_SAMPLES} samples`);
      }
      return { dist, samplesMs: numberArray(samples, at, NON_NEGATIVE, 1) };
    }
  }
}
