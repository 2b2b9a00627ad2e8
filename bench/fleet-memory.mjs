// @ts-check
// bench/fleet-memory.mjs - one large fleet, one run: CPU seconds, peak RSS and a hash of the
// summary (to compare builds: the same hash is the same summary). The scenario: `servers`
// identical servers (or weights 1-4 in equal shares with --mixed), one slot each, exponential
// 10 ms, Poisson arrivals at ρ = 0.9, uniform keys over 10·servers for a keyed policy, `instances` balancer instances
// with `fleet.assign: random`, `requests` requests; with --reported MS every instance reads the
// servers' load as reported every MS ms (`view: {load: reported, refreshMs: MS}`; 0: live); with
// --failures MTBF,MTTR each server fails and is repaired (`failures: {mtbfMs, mttrMs}`). Not a test.
//
//   npm run prepare && node bench/fleet-memory.mjs DIST POLICY[:JSON options] [INSTANCES=10000] [SERVERS=10000] [REQUESTS=100000] [--mixed] [--reported MS]
//   e.g. node bench/fleet-memory.mjs dist 'power-of-two:{"metric":"latency-ewma"}' 10000 10000 100000
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';

const argv = process.argv.slice(2), mixed = argv.includes('--mixed');
const at = argv.indexOf('--reported'), refreshMs = at < 0 ? -1 : Number(argv[at + 1]);
const fat = argv.indexOf('--failures'), [mtbfMs, mttrMs] = fat < 0 ? [0, 0] : argv[fat + 1].split(',').map(Number);
const flagged = new Set([at, at + 1, fat, fat + 1].filter((i) => i > 0));
const [dist, policy, instances = '10000', servers = '10000', requests = '100000'] = argv.filter((a, i) => a !== '--mixed' && !flagged.has(i));
const n = Number(servers), count = Number(instances), stop = Number(requests);
if (!dist || !policy || !(n >= 4 && count >= 1 && stop >= 1) || (at >= 0 && !(refreshMs >= 0)) || (fat >= 0 && !(mtbfMs > 0 && mttrMs > 0))) {
  console.error('usage: node bench/fleet-memory.mjs DIST POLICY[:JSON options] [INSTANCES] [SERVERS] [REQUESTS] [--mixed] [--reported MS] [--failures MTBF,MTTR]');
  process.exit(2);
}
const { simulate, getBalancer } = await import(pathToFileURL(path.join(path.resolve(dist), 'index.js')).href);
const colon = policy.indexOf(':');
const name = colon < 0 ? policy : policy.slice(0, colon), options = colon < 0 ? {} : JSON.parse(policy.slice(colon + 1));
const input = {
  name: 'fleet', seed: 1, stop: { requests: stop },
  servers: mixed ? [1, 2, 3, 4].map((weight) => ({ count: n / 4, weight })) : [{ count: n }],
  arrivals: { process: 'poisson', ratePerSec: 0.9 * n * 100 }, service: { dist: 'exponential', meanMs: 10 },
  ...(getBalancer(name)?.keyed ? { keys: { dist: 'uniform', count: 10 * n } } : {}),
  balancer: { name, ...options }, fleet: { count, assign: 'random' },
  ...(refreshMs >= 0 ? { view: { load: 'reported', refreshMs } } : {}),
  ...(fat >= 0 ? { failures: { mtbfMs, mttrMs } } : {}),
};
const t0 = process.cpuUsage();
const summary = simulate(input);
const c = process.cpuUsage(t0);
delete summary.wallMs;
const hash = createHash('sha256').update(JSON.stringify(summary)).digest('hex').slice(0, 12);
console.log(`${policy}${mixed ? ' (weights 1-4)' : ''}${refreshMs >= 0 ? `, reported every ${refreshMs} ms` : ''}${fat >= 0 ? `, failures ${mtbfMs}/${mttrMs} ms` : ''}, ${count} x ${n}, ${stop} requests: CPU ${((c.user + c.system) / 1e6).toFixed(2)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, mean ${summary.latencyMs.mean.toFixed(2)} ms, summary ${hash}`);
