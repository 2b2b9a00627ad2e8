/**
 * Runs many simulations, in this thread or on a pool of worker threads, and returns their
 * Summaries in the order of the tasks whatever the number of workers: a run depends only on its
 * scenario and seed, never on where or when it ran (`wallMs` aside).
 */
import { simulate, type SimulateOptions } from './simulate.js';
import type { ScenarioInput } from '../scenario/scenario-input.js';
import type { Summary } from '../model/summary.js';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioError, isObject, join, number } from '../input/check.js';

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

/** A module to import: a path (relative to the working directory) as a file URL; URLs and package names as given. */
export function moduleUrl(spec: string): string {
  return spec.startsWith('.') || isAbsolute(spec) ? pathToFileURL(resolve(spec)).href : spec;
}

/** Imports `specs` in order (each once per thread: modules are cached); a ScenarioError names the one that fails. */
export async function importModules(specs: readonly string[], path = '--require'): Promise<void> {
  for (let i = 0; i < specs.length; i++) {
    try {
      await import(moduleUrl(specs[i]));
    } catch (e) {
      const reason = String((e as Error)?.message ?? e).split('\n')[0];
      throw new ScenarioError(specs.length > 1 || path !== '--require' ? join(path, i) : path, specs[i], `a module that can be imported (${reason})`);
    }
  }
}

/** The Summary of every task, in task order. */
export async function runSimulations(tasks: readonly SimulationTask[], options: PoolOptions = {}): Promise<Summary[]> {
  if (isObject(options)) checkPoolOptions(options);
  await importModules(options.require ?? [], 'options.require');
  const out: Summary[] = [];
  for (const task of tasks) {
    out.push(simulate(task.scenario, task.options));
    options.onProgress?.(out.length, tasks.length);
  }
  return out;
}
