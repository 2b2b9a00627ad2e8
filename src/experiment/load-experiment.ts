/**
 * Experiment files from disk (Node only). The scenario an experiment names is read relative to
 * the experiment file (or is a preset), with the CSV files it names read in place, so the
 * returned Experiment stands alone (and can be sent to worker threads or other machines).
 */
import { dirname, resolve } from 'node:path';
import { ScenarioError, isObject } from '../input/check.js';
import { parseJsonText } from '../input/json-text.js';
import { MAX_FILE_BYTES, readTextFile } from '../scenario/read-text-file.js';
import { readScenarioJson } from '../scenario/load.js';
import { parseExperiment, type Experiment } from './experiment.js';

/** Reads and validates an experiment file. */
export function loadExperimentFile(file: string): Experiment {
  return experimentFromJson(readJson(file), file);
}

/**
 * A JSON file that is an experiment (it has a "scenario" or a "grid" field, which scenarios never
 * have) or a scenario (anything else; a preset name too): the validated experiment, or the scenario JSON as readScenarioJson gives it.
 */
export function readExperimentOrScenario(file: string): { experiment: Experiment } | { scenario: unknown } {
  if (!/[./\\]/.test(file)) return { scenario: readScenarioJson(file) };
  const json = readJson(file);
  return isObject(json) && ('scenario' in json || 'grid' in json) ? { experiment: experimentFromJson(json, file) } : { scenario: readScenarioJson(file) };
}

function readJson(file: string): unknown {
  const text = readTextFile(file, (reason) => new ScenarioError(file, undefined, `an experiment or scenario file: a regular file of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB`, reason));
  return parseJsonText(text, file);
}

function experimentFromJson(json: unknown, file: string): Experiment {
  const dir = dirname(file);
  return parseExperiment(json, (ref, at) => {
    try {
      return readScenarioJson(resolve(dir, ref));
    } catch (e) {
      if (e instanceof ScenarioError) throw new ScenarioError(at, ref, `a valid scenario file, relative to ${file} (${e.message})`);
      throw e;
    }
  });
}
