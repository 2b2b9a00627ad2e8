// @ts-check
// bench/baseline.js - lbsim on the shared/baselines workloads, printing their JSON line.
//
//   node bench/baseline.js <mmc|jsq16> <N> <seed>
//   EXTRA="node bench/baseline.js" /work/shared/baselines/run.sh 1e6
//
// Builds the model with createModel(preset(name), {requests: N, seed}) from the compiled
// library (../dist), times model.run() only (process.hrtime.bigint), and prints one JSON line
// with the baselines' fields. Times are reported in units of the mean service time (1000 ms).
// mean_response is the model's streaming (Welford) mean over all requests; p99_response comes
// from the model's log-bucketed histogram (nearest rank, within ±1% of the exact order statistic).
//
// Extra fields: heap_used_mb_before / heap_used_mb_after (process.memoryUsage().heapUsed after a
// full GC: global.gc with --expose-gc, otherwise the flag is set at start-up via node:v8 so plain
// `node bench/baseline.js` also measures after a GC; gc_before_heap says whether one ran),
// `cpu_s` (process CPU time, all threads, during run(): compare with wall_s to spot a busy
// machine) and `streams` (how the random streams were seeded).
//
// LBSIM_STREAMS=baseline seeds the arrival and service streams the baselines' way (splitmix32
// order), so the sample path is the C/JS one up to floating-point rounding (log1p vs log, ms vs s).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createModel, preset, prepareScenario, toModelConfig, Model } from '../dist/index.js';

const MEAN_SERVICE_MS = 1000;
const THEORY = {
  mmc: { mean: 1.36959, p99: 5.26983 },
  jsq16: { mean: null, p99: null },
};

function usage(msg) {
  if (msg) console.error(`baseline.js: ${msg}`);
  console.error('usage: node bench/baseline.js <mmc|jsq16> <N> <seed>');
  console.error('  N: requests, 1 <= N < 2^31 (1e6 style accepted); seed: integer 0 .. 2^32-1');
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.length !== 3) usage(`expected 3 arguments, got ${argv.length}`);
const [wl, nArg, seedArg] = argv;
if (wl !== 'mmc' && wl !== 'jsq16') usage(`unknown workload ${JSON.stringify(wl)}`);
const n = Number(nArg);
if (!Number.isInteger(n) || n < 1 || n >= 2 ** 31) usage(`bad N ${JSON.stringify(nArg)}`);
const seed = Number(seedArg);
if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) usage(`bad seed ${JSON.stringify(seedArg)}`);

/** A full GC before each heap reading: global.gc under --expose-gc, else enabled at run time. */
function findGc() {
  if (typeof globalThis.gc === 'function') return /** @type {() => void} */ (globalThis.gc);
  try {
    setFlagsFromString('--expose-gc');
    const f = runInNewContext('gc');
    return typeof f === 'function' ? /** @type {() => void} */ (f) : undefined;
  } catch {
    return undefined;
  }
}
const gc = findGc();
const heapMb = () => {
  if (gc) { gc(); gc(); }
  return Number((process.memoryUsage().heapUsed / 2 ** 20).toFixed(2));
};

const options = { requests: n, seed };
const streams = process.env.LBSIM_STREAMS === 'baseline' ? 'baseline' : 'named';
const model = streams === 'baseline'
  ? new Model({ ...toModelConfig(prepareScenario(preset(wl), options)), streams: 'baseline' })
  : createModel(preset(wl), options);

const heapBefore = heapMb();
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
model.run();
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const heapAfter = heapMb();

if (model.stats.succeeded !== n || model.stats.inFlight !== 0) {
  console.error(`baseline.js: expected ${n} succeeded requests, got ${model.stats.succeeded} (in flight ${model.stats.inFlight})`);
  process.exit(1);
}
const events = model.sim.events;
const mean = model.stats.latencyStats.mean / MEAN_SERVICE_MS;
const p99 = model.stats.latency.quantile(0.99) / MEAN_SERVICE_MS;
const g = (/** @type {number} */ x) => Number(x.toPrecision(10));
const theory = THEORY[wl];

/** @type {Record<string, unknown>} */
const out = {
  impl: 'lbsim', workload: wl, requests: n, events, wall_s: Number(wall.toFixed(4)),
  requests_per_s: Math.round(n / wall), events_per_s: Math.round(events / wall),
  mean_response: g(mean), p99_response: g(p99),
  theory_mean_response: theory.mean, theory_p99_response: theory.p99,
};
if (theory.mean !== null) out.mean_rel_err = Number((mean / theory.mean - 1).toPrecision(3));
out.seed = seed;
out.runtime = `node ${process.version}`;
out.cpu_s = Number(((cpu.user + cpu.system) / 1e6).toFixed(4));
out.heap_used_mb_before = heapBefore;
out.heap_used_mb_after = heapAfter;
out.gc_before_heap = Boolean(gc);
out.streams = streams;
console.log(JSON.stringify(out));
