/**
 * The article scenes: the path of the load-balancing essay (samwho.dev/load-balancing) — equal
 * requests, variable cost, servers of different power, weighted round robin, least
 * connections, a failing server — then newer policies. Each scene runs a library preset
 * (src/scenario/article-presets.ts, so `lbsim run essay-…` reproduces it) and says how to show
 * it; the gallery's paragraph about it is in scene-texts.ts (the element does not carry them).
 * Adding a scene is adding a preset and one entry here; a scene whose balancers are not
 * registered is left out by `availableScenes`.
 */
import '../src/balancers/index.js';
import { isPolicy } from './policies.js';

/**
 * A scene: how to show it, and the preset it runs (its JSON is `preset(scene.preset)`; the element
 * looks it up itself, so this module carries no scenario and topologies' presets stay out of its file).
 */
export interface Scene {
  id: string;
  title: string;
  /** One balancer, or two for a side-by-side comparison on the identical workload. */
  balancers: readonly string[];
  /** Name of its scenario in `PRESETS`. */
  preset: string;
  /** Shown in the gallery (false: only reachable by `preset=`). */
  gallery?: boolean;
  /** The gallery's playback speed (simulated ms per wall ms; default: the workload's own, timing.ts). */
  speed?: number;
}

export const SCENES: readonly Scene[] = [
  {
    id: 'round-robin',
    title: 'Round robin, equal requests',
    balancers: ['round-robin'],
    preset: 'essay-round-robin',
  },
  {
    id: 'variable-cost',
    title: 'Variable request cost',
    balancers: ['round-robin'],
    preset: 'essay-variable-cost',
  },
  {
    id: 'different-power',
    title: 'Servers of different power',
    balancers: ['round-robin'],
    preset: 'essay-different-power',
  },
  {
    id: 'weighted-round-robin',
    title: 'Weighted round robin',
    balancers: ['weighted-round-robin'],
    preset: 'essay-weighted-round-robin',
  },
  {
    id: 'least-connections',
    title: 'Least connections',
    balancers: ['least-connections'],
    preset: 'essay-least-connections',
  },
  {
    id: 'failure',
    title: 'A server fails and recovers',
    balancers: ['least-connections'],
    preset: 'essay-failure',
  },
  {
    id: 'peak-ewma',
    title: 'Peak-EWMA: latency-aware',
    balancers: ['peak-ewma'],
    preset: 'essay-peak-ewma',
  },
  {
    id: 'dynamic-weighted-round-robin',
    title: 'Dynamic weighted round robin',
    balancers: ['dynamic-weighted-round-robin'],
    preset: 'essay-dynamic-weighted-round-robin',
  },
  {
    id: 'compare',
    title: 'Side by side: round robin vs least connections',
    balancers: ['round-robin', 'least-connections'],
    preset: 'essay-compare',
  },
  {
    id: 'retry-storm',
    title: 'Retry storm across three tiers',
    balancers: ['round-robin'],
    preset: 'retry-amplification',
  },
  {
    id: 'circuit-breaker',
    title: 'A circuit breaker turns slow failures into fast ones',
    balancers: ['least-connections'],
    preset: 'circuit-breaker',
  },
  {
    id: 'order-payment-race',
    title: 'Order ↔ Payment: a cancel races the authorization',
    balancers: ['least-connections'],
    preset: 'cancel-race',
  },
  {
    id: 'checkout',
    title: 'Checkout: admin bursts leak reserved stock',
    balancers: ['least-connections'],
    preset: 'checkout',
    speed: 1, // its own (0.05, from 20 ms queries) would take 40 s to show the first burst
  },
  {
    id: 'overload',
    title: 'Overload: 2,000+ requests in flight',
    balancers: ['least-connections'],
    preset: 'essay-overload',
    gallery: false,
  },
];

/** The scenes whose balancers are all registered. */
export function availableScenes(scenes: readonly Scene[] = SCENES): Scene[] {
  return scenes.filter((s) => s.balancers.every(isPolicy));
}

export function findScene(id: string): Scene | undefined {
  return availableScenes().find((s) => s.id === id);
}
