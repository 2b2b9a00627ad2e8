// @ts-check
// bench/topology-snapshot.mjs - every topology and workflow preset, plus variants exercising each
// edge and server feature (hedges, deadlines, network latency and loss, fallbacks, static and AIMD
// concurrency limits, failures with health checks, adaptive LIFO, hold: false, closed-loop users), at
// seeds 1 and 2, checked and unchecked, one line each: `<case> <summary JSON without wallMs>`.
// Two builds that print the same file changed no topology result.
//
//   node bench/topology-snapshot.mjs [path/to/dist] > after.txt     (default ../dist)
//   diff before.txt after.txt && echo identical
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const { simulate } = await import(pathToFileURL(`${dist}/index.js`).href);
const { TOPOLOGY_PRESETS } = await import(pathToFileURL(`${dist}/scenario/topology-presets.js`).href);
const { WORKFLOW_PRESETS } = await import(pathToFileURL(`${dist}/workflow/presets.js`).href);

const exp = (/** @type {number} */ meanMs) => ({ dist: 'exponential', meanMs });
const constant = (/** @type {number} */ valueMs) => ({ dist: 'constant', valueMs });
const pool = (/** @type {number} */ count, /** @type {object} */ o = {}) => ({ servers: [{ count, concurrency: 4, ...o }], balancer: { name: 'least-connections' } });

/** Two or three tiers with one feature turned on each. */
function base(/** @type {any} */ o = {}) {
  return {
    seed: 1, stop: { requests: 3000, warmupMs: 200 }, arrivals: { process: 'poisson', ratePerSec: 600 }, entry: 'api',
    client: o.client ?? { timeoutMs: 200, retries: { max: 1 } },
    services: {
      api: { ...pool(2, { concurrency: 8, queueLimit: 30, ...o.apiServer }), work: o.apiWork ?? [{ work: exp(1) }, { call: 'db' }, { call: 'cache', p: 0.5 }], ...o.api },
      db: { ...pool(3, { queueLimit: 40, ...o.dbServer }), work: o.dbWork ?? [{ work: exp(3) }], ...o.db },
      cache: { ...pool(1, { concurrency: 16 }), work: [{ work: exp(0.5) }, { fail: 0.05 }] },
    },
    calls: o.calls ?? {},
  };
}

const VARIANTS = {
  hedge: base({ calls: { 'api->db': { hedge: { afterMs: 4 }, cancel: true }, 'api->cache': { hedge: { percentile: 90, max: 2 } } } }),
  deadline: base({ client: { deadlineMs: 15, timeoutMs: 8, retries: { max: 3, baseMs: 1 }, cancel: true }, calls: { 'api->db': { deadlineMs: 10, timeoutMs: 4, retries: { max: 2, baseMs: 1 } } } }),
  latency: base({ calls: { 'api->db': { latencyMs: exp(0.5) }, 'api->cache': { latencyMs: constant(0.2), timeoutMs: 5, cancel: true } } }),
  loss: base({ calls: { 'api->db': { loss: 0.05, timeoutMs: 10, retries: { max: 2, baseMs: 1 }, latencyMs: constant(0.3) } } }),
  fallback: base({ apiWork: [{ work: exp(1) }, { call: 'db' }, { call: 'cache', fallback: true }], calls: { 'api->cache': { timeoutMs: 1 } } }),
  limitStatic: base({ db: { limit: { static: 1 } }, calls: { 'api->db': { retries: { max: 2, baseMs: 1 } } } }),
  limitAimd: base({ db: { limit: { aimd: { initialLimit: 4, minLimit: 1, maxLimit: 20, timeoutMs: 6 } } }, calls: { 'api->db': { timeoutMs: 10 } } }),
  failures: base({ db: { failures: { mtbfMs: 300, mttrMs: 100 }, health: { intervalMs: 20, timeoutMs: 5, unhealthyThreshold: 1, healthyThreshold: 1 } }, calls: { 'api->db': { retries: { max: 2, baseMs: 1 } } } }),
  outage: base({ db: { failures: { outages: [{ atMs: 1000, forMs: 1500, servers: [0] }], slowdowns: [{ atMs: 2000, forMs: 1000, servers: [1], factor: 3 }] }, health: { intervalMs: 50, timeoutMs: 10, unhealthyThreshold: 2 } } }),
  adaptiveLifo: base({ db: { servers: [{ count: 1, concurrency: 2, discipline: 'adaptive-lifo', queueIntervalMs: 50, queueTargetMs: 5 }] }, dbWork: [{ work: constant(6) }] }),
  holdFalse: base({ apiServer: { discipline: 'adaptive-lifo' }, apiWork: [{ work: exp(1) }, { parallel: ['db', 'cache'], need: 'any', hold: false }, { work: exp(0.5) }] }),
  closedLoop: { ...base(), arrivals: { process: 'closed', clients: 20, thinkMs: exp(5) } },
  breakerBulkhead: base({ calls: { 'api->db': { maxConcurrent: 6, timeoutMs: 6, breaker: { failureRatePercent: 50, minCalls: 10, openMs: 100 } } } }),
  everything: base({
    client: { timeoutMs: 80, deadlineMs: 150, retries: { max: 1 }, hedge: { percentile: 95, afterMs: 30 } },
    apiWork: [{ work: exp(1) }, { parallel: ['db', 'cache'], need: 'any', hold: false }, { call: 'cache', fallback: true }],
    db: { limit: { aimd: { initialLimit: 4, minLimit: 1, maxLimit: 20, timeoutMs: 6 } }, failures: { mtbfMs: 500, mttrMs: 50 }, health: { intervalMs: 20, timeoutMs: 5, unhealthyThreshold: 1 } },
    calls: { 'api->db': { timeoutMs: 20, deadlineMs: 45, retries: { max: 2, baseMs: 2 }, hedge: { afterMs: 10 }, latencyMs: exp(0.5), loss: 0.02, cancel: true }, 'api->cache': { timeoutMs: 5, cancel: true, latencyMs: constant(0.2) } },
  }),
};

/** @type {[string, any][]} */
const cases = [];
for (const [name, p] of Object.entries({ ...TOPOLOGY_PRESETS, ...WORKFLOW_PRESETS })) cases.push([name, /** @type {any} */ (p).scenario]);
for (const [name, s] of Object.entries(VARIANTS)) cases.push([`variant-${name}`, s]);

const lines = [];
for (const [name, scenario] of cases) {
  for (const seed of [1, 2]) {
    for (const checked of [false, true]) {
      let out;
      try {
        const s = structuredClone(scenario);
        s.seed = seed;
        const summary = /** @type {any} */ (simulate(s, { checked }));
        delete summary.wallMs;
        out = JSON.stringify(summary);
      } catch (e) {
        out = `error ${e instanceof Error ? e.message : String(e)}`;
      }
      lines.push(`${name}/seed${seed}/${checked ? 'checked' : 'unchecked'} ${out}`);
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
