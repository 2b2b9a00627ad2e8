import { describe, expect, it } from 'vitest';
import { DISTRIBUTIONS } from '../../src/random/distributions.js';
import type { ScenarioError } from '../../src/input/check.js';
import { thrownScenarioError } from '../scenario-error.js';
import { MAX_DISTRIBUTION_DEPTH, parseDistribution } from '../../src/scenario/distribution-spec.js';

/** parseDistribution(value, 'service') must throw a ScenarioError at `path` mentioning `shown`. */
function expectError(value: unknown, path: string, shown: string): ScenarioError {
  const e = thrownScenarioError(() => parseDistribution(value, 'service'));
  expect(e.path).toBe(path);
  expect(e.message).toContain(`${path}:`);
  expect(e.message).toContain(shown);
  return e;
}

describe('parseDistribution', () => {
  it('parseDistribution accepts every documented form and returns it unchanged', () => {
    const good = [
      { dist: 'constant', valueMs: 0 },
      { dist: 'uniform', minMs: 0, maxMs: 5 },
      { dist: 'exponential', meanMs: 2.5 },
      { dist: 'lognormal', medianMs: 10, p99Ms: 80 },
      { dist: 'lognormal', mu: -1, sigma: 0 },
      { dist: 'pareto', alpha: 1.5, minMs: 1 },
      { dist: 'pareto', alpha: 0.8, minMs: 1, maxMs: 1000 },
      { dist: 'weibull', shape: 0.7, scaleMs: 5 },
      { dist: 'gamma', shape: 3, meanMs: 6 },
      { dist: 'bimodal', p: 0, a: { dist: 'constant', valueMs: 1 }, b: { dist: 'exponential', meanMs: 9 } },
      { dist: 'empirical', samplesMs: [0, 1, 2.5] },
    ];
    for (const spec of good) expect(parseDistribution(spec, 'service')).toEqual(spec);
  });

  it('parseDistribution returns a fresh spec, not the input object', () => {
    const input = { dist: 'exponential', meanMs: 1 };
    expect(parseDistribution(input, 'service')).not.toBe(input);
  });

  it('rejects a non-object', () => {
    expectError(5, 'service', 'got 5');
    expectError(null, 'service', 'got null');
    expectError([{ dist: 'constant', valueMs: 1 }], 'service', 'got [');
  });

  it('rejects an unknown or missing dist, listing the known ones', () => {
    const e = expectError({ dist: 'normal', meanMs: 1 }, 'service.dist', '"normal"');
    for (const name of DISTRIBUTIONS) expect(e.message).toContain(`"${name}"`);
    expectError({ meanMs: 1 }, 'service.dist', 'got nothing');
  });

  it('rejects a missing field', () => {
    expectError({ dist: 'exponential' }, 'service.meanMs', 'got nothing');
    expectError({ dist: 'uniform', minMs: 1 }, 'service.maxMs', 'got nothing');
    expectError({ dist: 'lognormal', mu: 1 }, 'service.sigma', 'got nothing');
    expectError({ dist: 'bimodal', p: 0.5, a: { dist: 'constant', valueMs: 1 } }, 'service.b', 'got nothing');
  });

  it('rejects out-of-range numbers', () => {
    expectError({ dist: 'exponential', meanMs: -3 }, 'service.meanMs', '-3');
    expectError({ dist: 'exponential', meanMs: 0 }, 'service.meanMs', 'got 0');
    expectError({ dist: 'constant', valueMs: -1 }, 'service.valueMs', '-1');
    expectError({ dist: 'uniform', minMs: -1, maxMs: 2 }, 'service.minMs', '-1');
    expectError({ dist: 'uniform', minMs: 5, maxMs: 5 }, 'service.maxMs', 'got 5');
    expectError({ dist: 'lognormal', medianMs: 10, p99Ms: 9 }, 'service.p99Ms', 'got 9');
    expectError({ dist: 'lognormal', medianMs: 0, p99Ms: 9 }, 'service.medianMs', 'got 0');
    expectError({ dist: 'lognormal', mu: 0, sigma: -0.1 }, 'service.sigma', '-0.1');
    expectError({ dist: 'pareto', alpha: 0, minMs: 1 }, 'service.alpha', 'got 0');
    expectError({ dist: 'pareto', alpha: 2, minMs: 0 }, 'service.minMs', 'got 0');
    expectError({ dist: 'pareto', alpha: 2, minMs: 3, maxMs: 2 }, 'service.maxMs', 'got 2');
    expectError({ dist: 'weibull', shape: -1, scaleMs: 1 }, 'service.shape', '-1');
    expectError({ dist: 'gamma', shape: 2, meanMs: Infinity }, 'service.meanMs', 'Infinity');
    expectError({ dist: 'bimodal', p: 1.5, a: {}, b: {} }, 'service.p', '1.5');
  });

  it('rejects numbers given as strings, null or NaN', () => {
    expectError({ dist: 'exponential', meanMs: 'NaN' }, 'service.meanMs', '"NaN"');
    expectError({ dist: 'exponential', meanMs: '12' }, 'service.meanMs', '"12"');
    expectError({ dist: 'exponential', meanMs: NaN }, 'service.meanMs', 'NaN');
    expectError({ dist: 'pareto', alpha: 2, minMs: 1, maxMs: null }, 'service.maxMs', 'null');
  });

  it('rejects an unknown key, naming it', () => {
    const e = expectError({ dist: 'exponential', meanMs: 1, rate: 2 }, 'service.rate', 'got 2');
    expect(e.message).toContain('meanMs');
    expectError({ dist: 'pareto', alpha: 2, minMs: 1, meanMs: 3 }, 'service.meanMs', 'got 3');
  });

  it('rejects a lognormal mixing {medianMs, p99Ms} with {mu, sigma}', () => {
    expectError({ dist: 'lognormal', medianMs: 10, p99Ms: 20, mu: 1 }, 'service', '"medianMs":10');
  });

  it('rejects bad empirical samples', () => {
    expectError({ dist: 'empirical', samplesMs: [] }, 'service.samplesMs', 'got []');
    expectError({ dist: 'empirical', samplesMs: 3 }, 'service.samplesMs', 'got 3');
    expectError({ dist: 'empirical', samplesMs: [1, -2] }, 'service.samplesMs[1]', '-2');
    expectError({ dist: 'empirical', samplesMs: [1, '2'] }, 'service.samplesMs[1]', '"2"');
    expectError({ dist: 'empirical', samplesMs: new Array(1_000_001).fill(1) }, 'service.samplesMs', 'at most 1000000');
  });

  it('validates nested bimodal specs with paths through a and b', () => {
    const nested = (inner: unknown) => ({
      dist: 'bimodal', p: 0.5, a: { dist: 'constant', valueMs: 1 },
      b: { dist: 'bimodal', p: 0.5, a: inner, b: { dist: 'constant', valueMs: 2 } },
    });
    expectError(nested({ dist: 'exponential', meanMs: -4 }), 'service.b.a.meanMs', '-4');
    expectError({ dist: 'bimodal', p: 0.5, a: { dist: 'exponential', meanMs: 'x' }, b: {} }, 'service.a.meanMs', '"x"');
    expectError({ dist: 'bimodal', p: 0.5, a: { dist: 'constant', valueMs: 1 }, b: { dist: 'zipf' } }, 'service.b.dist', '"zipf"');
  });

  it(`accepts ${MAX_DISTRIBUTION_DEPTH} nested bimodal levels and rejects one more`, () => {
    const leaf = { dist: 'constant', valueMs: 1 };
    const chain = (levels: number): unknown => (levels === 0 ? leaf : { dist: 'bimodal', p: 0.5, a: chain(levels - 1), b: leaf });
    expect(() => parseDistribution(chain(MAX_DISTRIBUTION_DEPTH), 'service')).not.toThrow();
    const deepPath = `service${'.a'.repeat(MAX_DISTRIBUTION_DEPTH)}`;
    const e = expectError(chain(MAX_DISTRIBUTION_DEPTH + 1), deepPath, '"bimodal"');
    expect(e.message).toContain(`at most ${MAX_DISTRIBUTION_DEPTH}`);
  });
});
