// @ts-check
// bench/fleet-policies.mjs - a fleet of balancer instances against one instance, per policy: CPU
// seconds of two builds in interleaved pairs (median, min–max), and whether their summaries are
// byte-identical. The scenario: 1,000 servers of weights 1–4 (250 each), ρ = 0.9 of 100 req/s per
// server, exponential 10 ms, uniform keys, 2·10⁵ requests, `fleet.assign: round-robin`; with
// --churn every server fails (mean up 1 s, repair 1 s) under health checks every 100 ms with
// `slowStartMs` 1,000. Not a test.
//
//   node bench/fleet-policies.mjs BEFORE_DIST AFTER_DIST [--policies a,b] [--instances 1,100]
//                                 [--pairs 5] [--churn] [--requests 200000] [--servers 1000]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const { dist, policy, servers, instances, requests, churn } = JSON.parse(args[1]);
  const { simulate } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const groups = [1, 2, 3, 4].map((weight) => ({ count: servers / 4, weight }));
  const input = {
    name: 'fleet', seed: 1, stop: { requests }, servers: groups,
    arrivals: { process: 'poisson', ratePerSec: 0.9 * servers * 100 }, service: { dist: 'exponential', meanMs: 10 },
    keys: { dist: 'uniform', count: 100_000 }, balancer: { name: policy }, fleet: { count: instances, assign: 'round-robin' },
    ...(churn ? { failures: { mtbfMs: 1000, mttrMs: 1000 }, health: { intervalMs: 100, slowStartMs: 1000 } } : {}),
  };
  const t0 = process.cpuUsage();
  const summary = simulate(input);
  const c = process.cpuUsage(t0);
  delete summary.wallMs;
  console.log(JSON.stringify({ cpuS: (c.user + c.system) / 1e6, summary: JSON.stringify(summary) }));
  process.exit(0);
}

const [before, after] = args.slice(0, 2).map((d) => path.resolve(d));
if (!before || !after) {
  console.error('usage: node bench/fleet-policies.mjs BEFORE_DIST AFTER_DIST [--policies a,b] [--instances 1,100] [--pairs 5] [--churn]');
  process.exit(2);
}
const opts = { policies: ['weighted-random', 'join-shortest-queue', 'bounded-load-hash'], instances: [1, 100], pairs: 5, churn: false, requests: 200_000, servers: 1000 };
for (let i = 2; i < args.length; i++) {
  const a = args[i], v = () => args[++i];
  if (a === '--policies') opts.policies = v().split(',');
  else if (a === '--instances') opts.instances = v().split(',').map(Number);
  else if (a === '--pairs') opts.pairs = Number(v());
  else if (a === '--churn') opts.churn = true;
  else if (a === '--requests') opts.requests = Number(v());
  else if (a === '--servers') opts.servers = Number(v());
  else {
    console.error(`fleet-policies.mjs: unknown argument ${a}`);
    process.exit(2);
  }
}

const run = (dist, policy, instances) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child',
  JSON.stringify({ dist, policy, instances, servers: opts.servers, requests: opts.requests, churn: opts.churn })], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim());
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)].toFixed(2)} (${s[0].toFixed(2)}–${s[s.length - 1].toFixed(2)})`;
};

console.log(`${opts.servers} servers, ${opts.requests} requests${opts.churn ? ', churn' : ''}; CPU s, median (min–max) of ${opts.pairs} interleaved pairs\n`);
console.log('| policy | instances | before | after | summaries |\n|---|---:|---:|---:|---|');
for (const policy of opts.policies) {
  for (const instances of opts.instances) {
    const b = [], a = [];
    let same = true;
    for (let k = 0; k < opts.pairs; k++) {
      const x = run(before, policy, instances), y = run(after, policy, instances);
      b.push(x.cpuS);
      a.push(y.cpuS);
      same &&= x.summary === y.summary;
    }
    console.log(`| ${policy} | ${instances} | ${stat(b)} | ${stat(a)} | ${same ? 'identical' : 'DIFFER'} |`);
  }
}
