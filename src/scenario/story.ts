/**
 * Stories: a scripted sequence of things that happen to a scenario, in simulated time, as an
 * article tells them — `[{"atMs": 10000, "kill": "S2", "caption": "S2 crashes"}, …]`. A story is
 * data in the scenario (`"story": [...]`) and compiles into the scenario's own perturbations, so
 * `lbsim run` reproduces exactly what an animated figure shows:
 *
 * - `kill: "S2"` → an outage of server S2 from `atMs` until a later `revive: "S2"` (or for good);
 * - `slow: "S3", factor, forMs?` → a slowdown of S3 by `factor` (for `forMs`, or for good);
 * - `rate: 40` → the arrival rate steps to 40/s from `atMs` (Poisson or constant arrivals);
 * - `caption: "…"` → words only (also allowed beside any action).
 *
 * Servers are named as the pictures and the CLI's tables number them, from 1: "S1" is server id 0.
 * The scenario keeps the story as written; `toModelConfig` compiles it for each run (so parsing
 * stays idempotent), and the element reads the steps for captions and events.
 */
import { ScenarioError, array, join, numberField, object, type Json } from '../input/check.js';
import type { Scenario } from './scenario.js';

export type StoryAction =
  | { kind: 'caption' }
  | { kind: 'kill'; server: number }
  | { kind: 'revive'; server: number }
  | { kind: 'slow'; server: number; factor: number; forMs?: number }
  | { kind: 'rate'; ratePerSec: number };

/** One step, validated: `server` is the 0-based id of "S<server + 1>". */
export type StoryStep = StoryAction & { atMs: number; caption?: string };

/** A kill without a revive, a slowdown without `forMs`: lasts this long (ms, ~31.7 years). */
export const FOREVER_MS = 1e12;
/** Longest caption, in characters. */
export const MAX_CAPTION = 280;
/** Most steps in a story. */
export const MAX_STEPS = 1_000;

const ACTIONS = ['kill', 'revive', 'slow', 'rate'] as const;
const FIELDS = ['atMs', 'caption', ...ACTIONS, 'factor', 'forMs'];

/** Validates a story for a pool of `servers` servers; errors name the step (`story[2].kill`). */
export function parseStory(value: unknown, servers: number, path = 'story'): StoryStep[] {
  const items = array(value, path);
  if (items.length > MAX_STEPS) throw new ScenarioError(path, `${items.length} steps`, `at most ${MAX_STEPS} steps`);
  return items.map((item, i) => parseStep(item, servers, join(path, i)));
}

function parseStep(item: unknown, servers: number, path: string): StoryStep {
  const o = object(item, path, FIELDS);
  const atMs = numberField(o, 'atMs', path, { min: 0, max: FOREVER_MS });
  const actions = ACTIONS.filter((a) => o[a] !== undefined);
  if (actions.length > 1) throw new ScenarioError(join(path, actions[1]), o[actions[1]], `one action per step (this one has ${actions.join(' and ')})`);
  let caption: string | undefined;
  if (o.caption !== undefined) {
    if (typeof o.caption !== 'string' || o.caption.trim() === '' || o.caption.length > MAX_CAPTION) {
      throw new ScenarioError(join(path, 'caption'), o.caption, `text of 1 to ${MAX_CAPTION} characters`);
    }
    caption = o.caption;
  }
  const action = actions[0];
  if ((o.factor !== undefined || o.forMs !== undefined) && action !== 'slow') {
    const key = o.factor !== undefined ? 'factor' : 'forMs';
    throw new ScenarioError(join(path, key), o[key], 'only with "slow"');
  }
  let step: StoryStep;
  switch (action) {
    case undefined:
      if (caption === undefined) throw new ScenarioError(path, item, `an action (${ACTIONS.join(', ')}) or a caption`);
      step = { kind: 'caption', atMs };
      break;
    case 'kill':
    case 'revive':
      step = { kind: action, atMs, server: serverId(o, action, servers, path) };
      break;
    case 'slow': {
      step = { kind: 'slow', atMs, server: serverId(o, 'slow', servers, path), factor: numberField(o, 'factor', path, { min: 1, max: 1e6 }) };
      if (o.forMs !== undefined) step.forMs = numberField(o, 'forMs', path, { above: 0, max: FOREVER_MS });
      break;
    }
    case 'rate':
      step = { kind: 'rate', atMs, ratePerSec: numberField(o, 'rate', path, { min: 0, max: 1e9 }) };
      break;
  }
  if (caption !== undefined) step.caption = caption;
  return step;
}

/** "S2" (as drawn, from 1) → 2 - 1. */
function serverId(o: Json, key: string, servers: number, path: string): number {
  const value = o[key];
  const m = typeof value === 'string' ? /^[Ss]([1-9][0-9]*)$/.exec(value.trim()) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 1 && n <= servers)) {
    throw new ScenarioError(join(path, key), value, `a server named as drawn, "S1" to "S${servers}"`);
  }
  return n - 1;
}

/**
 * The scenario with `story` compiled in: kills (closed by revives) appended to
 * `failures.outages`, slows to `failures.slowdowns`, rate steps to `arrivals.changes`; the result
 * has no `story` left. Throws a ScenarioError naming the step for a
 * revive of a running server, a kill of a killed one, or a rate step on arrivals other than
 * Poisson or constant.
 */
export function compileStory(scenario: Scenario, story: readonly StoryStep[], path = 'story'): Scenario {
  const order = story.map((_, i) => i).sort((a, b) => story[a].atMs - story[b].atMs || a - b);
  const outages = [...(scenario.failures?.outages ?? [])];
  const slowdowns = [...(scenario.failures?.slowdowns ?? [])];
  const changes: { atMs: number; ratePerSec: number }[] = [];
  /** Index in `outages` of each server's open kill. */
  const open = new Map<number, number>();
  for (const i of order) {
    const step = story[i], at = join(path, i);
    switch (step.kind) {
      case 'kill':
        if (open.has(step.server)) throw new ScenarioError(join(at, 'kill'), `S${step.server + 1}`, `a server running at ${step.atMs} ms (it was killed before and not revived)`);
        open.set(step.server, outages.length);
        outages.push({ atMs: step.atMs, forMs: FOREVER_MS, servers: [step.server] });
        break;
      case 'revive': {
        const k = open.get(step.server);
        if (k === undefined) throw new ScenarioError(join(at, 'revive'), `S${step.server + 1}`, `a server the story killed before ${step.atMs} ms`);
        const forMs = step.atMs - outages[k].atMs;
        if (!(forMs > 0)) throw new ScenarioError(join(at, 'atMs'), step.atMs, `a time after its kill (${outages[k].atMs} ms)`);
        outages[k] = { ...outages[k], forMs };
        open.delete(step.server);
        break;
      }
      case 'slow':
        slowdowns.push({ atMs: step.atMs, forMs: step.forMs ?? FOREVER_MS, servers: [step.server], factor: step.factor });
        break;
      case 'rate':
        if (scenario.arrivals.process !== 'poisson' && scenario.arrivals.process !== 'constant') {
          throw new ScenarioError(join(at, 'rate'), step.ratePerSec, `a story on Poisson or constant arrivals (these are "${scenario.arrivals.process}")`);
        }
        changes.push({ atMs: step.atMs, ratePerSec: step.ratePerSec });
        break;
    }
  }
  const { story: _written, ...compiled }: Scenario = scenario;
  if (outages.length > (scenario.failures?.outages.length ?? 0) || slowdowns.length > (scenario.failures?.slowdowns?.length ?? 0)) {
    compiled.failures = { warmupMs: 0, ...scenario.failures, outages };
    if (slowdowns.length) compiled.failures.slowdowns = slowdowns;
  }
  if (changes.length) {
    const a = scenario.arrivals as Extract<Scenario['arrivals'], { process: 'poisson' | 'constant' }>;
    compiled.arrivals = { ...a, changes: [...(a.changes ?? []), ...changes].sort((x, y) => x.atMs - y.atMs) };
  }
  return compiled;
}

/** A story given outside a scenario (an element's `story` attribute): JSON text or an array. */
export function storyValue(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (e) {
    throw new ScenarioError('story', input, `JSON text of an array of steps (${e instanceof Error ? e.message : String(e)})`);
  }
}

