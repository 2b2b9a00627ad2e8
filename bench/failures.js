// @ts-check
// bench/failures.js - failure, repair and health events at pool sizes up to 100,000 servers.
//
//   node bench/failures.js [servers=1000] [requests=2e5] [balancer=power-of-two] [health=oracle|checks|zones|churn] [dist=../dist] [fleet=1]
//
// A pool of `servers` single-slot servers at ρ = 0.9 (exponential service, mean 10 ms), each
// failing at random (exponential up-time, mean 1 s; repair mean 10 ms: ~1% of servers down, one
// failure per 90 requests whatever the size); keys uniform over 10⁶ (for the hashing policies).
// Runs `requests` requests twice: without failures, then with; CPU time of model.run() each (process.cpuUsage). The difference divided by
// the failure and repair events handled is the cost per event. One JSON line. `balancer` may carry
// options (maglev:tableSize=1000003). health "checks": active checks every second (2 to fail, 2 to
// recover); "zones": no random failures but zones of 1% of the pool failing together (mean up
// 100 ms, down 10 ms), so that many servers change at one instant (coalesced rebuilds); "churn":
// as oracle but ten times the failures (mean up 100 ms: ~9% of servers down, one failure per 9
// requests), so that the cost of one membership change dominates.
// `dist`: the compiled package to measure (another checkout's dist/ to compare before/after).
// `fleet`: balancer instances (requests assigned at random), e.g. 10 to see tables shared or not.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [servers = 1000, requests = 2e5] = process.argv.slice(2, 4).map(Number);
const balancer = process.argv[4] ?? 'power-of-two', health = process.argv[5] ?? 'oracle';
const dist = path.resolve(process.argv[6] ?? new URL('../dist', import.meta.url).pathname);
const fleet = Number(process.argv[7] ?? 1);
const { Model, parseScenario, toModelConfig } = await import(pathToFileURL(path.join(dist, 'index.js')).href);

function zones() {
  const size = Math.max(1, Math.floor(servers / 100)), out = [];
  for (let z = 0; z * size < servers && z < 10; z++) {
    out.push({ servers: Array.from({ length: size }, (_, i) => z * size + i), mtbfMs: 100, mttrMs: 10 });
  }
  return out;
}

function scenario(failures) {
  return {
    seed: 1, stop: { requests, warmupMs: 0 },
    servers: [{ count: servers }],
    arrivals: { process: 'poisson', ratePerSec: 0.9 * servers * 100 },
    service: { dist: 'exponential', meanMs: 10 },
    keys: { dist: 'uniform', count: 1_000_000 },
    ...(fleet > 1 ? { fleet: { count: fleet, assign: 'random' } } : {}),
    balancer: Object.fromEntries([['name', balancer.split(':')[0]], ...balancer.split(':').slice(1).map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])])]),
    ...(failures && health !== 'zones' ? { failures: { mtbfMs: health === 'churn' ? 100 : 1000, mttrMs: 10 } } : {}),
    ...(failures && health === 'zones' ? { failures: { zones: zones() } } : {}),
    ...(failures && health === 'checks' ? { health: { intervalMs: 1000, timeoutMs: 100, unhealthyThreshold: 2, healthyThreshold: 2 } } : {}),
  };
}

function time(failures) {
  const model = new Model(toModelConfig(parseScenario(scenario(failures))));
  const c0 = process.cpuUsage();
  model.run();
  const c = process.cpuUsage(c0);
  const t = model.pool.transitions, n = 4; // [from * 4 + to]; state 2 = failed
  let fails = 0, repairs = 0;
  for (let from = 0; from < n; from++) { fails += t[from * n + 2]; repairs += t[2 * n + from]; }
  return { cpuS: (c.user + c.system) / 1e6, fails, repairs, events: model.sim.events, simMs: model.sim.now };
}

const plain = time(false), failing = time(true);
const lifecycle = failing.fails + failing.repairs;
console.log(JSON.stringify({
  servers, requests, balancer, health, ...(fleet > 1 ? { fleet } : {}), plain_cpu_s: +plain.cpuS.toFixed(3), failures_cpu_s: +failing.cpuS.toFixed(3),
  failures: failing.fails, repairs: failing.repairs, sim_s: +(failing.simMs / 1000).toFixed(2),
  us_per_failure_or_repair: +(((failing.cpuS - plain.cpuS) * 1e6) / Math.max(lifecycle, 1)).toFixed(2),
}));
