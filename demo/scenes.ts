/**
 * The article scenes: the path of the load-balancing essay (samwho.dev/load-balancing) — equal
 * requests, variable cost, servers of different power, weighted round robin, least
 * connections, a failing server — then newer policies. Each scene runs a library preset
 * (src/scenario/article-presets.ts, so `lbsim run essay-…` reproduces it) and says how to show
 * it. Adding a scene is adding a preset and one entry here; a scene whose balancers are not
 * registered is left out by `availableScenes`.
 */
import '../src/balancers/index.js';
import { getBalancer } from '../src/balancers/registry.js';
import { preset as presetScenario } from '../src/scenario/presets.js';
import type { ScenarioInput } from '../src/scenario/scenario-input.js';

/** A scene as written: how to show it, and the preset it runs. */
interface SceneEntry {
  id: string;
  title: string;
  /** One paragraph for the gallery. */
  text: string;
  /** One balancer, or two for a side-by-side comparison on the identical workload. */
  balancers: readonly string[];
  /** Name of its scenario in `PRESETS`. */
  preset: string;
  /** Shown in the gallery (false: only reachable by `preset=`). */
  gallery?: boolean;
}

export interface Scene extends SceneEntry {
  /** The preset's scenario JSON (a copy). */
  scenario: ScenarioInput;
}

const ENTRIES: readonly SceneEntry[] = [
  {
    id: 'round-robin',
    title: 'Round robin, equal requests',
    text: 'Requests arrive at a steady pace and all cost the same. Round robin hands them to each server in turn, so every server finishes one before the next arrives: no queue, nothing dropped.',
    balancers: ['round-robin'],
    preset: 'essay-round-robin',
  },
  {
    id: 'variable-cost',
    title: 'Variable request cost',
    text: 'Now requests cost between 100 and 900 ms. Round robin does not look at what a server is doing, so a server that drew two slow requests in a row builds a queue while its neighbours sit idle; when a queue of 10 is full, the next request is dropped.',
    balancers: ['round-robin'],
    preset: 'essay-variable-cost',
  },
  {
    id: 'different-power',
    title: 'Servers of different power',
    text: 'The servers now differ: the first is four times as fast as the last. Round robin still sends each a quarter of the traffic, so the slow server is overwhelmed and drops requests while the fast one idles.',
    balancers: ['round-robin'],
    preset: 'essay-different-power',
  },
  {
    id: 'weighted-round-robin',
    title: 'Weighted round robin',
    text: 'Give each server a weight equal to its power and weighted round robin sends traffic in proportion: the slow server gets its fair share and stops dropping. It still cannot see that one request costs more than another.',
    balancers: ['weighted-round-robin'],
    preset: 'essay-weighted-round-robin',
  },
  {
    id: 'least-connections',
    title: 'Least connections',
    text: 'Least connections sends each request to the server with the fewest open requests. It needs no weights: a server that is slow or busy with a costly request keeps its connections longer and so receives less. Latency and drops fall together.',
    balancers: ['least-connections'],
    preset: 'essay-least-connections',
  },
  {
    id: 'failure',
    title: 'A server fails and recovers',
    text: 'Server 2 fails at 6 s and comes back at 14 s (and again at 46 s). Health checks every second need two failures in a row to notice, so requests sent in between fail; once it is marked down, traffic moves to the others. Back up, it warms up slowly (recovering) before taking its full share.',
    balancers: ['least-connections'],
    preset: 'essay-failure',
  },
  {
    id: 'peak-ewma',
    title: 'Peak-EWMA: latency-aware',
    text: 'One server turns slow without failing (a gray failure, from 8 s to 38 s). Peak-EWMA scores servers by their recent latency times their open requests, so it notices the slow one within a few requests and routes around it.',
    balancers: ['peak-ewma'],
    preset: 'essay-peak-ewma',
  },
  {
    id: 'dynamic-weighted-round-robin',
    title: 'Dynamic weighted round robin',
    text: 'The servers differ in power but nobody configured weights. Dynamic weighted round robin measures each server and adjusts its weight as it goes, converging on the split that weighted round robin needed to be told.',
    balancers: ['dynamic-weighted-round-robin'],
    preset: 'essay-dynamic-weighted-round-robin',
  },
  {
    id: 'compare',
    title: 'Side by side: round robin vs least connections',
    text: 'The same requests (same arrival times, same costs: common random numbers) sent by two balancers to two identical pools.',
    balancers: ['round-robin', 'least-connections'],
    preset: 'essay-compare',
  },
  {
    id: 'overload',
    title: 'Overload: 2,000+ requests in flight',
    text: 'Twelve servers with four slots and queues of 200 each, offered two thirds more than they can serve: every queue fills and the excess is dropped.',
    balancers: ['least-connections'],
    preset: 'essay-overload',
    gallery: false,
  },
];

export const SCENES: readonly Scene[] = ENTRIES.map((entry) => {
  const scenario = presetScenario(entry.preset);
  if (!scenario) throw new Error(`scene ${entry.id}: no preset ${JSON.stringify(entry.preset)}`);
  return { ...entry, scenario };
});

/** The scenes whose balancers are all registered. */
export function availableScenes(scenes: readonly Scene[] = SCENES): Scene[] {
  return scenes.filter((s) => s.balancers.every((b) => getBalancer(b) !== undefined));
}

export function findScene(id: string): Scene | undefined {
  return availableScenes().find((s) => s.id === id);
}
