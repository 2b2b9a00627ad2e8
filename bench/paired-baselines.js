// @ts-check
// bench/paired-baselines.js - lbsim against the plain-JS and C baselines of shared/baselines on
// one workload, in CPU time, paired interleaved runs.
//
//   npm run prepare && node bench/paired-baselines.js [workload=jsq16] [N=1e7] [pairs=5] [dist=../dist]
//
// Each pair runs the C baseline, the plain-JS baseline and lbsim (order rotating from pair to
// pair) as fresh processes under /usr/bin/time, and takes each process's whole CPU time (user +
// system, start-up included for all three), and lbsim once more with V8's inlining budget the
// lbsim command sets (bin/lbsim.js; row "cli"). A pair's ratio is cpu(plain JS) / cpu(lbsim): lbsim's
// speed as a fraction of the plain-JS baseline's (1 = as fast). Prints the median and the range.
// On jsq16 two more rows time bench/core-bound.mjs, the engine's jsq16 written as one fused
// loop: "fused" with the bookkeeping lbsim's summary reports, "lean" without it (the bound any
// engine keeping that summary could reach, and what the bookkeeping itself costs).
// The baselines are not in this repository: BASELINES_DIR, default ../shared/baselines beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args[0] === '--lbsim') {
  // Child: lbsim on the workload, as bench/baseline.js builds it.
  const [, wl, n, dist] = args;
  const { createModel, preset } = await import(pathToFileURL(`${dist}/index.js`).href);
  const model = createModel(preset(wl), { requests: Number(n), seed: 1 });
  model.run();
  if (model.stats.succeeded !== Number(n)) throw new Error(`expected ${n} requests, got ${model.stats.succeeded}`);
} else {
  const [wl = 'jsq16', nArg = '1e7', pairsArg = '5', distArg] = args;
  const n = String(Number(nArg)), pairs = Number(pairsArg);
  const dist = path.resolve(distArg ?? path.join(here, '../dist'));
  const dir = process.env.BASELINES_DIR ?? path.resolve(here, '../../shared/baselines');
  if (!existsSync(path.join(dir, 'js/des.mjs'))) {
    console.error(`paired-baselines: no baselines at ${dir} (set BASELINES_DIR); nothing to compare`);
    process.exit(0);
  }
  const cBin = path.join(process.env.TMPDIR ?? '/tmp', 'lbsim-bench-des_c');
  const cc = spawnSync('cc', ['-O2', '-o', cBin, path.join(dir, 'c/des.c'), '-lm'], { stdio: 'inherit' });
  const hasC = cc.status === 0;
  // The lbsim command (bin/lbsim.js) raises V8's cumulative inlining budget for its process; the
  // library's figure (row lbsim) runs with node's default, row "cli" as the command runs it.
  const budget = /\$\{BUDGET\}=(\d+)/.exec(readFileSync(path.join(here, '../bin/lbsim.js'), 'utf8'))?.[1];
  /** @type {Record<string, string[]>} */
  const cmds = {
    lbsim: [process.execPath, fileURLToPath(import.meta.url), '--lbsim', wl, n, dist],
    ...(budget ? { cli: [process.execPath, `--max-inlined-bytecode-size-cumulative=${budget}`, fileURLToPath(import.meta.url), '--lbsim', wl, n, dist] } : {}),
    js: [process.execPath, path.join(dir, 'js/des.mjs'), wl, n, '1'],
    ...(wl === 'jsq16' ? {
      fused: [process.execPath, path.join(here, 'core-bound.mjs'), n, 'full', dist],
      lean: [process.execPath, path.join(here, 'core-bound.mjs'), n, 'lean', dist],
    } : {}),
    ...(hasC ? { c: [cBin, wl, n, '1'] } : {}),
  };
  /** Whole-process CPU seconds of one run. */
  const cpu = (/** @type {string[]} */ cmd) => {
    const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', ...cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}`);
    const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (!m) throw new Error(`no CPU time in ${r.stderr}`);
    return Number(m[1]) + Number(m[2]);
  };
  const names = Object.keys(cmds);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(names.map((k) => [k, []]));
  const ratios = [], ratiosC = [], ratiosCli = [], ratiosFused = [], ratiosLean = [];
  for (let i = 0; i < pairs; i++) {
    const order = names.map((_, k) => names[(k + i) % names.length]);
    for (const k of order) times[k].push(cpu(cmds[k]));
    ratios.push(times.js[i] / times.lbsim[i]);
    if (hasC) ratiosC.push(times.c[i] / times.lbsim[i]);
    if (times.cli) ratiosCli.push(times.js[i] / times.cli[i]);
    if (times.fused) ratiosFused.push(times.js[i] / times.fused[i]);
    if (times.lean) ratiosLean.push(times.js[i] / times.lean[i]);
  }
  const median = (/** @type {number[]} */ xs) => {
    const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const f = (/** @type {number[]} */ xs, d = 2) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
  console.log(`node ${process.version}, ${wl}, ${Number(n).toLocaleString('en')} requests, ${pairs} interleaved rounds; whole-process CPU s, median (range)`);
  for (const k of names) console.log(`${k.padEnd(6)} cpu_s ${f(times[k])}   requests per CPU s ${(Number(n) / median(times[k]) / 1e6).toFixed(2)} M`);
  console.log(`lbsim speed / plain JS: ${f(ratios)}`);
  if (hasC) console.log(`lbsim speed / C:        ${f(ratiosC)}`);
  if (budget) console.log(`as the CLI runs it (--max-inlined-bytecode-size-cumulative=${budget}), speed / plain JS: ${f(ratiosCli)}`);
  if (times.fused) console.log(`bound (bench/core-bound.mjs), speed / plain JS: with lbsim's bookkeeping ${f(ratiosFused)}, without ${f(ratiosLean)}`);
}
