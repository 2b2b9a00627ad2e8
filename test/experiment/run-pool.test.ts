/** Runs on worker threads: the same results, in the same order, whatever the number of workers. */
import { describe, expect, it } from 'vitest';
import { preset, ScenarioError, type ScenarioInput } from '../../src/index.js';
import { sweep } from '../../src/experiment/sweep.js';
import { forEachSimulation, runSimulations } from '../../src/experiment/run-pool.js';
import { simulate } from '../../src/experiment/simulate.js';
import type { Summary } from '../../src/model/summary.js';

const small: ScenarioInput = { ...preset('default'), stop: { requests: 2_000 } };

describe('runSimulations(tasks, {workers})', () => {
  it('gives sweep rows identical, ordering included, on 1, 2 and 3 workers', async () => {
    const experiment = { scenario: small, grid: { balancer: ['random', 'p2c', 'least-connections'], load: [0.6, 0.9] }, seeds: [1, 2, 3], metrics: ['meanMs', 'p99Ms', 'maxOverMean'] };
    const one = await sweep(experiment, { workers: 1 });
    expect(one).toHaveLength(18);
    expect(await sweep(experiment, { workers: 2 })).toEqual(one);
    expect(await sweep(experiment, { workers: 3 })).toEqual(one);
  });

  it('forEachSimulation hands runs over in task order, starting none more than 4 per worker ahead of the next to hand over', async () => {
    // Run lengths vary (1,000 to 6,000 requests), so runs finish out of order on 2 workers.
    const task = (i: number) => ({ scenario: small, options: { seed: i + 1, requests: 1_000 + ((i * 7) % 6) * 1_000 } });
    const order: number[] = [], got: Summary[] = [], ahead: number[] = [];
    await forEachSimulation(24, (i) => {
      ahead.push(i - order.length);
      return task(i);
    }, (summary, i) => {
      order.push(i);
      got.push(summary);
    }, { workers: 2 });
    expect(order).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(Math.max(...ahead)).toBe(7); // the window: 2 workers x 4 runs started and not handed over
    const one = Array.from({ length: 24 }, (_, i) => simulate(task(i).scenario, task(i).options));
    const strip = ({ wallMs: _, ...s }: Summary) => s;
    expect(got.map(strip)).toEqual(one.map(strip));
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

  it('on a failure hands over every earlier run, then rejects with the first failure in task order, whatever fails first in time', async () => {
    // On 2 workers run 2 (50 events) fails long before run 1 (30,000 events), and both before run 0 ends.
    const tasks = [
      { scenario: { ...small, stop: { requests: 40_000 } }, options: {} },
      { scenario: { ...small, stop: { requests: 40_000, maxEvents: 30_000 } }, options: {} },
      { scenario: { ...small, stop: { requests: 2_000, maxEvents: 50 } }, options: {} },
      { scenario: small, options: {} },
    ];
    for (const workers of [1, 2]) {
      const handed: number[] = [];
      await expect(forEachSimulation(tasks.length, (i) => tasks[i], (_, i) => handed.push(i), { workers }), `${workers} workers`).rejects.toThrow(/^stop\.maxEvents: the run handled 30,000 events/);
      expect(handed, `${workers} workers`).toEqual([0]);
    }
  });

  it('lets the event loop run between runs on one worker (a closed stdout ends lbsim ... | head at once, not after the last run)', async () => {
    let ticked = false;
    const seenAtTask: boolean[] = [];
    await forEachSimulation(3, (i) => {
      seenAtTask.push(ticked);
      return { scenario: small, options: { seed: i + 1, requests: 200 } };
    }, (_, i) => {
      if (i === 0) setImmediate(() => (ticked = true));
    }, { workers: 1 });
    expect(seenAtTask).toEqual([false, true, true]);
  });

  it('checks its options by name', async () => {
    await expect(runSimulations([], { workers: 0 })).rejects.toThrow(/^options\.workers: got 0, expected an integer from 1 to 256$/);
    await expect(runSimulations([], { require: [''] })).rejects.toThrow(/^options\.require: got \[""\], expected a list of module paths or URLs$/);
  });
});
