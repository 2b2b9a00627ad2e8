/**
 * Scenarios: JSON-serialisable descriptions of an experiment, validated field by field.
 * `parseScenario` turns untrusted JSON into a `Scenario` (defaults filled in) or throws a
 * `ScenarioError` naming the path, the value and what was expected. A single pool's parser lives
 * in pool-scenario.ts, a topology's (services calling services, workflows) in
 * topology-scenario.ts; this module joins them (and re-exports the first).
 */
import type { ScenarioFiles } from './scenario-files.js';
import { isTopologyInput, parsePoolScenario, type Scenario } from './pool-scenario.js';
import { parseTopologyScenario } from './topology-scenario.js';
import { parseWorkflows } from '../workflow/workflow-spec.js';

export * from './pool-scenario.js';
export { TOPOLOGY_TOP } from './topology-scenario.js';

/** `files` reads the files a scenario names (see ScenarioFiles); without it `file` fields are refused. */
export function parseScenario(input: unknown, files?: ScenarioFiles): Scenario {
  return isTopologyInput(input) ? parseTopologyScenario(input, files, parseWorkflows) : parsePoolScenario(input, files);
}
