// @ts-check
// bench/vs-baselines.js - lbsim beside the shared/baselines engines (C, plain JS, SimPy) in one table.
//
//   node bench/vs-baselines.js [N=1e6] [workloads="mmc jsq16"]      (after `npm run prepare`)
//
// Runs `$BASELINES_DIR/run.sh N workloads` (default ../shared/baselines beside the repository)
// with EXTRA="node bench/baseline.js", so lbsim's JSON line joins the baselines' table; IMPLS
// (default "c js") and SEED pass through. The baselines are not part of this repository: when
// the folder is absent this says so on stderr, skips the comparison and prints lbsim's own JSON
// lines (exit 0).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [n = '1e6', workloads = 'mmc jsq16', ...extra] = process.argv.slice(2);
if (extra.length > 0 || !/^[0-9]+(e[0-9]+)?$/.test(n) || !/^(mmc|jsq16)( (mmc|jsq16))*$/.test(workloads)) {
  console.error('usage: node bench/vs-baselines.js [N=1e6] [workloads="mmc jsq16"]');
  process.exit(2);
}
const dir = process.env.BASELINES_DIR ?? path.resolve(here, '../../shared/baselines');
const runSh = path.join(dir, 'run.sh');
const baseline = path.join(here, 'baseline.js');

/** Runs a command with this process's output; a failing command ends this one with its status (it printed why). */
function run(/** @type {string} */ file, /** @type {string[]} */ args, env = process.env) {
  try {
    execFileSync(file, args, { stdio: 'inherit', env });
  } catch (e) {
    process.exit(/** @type {{ status?: number }} */ (e).status ?? 1);
  }
}

if (existsSync(runSh)) {
  run(runSh, [n, workloads], { ...process.env, IMPLS: process.env.IMPLS ?? 'c js', EXTRA: `${process.execPath} ${baseline}` });
} else {
  console.error(`vs-baselines: no shared/baselines at ${dir} (they are not part of this repository; ` +
    'set BASELINES_DIR to a copy): comparison skipped, lbsim alone:');
  for (const wl of workloads.split(' ')) run(process.execPath, [baseline, wl, n, process.env.SEED ?? '1']);
}
