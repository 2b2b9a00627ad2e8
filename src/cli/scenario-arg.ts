/**
 * The scenario a command's argument names (a file or a preset), validated. An experiment file
 * given where a scenario goes (it has the experiment's `scenario` and neither `servers` nor
 * `services`) is refused with a pointer to `lbsim sweep`, which runs it, rather than as a scenario
 * with a field too many.
 */
import { ScenarioError, isObject } from '../input/check.js';
import { parseJsonText } from '../input/json-text.js';
import { readScenarioJson } from '../scenario/load.js';
import { readTextFile } from '../scenario/read-text-file.js';
import { parseScenario, type Scenario } from '../scenario/scenario.js';

export function scenarioArg(file: string): Scenario {
  try {
    return parseScenario(readScenarioJson(file));
  } catch (e) {
    const experiment = e instanceof ScenarioError ? experimentJson(file) : undefined;
    if (!experiment) throw e;
    throw new ScenarioError('scenario', experiment.scenario,
      `a scenario file, not an experiment (this one has the experiment's "scenario"${Object.keys(experiment).filter((k) => ['grid', 'seeds', 'metrics'].includes(k)).map((k) => `, "${k}"`).join('')}): run it with lbsim sweep ${file}`);
  }
}

/** The file's JSON when it reads as an experiment, else undefined. */
function experimentJson(file: string): Record<string, unknown> | undefined {
  try {
    const json = parseJsonText(readTextFile(file, (reason) => new Error(reason)), file);
    return isObject(json) && json.scenario !== undefined && json.servers === undefined && json.services === undefined ? json : undefined;
  } catch {
    return undefined;
  }
}
