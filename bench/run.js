// @ts-check
// bench/run.js - `npm run bench`: micro-benchmarks, then the end-to-end baseline workloads.
//
//   node bench/run.js [--n 1e6] [--seed 1] [--repeat 3] [--no-suites] [--no-plain-js]
//
// 1. bench/suites.js (benchmark.js): event queue hold model, pick() per balancer.
// 2. mmc and jsq16 at N requests, each run `--repeat` times in a fresh process
//    (node --expose-gc bench/baseline.js <workload> N seed); the median run by requests/s is shown.
// 3. When shared/baselines' plain-JS engine is found (BASELINES_DIR, default
//    ../shared/baselines beside the repository), it runs the same workloads the same way for the "vs plain JS"
//    column (lbsim requests/s ÷ plain-JS requests/s).
// Prints Markdown ready for the README, with the Node version, CPU model and core count.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSuites, MAX_TIME_S } from './suites.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function usage(msg) {
  console.error(`run.js: ${msg}`);
  console.error('usage: node bench/run.js [--n 1e6] [--seed 1] [--repeat 3] [--no-suites] [--no-plain-js]');
  process.exit(2);
}

const opts = { n: 1e6, seed: 1, repeat: 3, suites: true, plainJs: true };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s) : [a, undefined];
  const value = () => {
    const v = inline ?? args[++i];
    if (v === undefined) usage(`${flag} needs a value`);
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) usage(`${flag}: expected a positive integer, got ${JSON.stringify(v)}`);
    return x;
  };
  if (flag === '--n') opts.n = value();
  else if (flag === '--seed') opts.seed = value();
  else if (flag === '--repeat') opts.repeat = value();
  else if (flag === '--no-suites') opts.suites = false;
  else if (flag === '--no-plain-js') opts.plainJs = false;
  else usage(`unknown argument ${JSON.stringify(a)}`);
}

const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const cores = os.cpus().length;
const env = `Node ${process.version}, ${cpu}, ${cores} cores`;

if (opts.suites) {
  console.log(`## Micro-benchmarks (benchmark.js, maxTime ${MAX_TIME_S} s per case; BENCH_MAX_TIME=s to change)\n`);
  console.log(runSuites().markdown);
  console.log('');
}

/** Runs a JSON-line engine `repeat` times; returns the median run by requests/s. */
function runEngine(argv, workload) {
  const runs = [];
  for (let r = 0; r < opts.repeat; r++) {
    const out = execFileSync(process.execPath, [...argv, workload, String(opts.n), String(opts.seed)], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
    });
    runs.push(JSON.parse(out.trim().split('\n').pop() ?? ''));
  }
  runs.sort((a, b) => a.requests_per_s - b.requests_per_s);
  return runs[runs.length >> 1];
}

const plainJs = path.join(process.env.BASELINES_DIR ?? path.resolve(here, '../../shared/baselines'), 'js', 'des.mjs');
const withPlain = opts.plainJs && existsSync(plainJs);
if (opts.plainJs && !withPlain) {
  console.error(`run.js: no shared/baselines engine at ${plainJs} (not part of this repository; set BASELINES_DIR ` +
    'to a copy): the "vs plain JS" columns are skipped');
}
const M = (x) => `${(x / 1e6).toFixed(2)} M`;
const rows = [];
for (const wl of ['mmc', 'jsq16']) {
  const r = runEngine(['--expose-gc', path.join(here, 'baseline.js')], wl);
  const p = withPlain ? runEngine([plainJs], wl) : null;
  rows.push({ r, p });
}

console.log(`## End to end (median of ${opts.repeat} runs, event loop only, seed ${opts.seed})\n`);
const head = ['workload', 'N', 'requests/s', 'events/s', 'mean response (× mean service)', 'p99', 'heap before → after (MB)'];
if (withPlain) head.push('plain JS requests/s', 'lbsim / plain JS');
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map((_, i) => (i < 1 ? '---' : '---:')).join('|')}|`);
for (const { r, p } of rows) {
  const mean = r.theory_mean_response == null
    ? r.mean_response.toFixed(4)
    : `${r.mean_response.toFixed(4)} vs ${r.theory_mean_response.toFixed(4)} (${(100 * r.mean_rel_err).toFixed(2)}%)`;
  const p99 = r.theory_p99_response == null ? r.p99_response.toFixed(3) : `${r.p99_response.toFixed(3)} vs ${r.theory_p99_response.toFixed(3)}`;
  const cells = [r.workload, r.requests.toExponential(0).replace('e+', 'e'), M(r.requests_per_s), M(r.events_per_s), mean, p99,
    `${r.heap_used_mb_before.toFixed(1)} → ${r.heap_used_mb_after.toFixed(1)}`];
  if (p) cells.push(M(p.requests_per_s), (r.requests_per_s / p.requests_per_s).toFixed(2));
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(`\n${env}.`);
if (withPlain) console.log(`Plain JS = ${path.relative(process.cwd(), plainJs) || plainJs} (typed-array heap, no abstractions), same machine, same run.`);
