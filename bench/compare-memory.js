// @ts-check
// bench/compare-memory.js - what `compare` holds per run at large pool sizes.
//
//   node bench/compare-memory.js [servers=100000] [requests=1e5] [dist=../dist]
//
// compare() over round-robin, random and power-of-two on one pool of `servers` single-slot servers
// at ρ = 0.9; the heap retained by the returned summaries (after a full GC, before minus after
// dropping them) divided by the runs, and the JSON size of one summary. One JSON line.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = /** @type {() => void} */ (runInNewContext('gc'));
const [servers = 100_000, requests = 1e5] = process.argv.slice(2, 4).map(Number);
const dist = path.resolve(process.argv[4] ?? new URL('../dist', import.meta.url).pathname);
const { compare } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const input = {
  seed: 1, stop: { requests, warmupMs: 0 }, servers: [{ count: servers }],
  arrivals: { process: 'poisson', ratePerSec: 0.9 * servers * 100 }, service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'round-robin' },
};
const balancers = ['round-robin', 'random', 'power-of-two'];
let summaries = compare(input, balancers);
gc();
const held = process.memoryUsage().heapUsed;
const jsonBytes = JSON.stringify(summaries[0]).length;
summaries = null;
gc();
const freed = held - process.memoryUsage().heapUsed;
console.log(JSON.stringify({ servers, requests, runs: balancers.length, mb_per_run: +(freed / balancers.length / 2 ** 20).toFixed(2), summary_json_kb: Math.round(jsonBytes / 1024) }));
