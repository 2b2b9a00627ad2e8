// @ts-check
// bench/policy-scale.js - CPU µs per request by policy × pool size at ρ = 0.9, two builds side by
// side (paired, interleaved), and the memory of large fleets. Not a test.
//
//   node bench/policy-scale.js [--before path/to/dist] [--after path/to/dist] [--sizes 10,100,1000,10000,100000]
//                              [--policies a,b] [--repeat 3] [--budget 0.7] [--fleet] [--huge-pages off|on|both]
//
// Each cell runs in a fresh process (node, one build) on `n` identical servers (one
// slot, exponential service of mean 10 ms, Poisson arrivals at 0.9·n per 10 ms, uniform keys
// over 10·n for the keyed policies), timing model.run() (createModel outside the timing: O(n)
// set-up is not per request) with process.cpuUsage (user + system: CPU time, so a busy machine
// slows the figure less than wall time) after an untimed run of the same scenario with a quarter
// of the requests, at most 20,000 (JIT warm-up). Requests per run: 4·n + 200,000 (the system fills within a few service times),
// or fewer when a 5,000-request probe of that build says the run would take more than `--budget`
// CPU seconds (old full scans at 10,000 and 100,000 servers), never fewer than 5,000. Before and after alternate run by run; the
// table gives the median of `--repeat` and the spread (min–max).
//
// A policy "name:option" sets that boolean option (least-connections:weighted); a suffix "@mixed"
// gives the servers weights 1, 2, 3 and 4 in equal shares (least-connections:weighted@mixed);
// "@distinct", "@classes-K" and "@fractional" give n distinct integer weights, K classes, or n
// distinct fractions, with speeds in proportion (see `spread`).
//
// --huge-pages: `on` runs pools of 10,000 servers or more with GLIBC_TUNABLES=glibc.malloc.hugetlb=1,
// as the lbsim command runs them (src/cli/huge-pages.ts; the library then takes row buffers malloc
// puts on 2 MB pages); `both` runs each build both ways (rows "<build>" and "<build>+huge");
// `off` (default) as a program importing the library without the tunable.
//
// --fleet: instead, 10,000 balancer instances (fleet.assign random) over 10,000 servers, 10^5
// requests, per build: CPU seconds and peak RSS (process.resourceUsage().maxRSS), and Brooker's
// herding at that size (view reported every 200 ms: least-connections vs power-of-two vs random).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = {
  before: '', after: path.join(here, '../dist'), sizes: [10, 100, 1000, 10000, 100000], repeat: 3, budget: 0.7, fleet: false, hugePages: 'off',
  policies: ['least-connections', 'least-connections:weighted', 'join-shortest-queue', 'least-time', 'first', 'bounded-load-hash',
    'dynamic-weighted-round-robin', 'weighted-round-robin', 'power-of-two'],
};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i], v = () => args[++i];
  if (a === '--before') opts.before = path.resolve(v());
  else if (a === '--after') opts.after = path.resolve(v());
  else if (a === '--sizes') opts.sizes = v().split(',').map(Number);
  else if (a === '--policies') opts.policies = v().split(',');
  else if (a === '--repeat') opts.repeat = Number(v());
  else if (a === '--budget') opts.budget = Number(v());
  else if (a === '--fleet') opts.fleet = true;
  else if (a === '--huge-pages' && ['off', 'on', 'both'].includes(args[i + 1])) opts.hugePages = v();
  else if (a === '--child') { await child(JSON.parse(v())); process.exit(0); }
  else { console.error(`policy-scale.js: unknown argument ${a}`); process.exit(2); }
}

/**
 * "@distinct": server i of weight 1 + (7919·i mod n) (n distinct integers, ids and weights
 * shuffled); "@classes-K": weight 1 + (i mod K); "@fractional": weight 1 + i/n (n distinct
 * fractions). Speeds in proportion to the weights, so every server is at ρ = 0.9 under a
 * weighted policy.
 */
function spread(kind, n) {
  const w = kind === 'distinct' ? (i) => 1 + ((7919 * i) % n) : kind === 'fractional' ? (i) => 1 + i / n : (i) => 1 + (i % Number(kind.slice(8)));
  if (!['distinct', 'fractional'].includes(kind) && !/^classes-[1-9][0-9]*$/.test(kind)) throw new Error(`policy-scale.js: unknown weights @${kind}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w(i);
  return Array.from({ length: n }, (_, i) => ({ count: 1, weight: w(i), speed: (w(i) * n) / sum }));
}

/** In the child: one run, one JSON line. */
async function child({ dist, policy, n, requests, fleet, refreshMs }) {
  const { simulate, createModel } = await import(path.join(dist, 'index.js'));
  // "name:option" sets a boolean option; "@mixed": weights 1, 2, 3, 4 in equal shares (else all 1).
  const [spec, weights] = policy.split('@');
  const [name, option] = spec.split(':');
  const keyed = name === 'bounded-load-hash' || name === 'ring-hash' || name === 'maglev';
  const input = {
    seed: 1, stop: { requests }, servers: weights === 'mixed' ? [1, 2, 3, 4].map((weight, i) => ({ count: Math.floor((n + 3 - i) / 4), weight })) : weights ? spread(weights, n) : [{ count: n }],
    arrivals: { process: 'poisson', ratePerSec: 0.9 * n * 100 }, service: { dist: 'exponential', meanMs: 10 },
    balancer: { name, ...(option ? { [option]: true } : {}) },
    ...(keyed ? { keys: { dist: 'uniform', count: 10 * n } } : {}),
    ...(fleet ? { fleet: { count: fleet, assign: 'random' } } : {}),
    ...(refreshMs !== undefined ? { view: { load: 'reported', refreshMs } } : {}),
  };
  if (fleet) {
    const t0 = process.cpuUsage();
    const r = simulate(input);
    const c = process.cpuUsage(t0);
    console.log(JSON.stringify({ cpuS: (c.user + c.system) / 1e6, rssMB: process.resourceUsage().maxRSS / 1024, meanMs: r.latencyMs.mean }));
    return;
  }
  createModel({ ...input, stop: { requests: Math.min(20_000, Math.ceil(requests / 4)) } }).run(); // JIT warm-up, not timed
  const model = createModel(input); // built outside the timing: O(n) set-up is not per request
  const t0 = process.cpuUsage();
  model.run();
  const c = process.cpuUsage(t0);
  console.log(JSON.stringify({ cpuS: (c.user + c.system) / 1e6 }));
}

/** One child run; `huge`: on 2 MB pages from 10,000 servers, as the lbsim command runs it. */
function run({ huge, ...job }) {
  const env = huge && job.n >= 10_000 ? { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } : process.env;
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const dists = opts.before ? [['before', opts.before], ['after', opts.after]] : [['after', opts.after]];
/** [label, dist, huge pages] per row of the table. */
const builds = dists.flatMap(([label, dist]) =>
  opts.hugePages === 'both' ? [[label, dist, false], [`${label}+huge`, dist, true]] : [[label, dist, opts.hugePages === 'on']]);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Node ${process.version}, ${cpu}, ${os.cpus().length} cores; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at start`);

if (opts.fleet) {
  console.log('\n| build | balancer | view | instances × servers | requests | CPU s | peak RSS MB | mean ms |\n|---|---|---|---:|---:|---:|---:|---:|');
  const cases = [['power-of-two'], ['least-connections'], ['random'], ['least-connections', 200], ['power-of-two', 200], ['random', 200]];
  for (const [policy, refreshMs] of cases) {
    for (const [label, dist, huge] of builds) {
      const r = run({ dist, huge, policy, n: 10_000, requests: 100_000, fleet: 10_000, refreshMs });
      console.log(`| ${label} | ${policy} | ${refreshMs === undefined ? 'own' : `reported ${refreshMs} ms`} | 10,000 × 10,000 | 100,000 | ${r.cpuS.toFixed(1)} | ${r.rssMB.toFixed(0)} | ${r.meanMs.toFixed(2)} |`);
    }
  }
  process.exit(0);
}

console.log(`\nCPU µs per request (median of ${opts.repeat}, min–max), ρ = 0.9:\n`);
console.log(`| policy | build | ${opts.sizes.map((n) => n.toLocaleString('en-US')).join(' | ')} |`);
console.log(`|---|---|${opts.sizes.map(() => '---:').join('|')}|`);
for (const policy of opts.policies) {
  const rows = Object.fromEntries(builds.map(([label]) => [label, []]));
  for (const n of opts.sizes) {
    // Requests per run: 4·n + 200,000; from 10,000 servers fitted to each build's probe (the old
    // scans would take minutes), never fewer than 5,000. Equal counts below that: a shorter run
    // weighs its start (an emptier system, JIT tiers) more.
    const requests = {};
    for (const [label, dist, huge] of builds) {
      let r = 4 * n + 200_000;
      if (n >= 10_000) {
        const probe = run({ dist, huge, policy, n, requests: 5000 });
        r = Math.max(5000, Math.min(r, Math.floor((opts.budget / probe.cpuS) * 5000)));
      }
      requests[label] = r;
    }
    const samples = Object.fromEntries(builds.map(([label]) => [label, []]));
    for (let k = 0; k < opts.repeat; k++) {
      for (const [label, dist, huge] of k % 2 === 0 ? builds : [...builds].reverse()) samples[label].push((run({ dist, huge, policy, n, requests: requests[label] }).cpuS * 1e6) / requests[label]);
    }
    for (const [label] of builds) {
      const xs = samples[label];
      rows[label].push(`${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`);
    }
    process.stderr.write(`${policy} ${n}: ${JSON.stringify(requests)} requests\n`);
  }
  for (const [label] of builds) console.log(`| ${policy} | ${label} | ${rows[label].join(' | ')} |`);
}
