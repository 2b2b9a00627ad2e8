// @ts-check
// bench/features.js - the rate of requests with each client feature alone, against the plain
// path's, on the default preset (10 servers, rho = 0.9), in CPU time, paired interleaved runs.
//
//   npm run prepare && node bench/features.js [N=2e6] [pairs=5] [dist=../dist]
//
// Every pair runs the plain scenario and one feature's in two fresh processes, back to back, in
// alternating order (plain first on even pairs); each process builds the model and times
// model.run() alone with process.cpuUsage (user + system). The ratio of a pair is
// rate(feature) / rate(plain) = cpu(plain) / cpu(feature) per request; the table gives the median
// and the range over pairs, so a machine loaded by other work shows as spread, not as a bias.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

/**
 * Each feature alone, sized to the default preset (mean service 10 ms, plain latency p50 15 ms,
 * p99 80 ms): timeouts and deadlines that rarely fire, a hedge at the plain p99 whose loser is
 * cancelled (≈1.2% of requests hedged). Without `cancel` the losers run on as ghosts and at
 * ρ = 0.9 their work feeds back: 67% of requests get hedged, 1.67 attempts per request, a heavier
 * workload rather than the feature's cost.
 */
const FEATURES = {
  plain: {},
  'timeout + retries': { client: { timeoutMs: 200, retries: { max: 2, baseMs: 10, jitter: 'full' } } },
  hedging: { client: { hedge: { afterMs: 80, max: 1 }, cancel: true } },
  deadline: { client: { deadlineMs: 200 } },
  'failures + health checks': {
    failures: { timeBetween: { dist: 'exponential', meanMs: 60_000 }, repair: { dist: 'exponential', meanMs: 2_000 }, warmupMs: 0, outages: [] },
    health: { intervalMs: 1_000, timeoutMs: 100, unhealthyThreshold: 2, healthyThreshold: 2 },
  },
};

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

if (args[0] === '--one') {
  // Child: one run of one feature; prints {cpu_s, requests}.
  const [, feature, nArg, dist] = args;
  const { createModel, preset } = await import(pathToFileURL(`${dist}/index.js`).href);
  const scenario = { ...preset('default'), ...FEATURES[/** @type {keyof typeof FEATURES} */ (feature)] };
  const model = createModel(scenario, { requests: Number(nArg) });
  const t0 = process.cpuUsage();
  model.run();
  const t = process.cpuUsage(t0);
  console.log(JSON.stringify({ cpu_s: (t.user + t.system) / 1e6, requests: model.stats.arrived }));
} else {
  const n = Number(args[0] ?? 2e6), pairs = Number(args[1] ?? 5);
  const dist = resolve(args[2] ?? new URL('../dist', import.meta.url).pathname);
  if (!(n >= 1) || !(pairs >= 1)) {
    console.error('usage: node bench/features.js [N=2e6] [pairs=5] [dist]');
    process.exit(2);
  }
  /** @param {string} feature */
  const one = (feature) => {
    const r = spawnSync(process.execPath, [self, '--one', feature, String(n), dist], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const median = (/** @type {number[]} */ xs) => {
    const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  console.log(`node ${process.version}, ${n.toLocaleString('en')} requests per run, ${pairs} pairs per feature, CPU time of model.run()`);
  console.log('feature                     plain req/s (median)  feature req/s (median)  ratio median  ratio range');
  for (const feature of Object.keys(FEATURES)) {
    if (feature === 'plain') continue;
    const ratios = [], plainRates = [], rates = [];
    for (let i = 0; i < pairs; i++) {
      const order = i % 2 === 0 ? ['plain', feature] : [feature, 'plain'];
      const got = Object.fromEntries(order.map((f) => [f, one(f)]));
      const rp = got.plain.requests / got.plain.cpu_s, rf = got[feature].requests / got[feature].cpu_s;
      plainRates.push(rp); rates.push(rf); ratios.push(rf / rp);
    }
    const fmt = (/** @type {number} */ x) => `${(x / 1e6).toFixed(2)} M`;
    console.log(
      `${feature.padEnd(28)}${fmt(median(plainRates)).padStart(20)}${fmt(median(rates)).padStart(24)}` +
      `${median(ratios).toFixed(2).padStart(14)}  ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
    );
  }
}
