/**
 * Turns what an embedding page gives `<lbsim-view>` — a `preset` name, `scenario` JSON (text or
 * object), a `balancers` list, a `seed` and a `story` — into validated scenarios, or into one readable
 * error to show in place of the animation. Scenario text is data: it is parsed with JSON.parse
 * and checked by the library's `parseScenario`; nothing is fetched or evaluated. Asynchronous: a
 * topology's parser is loaded with its scene's file (scenario-parse.ts), and policies beyond the common
 * ones with their own file (policies.ts).
 */
import '../src/balancers/index.js';
import { withBalancer, type Scenario } from '../src/scenario/pool-scenario.js';
import { loadParsers, parseScenario } from './scenario-parse.js';
import { loadPolicies, needsPolicies, withEveryPolicy } from './policies.js';
import { storyValue } from '../src/scenario/story.js';
import { POOL_PRESETS } from '../src/scenario/pool-presets.js';
import { availableScenes, findScene, type Scene } from './scenes.js';

export interface SourceInput {
  preset?: string | null;
  scenario?: string | object | null;
  balancers?: string | null;
  seed?: string | number | null;
  /** A story (JSON text of its steps, or the array) replacing the scenario's own. */
  story?: string | unknown[] | null;
}

export type Resolved =
  | { ok: true; title: string; scene: Scene | undefined; json: Record<string, unknown>; balancers: string[]; scenarios: Scenario[] }
  | { ok: false; error: string };

/** Most servers a scene draws (rows must stay legible). */
export const MAX_DRAWN_SERVERS = 48;
export const DEFAULT_PRESET = 'variable-cost';

export async function resolveSource(input: SourceInput): Promise<Resolved> {
  try {
    return { ok: true, ...await resolve(input) };
  } catch (e) {
    return { ok: false, error: withEveryPolicy(e instanceof Error ? e.message : String(e)) };
  }
}

async function resolve(input: SourceInput): Promise<Omit<Extract<Resolved, { ok: true }>, 'ok'>> {
  let json: unknown, scene: Scene | undefined, title: string;
  const text = input.scenario;
  if (text !== undefined && text !== null && text !== '') {
    json = typeof text === 'string' ? parseJson(text) : text;
    title = typeof (json as { name?: unknown }).name === 'string' ? (json as { name: string }).name : 'scenario';
  } else {
    const name = input.preset || DEFAULT_PRESET;
    scene = findScene(name);
    json = await presetJson(scene ? scene.preset : name);
    if (json === undefined) {
      const known = [...availableScenes().map((s) => s.id), ...(await import('./topology-scene.js')).presetNames()];
      throw new Error(`preset: got ${JSON.stringify(name)}, expected one of ${known.join(', ')}`);
    }
    title = scene?.title ?? name;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('scenario: expected a JSON object');
  if (input.story !== undefined && input.story !== null && input.story !== '') json = { ...json, story: storyValue(input.story) };
  const names = input.balancers ? input.balancers.split(',').map((b) => b.trim()).filter(Boolean) : [...(scene?.balancers ?? [])];
  await loadParsers(json);
  if (needsPolicies(json, names)) await loadPolicies();
  let scenario = parseScenario(json);
  const groups = scenario.topology ? scenario.topology.services.flatMap((svc) => svc.servers) : scenario.servers;
  const servers = groups.reduce((n, g) => n + g.count, 0);
  if (servers > MAX_DRAWN_SERVERS) {
    throw new Error(`servers: got ${servers} servers, expected at most ${MAX_DRAWN_SERVERS} to draw`);
  }
  if (input.seed !== undefined && input.seed !== null && input.seed !== '') {
    const seed = Number(input.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
      throw new Error(`seed: got ${JSON.stringify(input.seed)}, expected an integer from 0 to ${2 ** 32 - 1}`);
    }
    scenario = { ...scenario, seed };
  }
  if (names.length > 2) throw new Error(`balancers: got ${names.length} names, expected one, or two to compare side by side`);
  const scenarios = names.length === 0 ? [scenario] : names.map((b) => withBalancer(scenario, b));
  const withSeed = { ...(json as Record<string, unknown>), seed: scenario.seed };
  return { title, scene, json: withSeed, balancers: scenarios.map((s) => s.balancer.name), scenarios };
}

/**
 * A copy of the named library preset's JSON (as `preset()`), or undefined. A single pool's presets
 * are in the element's file; the topologies' and workflows' travel in the topology scene's file.
 */
async function presetJson(name: string): Promise<unknown> {
  if (Object.prototype.hasOwnProperty.call(POOL_PRESETS, name)) return structuredClone(POOL_PRESETS[name as keyof typeof POOL_PRESETS].scenario);
  return (await import('./topology-scene.js')).preset(name);
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) {
    throw new Error('scenario: expected JSON text starting with "{" (a scenario object; URLs are not fetched)');
  }
  try {
    return JSON.parse(trimmed);
  } catch (e) {
    throw new Error(`scenario: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}
