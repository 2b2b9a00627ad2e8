/**
 * The article scenes: the path of the load-balancing essay (samwho.dev/load-balancing) — equal
 * requests, variable cost, servers of different power, weighted round robin, least
 * connections, a failing server — then newer policies. Each scene is plain scenario JSON (so the
 * CLI reproduces it from a file) plus how to show it. Adding a scene is adding one entry; a
 * scene whose balancers are not registered is left out by `availableScenes`.
 */
import '../src/balancers/index.js';
import { getBalancer } from '../src/balancers/registry.js';

export interface Scene {
  id: string;
  title: string;
  /** One paragraph for the gallery. */
  text: string;
  /** One balancer, or two for a side-by-side comparison on the identical workload. */
  balancers: readonly string[];
  scenario: Record<string, unknown>;
  /** Shown in the gallery (false: only reachable by `preset=`). */
  gallery?: boolean;
}

const UNIFORM_COST = { dist: 'uniform', minMs: 100, maxMs: 900 };
/** Four servers of different power (speed); `weight` = power where a scene says so. */
const POWERS = [2, 1.5, 1, 0.5];
const powered = (weighted: boolean) =>
  POWERS.map((speed, i) => ({ name: `s${i + 1}`, count: 1, speed, queueLimit: 10, ...(weighted ? { weight: speed } : {}) }));

/** A two-minute essay-sized run: 4 single-slot servers with queues of 10, requests of ~500 ms. */
function essay(name: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    seed: 1,
    stop: { timeMs: 120_000 },
    servers: [{ count: 4, concurrency: 1, queueLimit: 10 }],
    arrivals: { process: 'constant', ratePerSec: 6 },
    service: { dist: 'constant', valueMs: 500 },
    balancer: { name: 'round-robin' },
    ...fields,
  };
}

export const SCENES: readonly Scene[] = [
  {
    id: 'round-robin',
    title: 'Round robin, equal requests',
    text: 'Requests arrive at a steady pace and all cost the same. Round robin hands them to each server in turn, so every server finishes one before the next arrives: no queue, nothing dropped.',
    balancers: ['round-robin'],
    scenario: essay('round-robin', {}),
  },
  {
    id: 'variable-cost',
    title: 'Variable request cost',
    text: 'Now requests cost between 100 and 900 ms. Round robin does not look at what a server is doing, so a server that drew two slow requests in a row builds a queue while its neighbours sit idle; when a queue of 10 is full, the next request is dropped.',
    balancers: ['round-robin'],
    scenario: essay('variable-cost', { arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST }),
  },
  {
    id: 'different-power',
    title: 'Servers of different power',
    text: 'The servers now differ: the first is four times as fast as the last. Round robin still sends each a quarter of the traffic, so the slow server is overwhelmed and drops requests while the fast one idles.',
    balancers: ['round-robin'],
    scenario: essay('different-power', { servers: powered(false), arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST }),
  },
  {
    id: 'weighted-round-robin',
    title: 'Weighted round robin',
    text: 'Give each server a weight equal to its power and weighted round robin sends traffic in proportion: the slow server gets its fair share and stops dropping. It still cannot see that one request costs more than another.',
    balancers: ['weighted-round-robin'],
    scenario: essay('weighted-round-robin', { servers: powered(true), arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST }),
  },
  {
    id: 'least-connections',
    title: 'Least connections',
    text: 'Least connections sends each request to the server with the fewest open requests. It needs no weights: a server that is slow or busy with a costly request keeps its connections longer and so receives less. Latency and drops fall together.',
    balancers: ['least-connections'],
    scenario: essay('least-connections', { servers: powered(false), arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST }),
  },
  {
    id: 'failure',
    title: 'A server fails and recovers',
    text: 'Server 2 fails at 6 s and comes back at 14 s (and again at 46 s). Health checks every second need two failures in a row to notice, so requests sent in between fail; once it is marked down, traffic moves to the others. Back up, it warms up slowly (recovering) before taking its full share.',
    balancers: ['least-connections'],
    scenario: essay('failure', {
      stop: { timeMs: 70_000 },
      arrivals: { process: 'poisson', ratePerSec: 5 },
      service: UNIFORM_COST,
      health: { intervalMs: 1_000, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 2 },
      failures: { warmupMs: 4_000, outages: [{ atMs: 6_000, forMs: 8_000, servers: [1] }, { atMs: 46_000, forMs: 8_000, servers: [1] }] },
    }),
  },
  {
    id: 'peak-ewma',
    title: 'Peak-EWMA: latency-aware',
    text: 'One server turns slow without failing (a gray failure, from 8 s to 38 s). Peak-EWMA scores servers by their recent latency times their open requests, so it notices the slow one within a few requests and routes around it.',
    balancers: ['peak-ewma'],
    scenario: essay('peak-ewma', {
      arrivals: { process: 'poisson', ratePerSec: 6 },
      service: UNIFORM_COST,
      failures: { warmupMs: 0, outages: [], slowdowns: [{ atMs: 8_000, forMs: 30_000, servers: [2], factor: 4 }] },
    }),
  },
  {
    id: 'dynamic-weighted-round-robin',
    title: 'Dynamic weighted round robin',
    text: 'The servers differ in power but nobody configured weights. Dynamic weighted round robin measures each server and adjusts its weight as it goes, converging on the split that weighted round robin needed to be told.',
    balancers: ['dynamic-weighted-round-robin'],
    scenario: essay('dynamic-weighted-round-robin', { servers: powered(false), arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST }),
  },
  {
    id: 'compare',
    title: 'Side by side: round robin vs least connections',
    text: 'The same requests (same arrival times, same costs: common random numbers) sent by two balancers to two identical pools.',
    balancers: ['round-robin', 'least-connections'],
    scenario: essay('compare', { servers: powered(false), arrivals: { process: 'poisson', ratePerSec: 7 }, service: UNIFORM_COST }),
  },
  {
    id: 'overload',
    title: 'Overload: 2,000+ requests in flight',
    text: 'Twelve servers with four slots and queues of 200 each, offered two thirds more than they can serve: every queue fills and the excess is dropped.',
    balancers: ['least-connections'],
    scenario: {
      name: 'overload',
      seed: 1,
      stop: { timeMs: 600_000 },
      servers: [{ count: 12, concurrency: 4, queueLimit: 200 }],
      arrivals: { process: 'poisson', ratePerSec: 800 },
      service: { dist: 'exponential', meanMs: 100 },
      balancer: { name: 'least-connections' },
    },
    gallery: false,
  },
];

/** The scenes whose balancers are all registered. */
export function availableScenes(scenes: readonly Scene[] = SCENES): Scene[] {
  return scenes.filter((s) => s.balancers.every((b) => getBalancer(b) !== undefined));
}

export function findScene(id: string): Scene | undefined {
  return availableScenes().find((s) => s.id === id);
}
