/**
 * Named scenarios: a single pool's (pool-presets.ts: the default used by `npm start`, the
 * baselines' workloads, scenes for articles), topologies' and workflows'. Each is plain JSON, so
 * `lbsim run <name>` and a scenario file are interchangeable.
 */

import { POOL_PRESETS, type PresetInfo } from './pool-presets.js';
import type { ScenarioInput, TopologyInput } from './scenario-input.js';
import { TOPOLOGY_PRESETS } from './topology-presets.js';
import { WORKFLOW_PRESETS } from '../workflow/presets.js';

export type { PresetInfo } from './pool-presets.js';

/** The built-in presets' names: `preset()` of one of them is never undefined. */
export type PresetName = keyof typeof POOL_PRESETS;

export const PRESETS: Readonly<Record<string, PresetInfo>> = { ...POOL_PRESETS, ...TOPOLOGY_PRESETS, ...WORKFLOW_PRESETS };

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}

/** The topology presets' names. */
export type TopologyPresetName = keyof typeof TOPOLOGY_PRESETS | keyof typeof WORKFLOW_PRESETS;

/** A deep copy of the named preset's scenario JSON, or undefined. */
export function preset(name: PresetName): ScenarioInput;
export function preset(name: TopologyPresetName): TopologyInput;
export function preset(name: string): ScenarioInput | undefined;
export function preset(name: string): ScenarioInput | TopologyInput | undefined {
  const p = Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name] : undefined;
  return p ? structuredClone(p.scenario) as ScenarioInput : undefined;
}
