/**
 * A worker thread of run-pool.ts: imports the modules its tasks name (custom balancers register
 * there), then runs one simulation per task. An error travels back as data, so that the pool can
 * rethrow it as what it was (a ScenarioError stays one, and the CLI exits 2).
 */
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import '../balancers/index.js';
import { simulate, type SimulateOptions } from './simulate.js';
import { importModules } from './modules.js';
import { ScenarioError } from '../input/check.js';
import { SimulationStalledError } from '../engine/simulation.js';
import type { ScenarioInput } from '../scenario/scenario-input.js';
import type { Summary } from '../model/summary.js';

export interface WorkerTask {
  /** Modules to import first, as given to the pool (paths resolve against the shared working directory). */
  require: readonly string[];
  scenario: ScenarioInput;
  options: SimulateOptions;
}

/** What went wrong in a worker, as plain data. */
export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
  path?: string;
  value?: unknown;
  expected?: string;
  atMs?: number;
}

export type WorkerResult =
  | { summary: Summary; thread: number; heapUsedBytes: number }
  | { error: WorkerError };

export default async function runTask(task: WorkerTask): Promise<WorkerResult> {
  try {
    await importModules(task.require, 'options.require');
    const summary = simulate(task.scenario, task.options);
    return { summary, thread: threadId, heapUsedBytes: getHeapStatistics().used_heap_size };
  } catch (e) {
    const error: WorkerError = { name: (e as Error)?.name ?? 'Error', message: String((e as Error)?.message ?? e), stack: (e as Error)?.stack };
    if (e instanceof ScenarioError) Object.assign(error, { path: e.path, value: structuredCloneable(e.value), expected: e.expected });
    if (e instanceof SimulationStalledError) error.atMs = e.atMs;
    return { error };
  }
}

function structuredCloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}
