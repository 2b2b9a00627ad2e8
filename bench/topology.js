// @ts-check
// bench/topology.js - a three-tier chain of services at N entry requests: speed and memory.
//
//   node --expose-gc bench/topology.js [N=1e6] [seed=1]
//
// front → mid → back, each 8 servers × 8 slots, exponential work of 1 ms per tier, slots held while
// waiting (thread per request), 3,000 requests/s: every entry request makes 3 attempts and 2 calls.
// Times model.run() only (CPU time of the process, process.cpuUsage) and prints one JSON line:
// entry requests/s, attempts/s (all tiers), events/s, heap before and after (after a full GC).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTopologyModel } from '../dist/index.js';

setFlagsFromString('--expose-gc');
const gc = /** @type {() => void} */ (runInNewContext('gc'));
const n = Number(process.argv[2] ?? 1e6), seed = Number(process.argv[3] ?? 1);
const tier = (next) => ({
  servers: [{ count: 8, concurrency: 8 }], balancer: { name: 'least-connections' },
  work: next ? [{ work: { dist: 'exponential', meanMs: 1 } }, { call: next }] : [{ work: { dist: 'exponential', meanMs: 1 } }],
});
const model = createTopologyModel({
  seed, stop: { requests: n }, arrivals: { process: 'poisson', ratePerSec: 3000 }, entry: 'front',
  services: { front: tier('mid'), mid: tier('back'), back: tier(undefined) },
}, {});
gc();
const heapBefore = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage(), t0 = performance.now();
model.run();
const cpu = process.cpuUsage(cpu0), wallS = (performance.now() - t0) / 1000;
gc();
const heapAfter = process.memoryUsage().heapUsed;
const cpuS = (cpu.user + cpu.system) / 1e6;
const attempts = model.services.reduce((a, s) => a + s.counters.attempts, 0);
console.log(JSON.stringify({
  workload: 'three-tier chain', n, seed, succeeded: model.stats.succeeded, cpu_s: cpuS, wall_s: wallS,
  entry_requests_per_s: Math.round(n / cpuS), attempts_per_s: Math.round(attempts / cpuS), events_per_s: Math.round(model.sim.events / cpuS),
  mean_latency_ms: model.stats.latencyStats.mean, heap_mb_before: +(heapBefore / 2 ** 20).toFixed(2), heap_mb_after: +(heapAfter / 2 ** 20).toFixed(2),
}));
