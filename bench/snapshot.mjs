// @ts-check
// bench/snapshot.mjs - every single-pool preset × balancers × client, failure, fleet and
// closed-loop variants, on the short path, the general path and checked, as one line each:
// `<case> <summary JSON without wallMs>`. Two builds that print the same file give byte-identical
// summaries: the proof an optimisation changed nothing.
//
//   node bench/snapshot.mjs [path/to/dist] > after.txt     (default ../dist)
//   diff before.txt after.txt && echo identical
//
// Not a test (it takes a minute or two); tests hold the short paths to the general one on
// random scenarios (test/model/model.test.ts).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const lbsim = await import(pathToFileURL(`${dist}/index.js`).href);
const { simulate, preset, presetNames, isTopology } = lbsim;

const REQUESTS = Number(process.env.SNAPSHOT_REQUESTS ?? 4000);
const BALANCERS = ['round-robin', 'random', 'least-connections', 'power-of-two', 'join-shortest-queue', 'least-time', 'peak-ewma', 'ring-hash'];

/** A rough mean service time of a preset, so that timeouts and hedges fall inside its latencies. */
function serviceMs(s) {
  const d = s.service ?? {};
  return d.meanMs ?? d.valueMs ?? d.medianMs ?? (d.minMs !== undefined ? (d.minMs + d.maxMs) / 2 : 10);
}

/** The variants of a scenario: each client feature alone, failures with health checks, fleet, closed loop, all together. */
function variants(s) {
  const m = serviceMs(s);
  const failures = { timeBetween: { dist: 'exponential', meanMs: 300 * m }, repair: { dist: 'exponential', meanMs: 30 * m }, warmupMs: 2 * m, outages: [] };
  const health = { intervalMs: 5 * m, timeoutMs: m, unhealthyThreshold: 2, healthyThreshold: 2 };
  const base = { ...s };
  return {
    as: base,
    timeout: { ...base, client: { timeoutMs: 3 * m, retries: { max: 2, baseMs: m, jitter: 'full' } } },
    timeoutCancel: { ...base, client: { timeoutMs: 2 * m, cancel: true, retries: { max: 1, baseMs: m / 2, jitter: 'decorrelated', budget: { ratio: 0.2, minPerSec: 10, burst: 20 } } } },
    hedge: { ...base, client: { hedge: { afterMs: 2 * m, max: 1 } } },
    hedgePct: { ...base, client: { cancel: true, hedge: { percentile: 90, afterMs: 3 * m, max: 2 } } },
    deadline: { ...base, client: { deadlineMs: 4 * m } },
    failuresHealth: { ...base, failures, health },
    failuresConnect: { ...base, failures, client: { connectTimeoutMs: m, timeoutMs: 5 * m, retries: { max: 2, baseMs: m } } },
    outlier: { ...base, failures, health: { ...health, outlier: { consecutiveErrors: 3, baseEjectionMs: 20 * m } } },
    fleet: { ...base, fleet: { count: 3, assign: 'random' } },
    closed: { ...base, arrivals: { process: 'closed', clients: 20, thinkMs: { dist: 'exponential', meanMs: 2 * m } } },
    all: {
      ...base, failures, health, fleet: { count: 2, assign: 'round-robin' },
      client: { timeoutMs: 3 * m, deadlineMs: 8 * m, retries: { max: 2, baseMs: m }, hedge: { afterMs: 2 * m, max: 1 } },
    },
  };
}

const lines = [];
function run(name, scenario, balancer) {
  for (const mode of ['auto', 'general', 'checked']) {
    const options = { requests: REQUESTS, ...(balancer ? { balancer } : {}), ...(mode === 'checked' ? { checked: true } : { path: mode }) };
    let out;
    try {
      out = JSON.stringify({ ...simulate(scenario, options), wallMs: 0 });
    } catch (e) {
      out = `error ${e instanceof Error ? e.message : String(e)}`;
    }
    lines.push(`${name}${balancer ? `/${balancer}` : ''}/${mode} ${out}`);
  }
}

for (const name of presetNames()) {
  const p = preset(name);
  if (isTopology(p)) continue;
  for (const [v, scenario] of Object.entries(variants(p))) {
    if (name === 'default') for (const b of BALANCERS) run(`${name}/${v}`, scenario, b);
    else run(`${name}/${v}`, scenario, undefined);
  }
}
process.stdout.write(lines.join('\n') + '\n');
