/** Runs on worker threads: the same results, in the same order, whatever the number of workers. */
import { describe, expect, it } from 'vitest';
import { preset, ScenarioError, type ScenarioInput } from '../../src/index.js';
import { sweep } from '../../src/experiment/sweep.js';
import { runSimulations } from '../../src/experiment/run-pool.js';

const small: ScenarioInput = { ...preset('default'), stop: { requests: 2_000 } };

describe('runSimulations(tasks, {workers})', () => {
  it('gives sweep rows identical, ordering included, on 1, 2 and 3 workers', async () => {
    const experiment = { scenario: small, grid: { balancer: ['random', 'p2c', 'least-connections'], load: [0.6, 0.9] }, seeds: [1, 2, 3], metrics: ['meanMs', 'p99Ms', 'maxOverMean'] };
    const one = await sweep(experiment, { workers: 1 });
    expect(one).toHaveLength(18);
    expect(await sweep(experiment, { workers: 2 })).toEqual(one);
    expect(await sweep(experiment, { workers: 3 })).toEqual(one);
  });

  it('reports progress once per run, up to the total', async () => {
    const seen: [number, number][] = [];
    await runSimulations([1, 2, 3, 4].map((seed) => ({ scenario: small, options: { seed } })), { workers: 2, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
  });

  it('rethrows a run\'s ScenarioError from a worker as a ScenarioError with its message', async () => {
    const bounded: ScenarioInput = { ...small, stop: { requests: 2_000, maxEvents: 50 } };
    const run = runSimulations([{ scenario: small, options: {} }, { scenario: bounded, options: {} }], { workers: 2 });
    await expect(run).rejects.toBeInstanceOf(ScenarioError);
    await expect(runSimulations([{ scenario: bounded, options: {} }, { scenario: small, options: {} }], { workers: 2 })).rejects.toThrow(/^stop\.maxEvents: /);
  });

  it('checks its options by name', async () => {
    await expect(runSimulations([], { workers: 0 })).rejects.toThrow(/^options\.workers: got 0, expected an integer from 1 to 256$/);
    await expect(runSimulations([], { require: [''] })).rejects.toThrow(/^options\.require: got \[""\], expected a list of module paths or URLs$/);
  });
});
