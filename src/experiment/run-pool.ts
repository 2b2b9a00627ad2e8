/**
 * Runs many simulations, in this thread or on a pool of worker threads (tinypool), and hands
 * their Summaries over in the order of the tasks whatever the number of workers: a run depends
 * only on its scenario and seed, never on where or when it ran (`wallMs` aside). Each task is one
 * run, so a slow arm does not hold up a whole batch; the scenario travels with each task (a large
 * inline trace is copied once per run). `forEachSimulation` holds at most a window of runs (those
 * started or finished but waiting for an earlier one), so memory does not grow with the runs;
 * `runSimulations` collects every Summary.
 */
import { simulate, type SimulateOptions } from './simulate.js';
import type { ScenarioInput } from '../scenario/scenario-input.js';
import type { Summary } from '../model/summary.js';
import Tinypool from 'tinypool';
import { ScenarioError, isObject, number } from '../input/check.js';
import { SimulationStalledError } from '../engine/simulation.js';
import { importModules } from './modules.js';
import type { WorkerError, WorkerResult, WorkerTask } from './simulate-worker.js';

export interface SimulationTask {
  scenario: ScenarioInput;
  options: SimulateOptions;
}

export interface PoolOptions {
  /** Worker threads (default 1: runs in this thread); at most MAX_WORKERS. */
  workers?: number;
  /**
   * Modules each worker imports before its first run (file paths, relative to the working
   * directory, or file: URLs): where custom balancers register themselves. This thread imports
   * them too.
   */
  require?: readonly string[];
  /** Called after each run with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export const MAX_WORKERS = 256;
export const POOL_OPTION_KEYS = ['workers', 'require', 'onProgress'];

/** Checks the pool options of `options` (an object already checked for unknown keys). */
export function checkPoolOptions(options: Record<string, unknown>): void {
  if (options.workers !== undefined) number(options.workers, 'options.workers', { integer: true, min: 1, max: MAX_WORKERS });
  if (options.require !== undefined && !(Array.isArray(options.require) && options.require.every((m) => typeof m === 'string' && m !== ''))) {
    throw new ScenarioError('options.require', options.require, 'a list of module paths or URLs');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ScenarioError('options.onProgress', options.onProgress, 'a function (done, total)');
}

/** The Summary of every task, in task order. */
export async function runSimulations(tasks: readonly SimulationTask[], options: PoolOptions = {}): Promise<Summary[]> {
  const out: Summary[] = [];
  await forEachSimulation(tasks.length, (i) => tasks[i], (summary) => out.push(summary), options);
  return out;
}

/** Runs started ahead of the next one to hand over, per worker: work for a worker while another finishes a long run. */
const WINDOW_PER_WORKER = 4;

/**
 * Runs tasks `task(0)` … `task(count − 1)` and calls `each(summary, i)` in task order, each as soon
 * as it and every earlier run are done (and `onProgress` as runs finish, in any order). At most
 * 4 × workers runs are started and not yet handed over, so at most that many Summaries wait for
 * an earlier run. A failure rejects with the first failing run's error in task order, after every
 * earlier run is handed over (no later run is started): what is handed over before an error, and
 * the error, do not depend on the number of workers or on which run failed first in time.
 */
export async function forEachSimulation(
  count: number, task: (i: number) => SimulationTask, each: (summary: Summary, i: number) => void, options: PoolOptions = {},
): Promise<void> {
  if (isObject(options)) checkPoolOptions(options);
  const modules = options.require ?? [];
  await importModules(modules, 'options.require');
  const workers = Math.min(options.workers ?? 1, count);
  if (workers <= 1) {
    for (let i = 0; i < count; i++) {
      const { scenario, options: o } = task(i);
      each(simulate(scenario, o), i);
      options.onProgress?.(i + 1, count);
      // The event loop runs between runs: what `each` wrote can fail (a closed stdout, EPIPE) and end the process now.
      if (i + 1 < count) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return;
  }
  const pool = new Tinypool({ filename: workerFile().href, minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
  const window = workers * WINDOW_PER_WORKER;
  const waiting = new Map<number, Summary>();
  let started = 0, handed = 0, done = 0;
  // A worker that failed outside the runs' protocol (it could not start, or ended): the pool is
  // then torn down by terminating its threads, as Tinypool's destroy() throws an uncaught
  // TypeError when a worker reports an error while it waits for the workers to exit.
  let broken = false;
  let onBeforeExit = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      // The first run known to fail, in task order (count: none), and its error.
      let firstFailed = count, failure: unknown, settled = false;
      const breakDown = (e: unknown) => {
        broken = true;
        if (!settled) settled = true, reject(new WorkerThreadError(`a worker thread failed: ${(e as Error)?.message ?? e}`));
      };
      // Tinypool emits 'error' (unhandled: a crash) when a worker fails with no run of its own,
      // e.g. when it cannot load its module.
      pool.on('error', breakDown);
      // With every worker gone and runs unanswered (a module calling process.exit in a worker),
      // nothing would be left to wait for: the process would end as if all went well.
      onBeforeExit = () => breakDown(new Error('its thread ended with runs unfinished (a module calling process.exit?)'));
      process.once('beforeExit', onBeforeExit);
      const settle = () => {
        if (settled) return;
        try {
          for (let next = waiting.get(handed); next !== undefined; next = waiting.get(handed)) {
            waiting.delete(handed);
            each(next, handed++);
          }
        } catch (e) {
          settled = true;
          return reject(e);
        }
        if (handed === firstFailed && firstFailed < count) settled = true, reject(failure);
        else if (handed === count) settled = true, resolve();
        else start();
      };
      const failAt = (i: number, e: unknown) => {
        if (i < firstFailed) firstFailed = i, failure = e;
        settle();
      };
      const finished = (i: number, result: WorkerResult) => {
        if (settled || i > firstFailed) return;
        if ('error' in result) return failAt(i, rethrown(result.error));
        options.onProgress?.(++done, count);
        waiting.set(i, result.summary);
        settle();
      };
      const start = () => {
        for (; started < firstFailed && started < handed + window; started++) {
          const i = started, { scenario, options: o } = task(i);
          pool.run({ require: modules, scenario, options: o } satisfies WorkerTask).then((result) => finished(i, result as WorkerResult)).catch((e) => breakDown(e));
        }
      };
      start();
    });
  } finally {
    process.off('beforeExit', onBeforeExit);
    if (broken) {
      pool.cancelPendingTasks();
      await Promise.all(pool.threads.map((thread) => thread.terminate()));
    } else await pool.destroy();
  }
}

/** A worker thread failed outside a run (it could not start, crashed or ended): the CLI's exit 1. */
export class WorkerThreadError extends Error {
  override name = 'WorkerThreadError';
}

/**
 * The compiled worker. Under vitest the sources run as TypeScript, but worker threads are plain
 * Node: they run the compiled twin in dist/ (test/global-setup.ts builds it first).
 */
export function workerFile(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/experiment/simulate-worker.js', here) : new URL('./simulate-worker.js', here);
}

/** A worker's error as the class it was in the worker. */
function rethrown(e: WorkerError): Error {
  let error: Error;
  if (e.path !== undefined && e.expected !== undefined) error = new ScenarioError(e.path, e.value, e.expected);
  else if (e.name === 'SimulationStalledError' && e.atMs !== undefined) error = new SimulationStalledError(e.atMs);
  else error = new Error(e.message);
  error.message = e.message;
  error.name = e.name;
  if (e.stack) error.stack = e.stack;
  return error;
}
