// @ts-check
// bench/indexed-snapshot.mjs - the indexed policies (pools of 32 servers and more, where they keep
// a MinIndex or a BucketIndex instead of scanning) × pool sizes × client, failure, fleet, view and
// closed-loop variants, as one line each: `<case> <summary JSON without wallMs>`. bench/snapshot.mjs
// covers the presets, whose pools are all below 32 servers; this covers the indexed paths. Two
// builds that print the same file give byte-identical summaries.
//
//   node bench/indexed-snapshot.mjs [path/to/dist] > after.txt     (default ../dist)
//   diff before.txt after.txt && echo identical
//
// Not a test (about a minute).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const { simulate } = await import(pathToFileURL(`${dist}/index.js`).href);

const REQUESTS = Number(process.env.SNAPSHOT_REQUESTS ?? 6000);
const POLICIES = [
  { name: 'least-connections' }, { name: 'least-connections', weighted: true }, { name: 'join-shortest-queue' },
  { name: 'join-shortest-queue', ties: 'lowest-id' }, { name: 'first' }, { name: 'first', maxConn: 3 }, { name: 'least-time' },
  { name: 'dynamic-weighted-round-robin' },
];

/** n servers (weights 1, 2, 3 in turn) of `concurrency` slots at ρ = 0.9, and its variants. */
function variants(n, concurrency) {
  const m = 10;
  const base = {
    seed: 7, stop: { requests: REQUESTS }, servers: [{ count: n - 2 * Math.floor(n / 3), concurrency, weight: 1 }, { count: Math.floor(n / 3), concurrency, weight: 2 }, { count: Math.floor(n / 3), concurrency, weight: 3 }],
    arrivals: { process: 'poisson', ratePerSec: (0.9 * n * concurrency * 1000) / m }, service: { dist: 'exponential', meanMs: m },
  };
  const failures = { timeBetween: { dist: 'exponential', meanMs: 300 * m }, repair: { dist: 'exponential', meanMs: 30 * m }, warmupMs: 2 * m, outages: [] };
  const health = { intervalMs: 5 * m, timeoutMs: m, unhealthyThreshold: 2, healthyThreshold: 2 };
  return {
    as: base,
    overload: { ...base, arrivals: { ...base.arrivals, ratePerSec: base.arrivals.ratePerSec * 1.3 } },
    timeout: { ...base, client: { timeoutMs: 3 * m, cancel: true, retries: { max: 2, baseMs: m, jitter: 'full' } } },
    hedge: { ...base, client: { hedge: { afterMs: 2 * m, max: 1 } } },
    failuresHealth: { ...base, failures, health },
    outlier: { ...base, failures, health: { ...health, outlier: { consecutiveErrors: 3, baseEjectionMs: 20 * m } } },
    fleet: { ...base, fleet: { count: 3, assign: 'random' } },
    reported: { ...base, view: { load: 'reported', refreshMs: 2 * m } },
    reportedLive: { ...base, view: { load: 'reported', refreshMs: 0 } },
    closed: { ...base, arrivals: { process: 'closed', clients: 3 * n * concurrency, thinkMs: { dist: 'exponential', meanMs: 2 * m } } },
  };
}

const lines = [];
for (const [n, concurrency] of [[32, 1], [200, 4], [1500, 1]]) {
  for (const [v, scenario] of Object.entries(variants(n, concurrency))) {
    for (const balancer of POLICIES) {
      for (const mode of ['auto', 'checked']) {
        const options = { requests: REQUESTS, ...(mode === 'checked' ? { checked: true } : {}) };
        let out;
        try {
          out = JSON.stringify({ ...simulate({ ...scenario, balancer }, options), wallMs: 0 });
        } catch (e) {
          out = `error ${e instanceof Error ? e.message : String(e)}`;
        }
        const opts = Object.entries(balancer).filter(([k]) => k !== 'name').map(([k, x]) => `${k}=${x}`).join(',');
        lines.push(`${n}x${concurrency}/${v}/${balancer.name}${opts ? `:${opts}` : ''}/${mode} ${out}`);
      }
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
