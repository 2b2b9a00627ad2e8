// @ts-check
// bench/sweep.js - a 64-run sweep on 1 worker and on every core: wall time, speed-up, and the
// memory each worker thread holds. Not a test (timing never is); results go to the README.
//
//   npm run prepare && node --expose-gc bench/sweep.js [--requests 100000] [--repeat 3] [--workers N]
//
// The sweep: 16 arms (4 balancers × 4 loads, the default preset's 10 servers) × 4 seeds = 64
// runs of --requests arrivals each. Each configuration runs --repeat times, alternating 1 and N
// workers so that other load on the machine hits both alike; the median wall time is shown.
// Memory per worker: the V8 heap a worker thread uses after its last run (tinypool, the same
// worker file the pool uses), and the main process's resident set size.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import Tinypool from 'tinypool';
import { sweep, parseExperiment, experimentArms } from '../dist/index.js';
import { workerFile } from '../dist/experiment/run-pool.js';

const opts = { requests: 100_000, repeat: 3, workers: os.availableParallelism() };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const key = args[i].replace(/^--/, ''), value = Number(args[i + 1]);
  if (!(key in opts) || !Number.isFinite(value) || value < 1) {
    console.error('usage: node bench/sweep.js [--requests 100000] [--repeat 3] [--workers N]');
    process.exit(2);
  }
  opts[/** @type {keyof typeof opts} */ (key)] = value;
}

const experiment = {
  name: 'bench-64',
  scenario: 'default',
  grid: { balancer: ['random', 'round-robin', 'power-of-two', 'least-connections'], load: [0.6, 0.7, 0.8, 0.9] },
  seeds: [1, 2, 3, 4],
  requests: opts.requests,
};

/**
 * Wall time (s) of the whole sweep on `workers` threads, pool start-up included, and the CPU time
 * the process spent (s, every thread): on a machine shared with other work the wall time depends
 * on what else runs, the CPU time much less.
 */
async function time(workers) {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const rows = await sweep(experiment, { workers });
  if (rows.length !== 64) throw new Error(`expected 64 runs, got ${rows.length}`);
  const cpu = process.cpuUsage(c0);
  return { s: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, rows };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const one = [], all = [], cpuOne = [], cpuAll = [];
let reference;
for (let k = 0; k < opts.repeat; k++) {
  const a = await time(1);
  const b = await time(opts.workers);
  one.push(a.s);
  all.push(b.s);
  cpuOne.push(a.cpu);
  cpuAll.push(b.cpu);
  reference ??= JSON.stringify(a.rows);
  if (JSON.stringify(b.rows) !== reference || JSON.stringify(a.rows) !== reference) throw new Error('rows differ between runs or worker counts');
}

// Memory: run the 64 tasks on a pool and keep, per thread, the heap used after its last run.
const parsed = parseExperiment(experiment);
const tasks = experimentArms(parsed).flatMap((arm) => parsed.seeds.map((seed) => ({ require: [], scenario: arm.scenario, options: { seed, requests: opts.requests } })));
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const pool = new Tinypool({ filename: workerFile().href, minThreads: opts.workers, maxThreads: opts.workers });
const heaps = new Map();
await Promise.all(tasks.map(async (task) => {
  const r = await pool.run(task);
  if ('error' in r) throw new Error(r.error.message);
  heaps.set(r.thread, r.heapUsedBytes);
}));
const rssWith = process.memoryUsage().rss;
await pool.destroy();
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Node ${process.version}, ${cpu}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`64 runs (16 arms x 4 seeds) of ${opts.requests.toLocaleString('en')} requests, median of ${opts.repeat}:\n`);
console.log('| workers | wall s (median) | each repeat (s) | speed-up | runs/s | CPU s (median, all threads) |');
console.log('|---:|---:|---:|---:|---:|---:|');
const m1 = median(one), mn = median(all);
console.log(`| 1 | ${m1.toFixed(2)} | ${one.map((x) => x.toFixed(2)).join(', ')} | 1.00 | ${(64 / m1).toFixed(1)} | ${median(cpuOne).toFixed(2)} |`);
console.log(`| ${opts.workers} | ${mn.toFixed(2)} | ${all.map((x) => x.toFixed(2)).join(', ')} | ${(m1 / mn).toFixed(2)} | ${(64 / mn).toFixed(1)} | ${median(cpuAll).toFixed(2)} |`);
console.log(`\nrows identical on 1 and ${opts.workers} workers: yes`);
console.log(`V8 heap used per worker after its runs: ${[...heaps.values()].map(mb).join(', ')} MB; process RSS ${mb(rssBefore)} MB before the pool, ${mb(rssWith)} MB with ${opts.workers} workers (${mb((rssWith - rssBefore) / opts.workers)} MB per worker)`);
