// @ts-check
// bench/compare-memory.js - what `compare` holds per run at large pool sizes.
//
//   node bench/compare-memory.js [servers=100000] [requests=1e5] [dist=../dist]
//   node bench/compare-memory.js --cli SERVERS SEEDS [dist=../dist] [lbsim compare flags...]
//
// The first form: compare() (the library call, which returns every Summary) over round-robin,
// random and power-of-two on one pool of `servers` single-slot servers at ρ = 0.9; the heap
// retained by the returned summaries (after a full GC, before minus after dropping them) divided
// by the runs, and the JSON size of one summary. One JSON line.
//
// --cli: `lbsim compare` of `dist` in a child process (stdout to /dev/null) on the same pool with
// 2,000 requests per run, --balancers round-robin,random,power-of-two --seeds 1..SEEDS
// --workers 1 and the flags given (--json, --csv, --aggregate, --workers 2, ...): the child's peak
// resident memory (maxRSS) and CPU time. One JSON line.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A pool of `servers` single-slot servers at ρ = 0.9 (exponential 10 ms requests). */
const pool = (/** @type {number} */ servers, /** @type {number} */ requests) => ({
  name: `pool-${servers}`, seed: 1, stop: { requests, warmupMs: 0 }, servers: [{ count: servers }],
  arrivals: { process: 'poisson', ratePerSec: 0.9 * servers * 100 }, service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: 'round-robin' },
});
const balancers = ['round-robin', 'random', 'power-of-two'];

if (process.argv[2] === '--child') {
  // The child of --cli: lbsim compare with the given arguments; its usage on stderr's last line.
  const [dist, ...args] = process.argv.slice(3);
  const cli = await import(pathToFileURL(path.join(dist, 'cli/main.js')).href);
  const code = await cli.main(args);
  const u = process.resourceUsage();
  process.stderr.write(`\n${JSON.stringify({ code, maxRssKb: u.maxRSS, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 })}\n`);
} else if (process.argv[2] === '--cli') {
  const [servers, seeds] = process.argv.slice(3, 5).map(Number);
  const dist = path.resolve(process.argv[5] ?? new URL('../dist', import.meta.url).pathname);
  const flags = process.argv.slice(6);
  const dir = mkdtempSync(path.join(tmpdir(), 'lbsim-compare-memory-'));
  const file = path.join(dir, 'pool.json');
  writeFileSync(file, JSON.stringify(pool(servers, 2000)));
  const args = ['compare', file, '--balancers', balancers.join(','), '--seeds', `1..${seeds}`, '--workers', '1', ...flags];
  const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', dist, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  rmSync(dir, { recursive: true, force: true });
  const usage = JSON.parse(child.stderr.trimEnd().split('\n').pop() ?? '{}');
  if (usage.code !== 0) throw new Error(`lbsim compare exited ${usage.code}: ${child.stderr}`);
  console.log(JSON.stringify({ servers, runs: seeds * balancers.length, flags: flags.join(' '), max_rss_mb: +(usage.maxRssKb / 1024).toFixed(1), cpu_s: +usage.cpuS.toFixed(2) }));
} else {
  setFlagsFromString('--expose-gc');
  const gc = /** @type {() => void} */ (runInNewContext('gc'));
  const [servers = 100_000, requests = 1e5] = process.argv.slice(2, 4).map(Number);
  const dist = path.resolve(process.argv[4] ?? new URL('../dist', import.meta.url).pathname);
  const { compare } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  let summaries = compare(pool(servers, requests), balancers);
  gc();
  const held = process.memoryUsage().heapUsed;
  const jsonBytes = JSON.stringify(summaries[0]).length;
  summaries = null;
  gc();
  const freed = held - process.memoryUsage().heapUsed;
  console.log(JSON.stringify({ servers, requests, runs: balancers.length, mb_per_run: +(freed / balancers.length / 2 ** 20).toFixed(2), summary_json_kb: Math.round(jsonBytes / 1024) }));
}
