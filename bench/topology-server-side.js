// @ts-check
// bench/topology-server-side.js - what the server-side features of a topology cost per event.
//
//   node bench/topology-server-side.js [N=300000] [rounds=5]
//
// bench/topology.js's three-tier chain (front → mid → back, 8 servers × 8 slots each, 1 ms of
// exponential work per tier, 3,000 requests/s) as is, and with on every service: a static limit
// that never binds (64: a server holds at most 8 + its queue); an AIMD limit (defaults but
// min 64, so it never binds either); health checks every 100 ms and an outage late in the run.
// Variants run interleaved, `rounds` times each; prints the CPU time of model.run() per variant
// (process.cpuUsage) as min / median / max ms and the median's ratio to the plain chain's.
import { createTopologyModel } from '../dist/index.js';

const n = Number(process.argv[2] ?? 3e5), rounds = Number(process.argv[3] ?? 5);
const tier = (next, extra) => ({
  servers: [{ count: 8, concurrency: 8 }], balancer: { name: 'least-connections' },
  work: next ? [{ work: { dist: 'exponential', meanMs: 1 } }, { call: next }] : [{ work: { dist: 'exponential', meanMs: 1 } }],
  ...extra,
});
const variants = {
  plain: {},
  'static limit': { limit: { static: 64 } },
  'aimd limit': { limit: { aimd: { initialLimit: 64, minLimit: 64, maxLimit: 200 } } },
  'health + outage': { health: { intervalMs: 100, timeoutMs: 10 }, failures: { outages: [{ atMs: (n / 3000) * 900, forMs: 100, servers: [0] }] } },
};
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, /** @type {number[]} */ ([])]));
for (let r = 0; r < rounds; r++) {
  for (const [name, extra] of Object.entries(variants)) {
    const model = createTopologyModel({
      seed: 1, stop: { requests: n }, arrivals: { process: 'poisson', ratePerSec: 3000 }, entry: 'front',
      services: { front: tier('mid', extra), mid: tier('back', extra), back: tier(undefined, extra) },
    }, {});
    const cpu0 = process.cpuUsage();
    model.run();
    const cpu = process.cpuUsage(cpu0);
    times[name].push((cpu.user + cpu.system) / 1000);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.plain);
for (const [name, xs] of Object.entries(times)) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(JSON.stringify({ variant: name, n, rounds, cpuMs: { min: Math.round(s[0]), median: Math.round(median(xs)), max: Math.round(s[s.length - 1]) }, ratio: Number((median(xs) / base).toFixed(3)) }));
}
