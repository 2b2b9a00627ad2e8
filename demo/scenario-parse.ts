/**
 * The element's scenario parser. A single pool's parser is in the element's file; a topology's
 * (services calling services) is in the topology scene's file and the workflows' in the workflow
 * scene's, loaded by `loadParsers` the first time a scenario needs them (the files the figure
 * then loads anyway to show it). Messages are the library's `parseScenario`'s, word for word.
 */
import { isTopologyInput, parsePoolScenario, type Scenario } from '../src/scenario/pool-scenario.js';
import type { parseTopologyScenario } from '../src/scenario/topology-scenario.js';
import type { WorkflowParser } from '../src/scenario/topology-scenario.js';

let topology: typeof parseTopologyScenario | null = null;
let workflows: WorkflowParser | null = null;

/** Loads the parsers scenario JSON `json` needs beyond a single pool's; resolves at once when it needs none or they are loaded. */
export async function loadParsers(json: unknown): Promise<void> {
  if (!isTopologyInput(json)) return;
  topology ??= (await import('./topology-scene.js')).parseTopologyScenario;
  if (json.workflows !== undefined) workflows ??= (await import('./workflow-scene.js')).parseWorkflows;
}

/** The library's parseScenario, for a topology once `loadParsers` has loaded its parser. */
export function parseScenario(json: unknown): Scenario {
  if (!isTopologyInput(json)) return parsePoolScenario(json);
  if (!topology) throw new Error('scenario: a topology, whose parser is not loaded (loadParsers)');
  return topology(json, undefined, workflows ?? undefined);
}
