// @ts-check
// bench/suites.js - micro-benchmarks of the engine's parts (benchmark.js), on the compiled library.
//
//   node bench/suites.js            (bench/run.js calls runSuites() and prints the same tables)
//   LBSIM_DIST=/path/to/dist node bench/suites.js     (measure another build)
//   BENCH_CPU=1 node bench/suites.js                  (CPU time instead of wall clock: see runCpu)
//   node bench/suites.js --queue                      (the event queue's hold model only)
//
// (a) Event queue, hold model: a queue holding K pending events (K = 16, 1,000, 100,000 and
//     1,000,000: jsq16's size, a heap that fits the cache, and the calendar's range); one
//     op = pop() + push(lastTime + Exp(1)), so the size stays K. The exponential increments come
//     from a precomputed table of 65,536 variates, so the figure is the queue's own cost.
// (b) Balancers: pick(key) of every registered policy at 10, 100, 1,000 and 10,000 servers with a full
//     BalancerContext (weights 1, all eligible). A fixed population of in-flight requests (0.9 per
//     server) is kept: each op is pick(key) with a uniformly random key + outstanding/trueLoad[s]++
//     for the new request + one uniformly chosen in-flight request ends (its server's counters --,
//     and, for policies with observe(), a latency of 10 ms × Exp(1) × (1 + that server's load) is
//     reported) + the clock (ctx.now()) advances so the mean time in flight is 10 ms. Load- and
//     latency-aware policies therefore see a changing load. The row "(bookkeeping only)" times the
//     same loop with a trivial picker: subtract it to get the cost of pick() alone. Policies that
//     index the counts are told of each change (outstandingChanged / trueLoadChanged), as the model does.
//     Spread: relative standard deviation (sd / mean) of the number of picks per server over
//     100,000 picks under the same dynamics (0 = perfectly even; a uniform random choice gives
//     about sqrt(servers / 100,000); all picks on one server gives sqrt(servers - 1)).
//
// Measuring method: benchmark.js inlines a case's body into its timing loop only when the body
// can be compiled on its own (a string, or a function whose source does not depend on its
// closure); a case that closes over module variables silently falls back to calling the
// function once per op. So every case here is a *string* body with a string `setup`, and the
// state it needs is published on globalThis.__lbsimBench. Each result is checked to have run
// through the inlined loop (column "loop": "inlined"; anything else is reported as such).
import Benchmark from 'benchmark';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// LBSIM_DIST: the compiled package to measure (default ../dist), e.g. another checkout's build.
const dist = resolve(process.env.LBSIM_DIST ?? new URL('../dist', import.meta.url).pathname);
const { EventQueue, Xoshiro128, createStream, listBalancers } = await import(pathToFileURL(`${dist}/index.js`).href);

export const MAX_TIME_S = Number(process.env.BENCH_MAX_TIME ?? 0.5);
Benchmark.options.maxTime = MAX_TIME_S;
Benchmark.options.minSamples = 5;

const EXP_TABLE = 1 << 16;
const SPREAD_PICKS = 100_000;
const INFLIGHT_PER_SERVER = 0.9;
/** Mean latency reported to observe() at an idle server, ms; also the mean time in flight. */
const LATENCY_MS = 10;

/** Shared state the string-bodied cases read (they are compiled in the global scope). */
const state = /** @type {Record<string, any>} */ ({});
/** @type {any} */ (globalThis).__lbsimBench = state;

function expTable(seed) {
  const rng = new Xoshiro128([seed, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35]);
  const t = new Float64Array(EXP_TABLE);
  for (let i = 0; i < EXP_TABLE; i++) t[i] = -Math.log1p(-rng.next());
  return t;
}

/** A queue holding `k` events at independent Exp(1) times (the classic hold model's start). */
function holdQueue(k, exps) {
  const q = new EventQueue();
  for (let i = 0; i < k; i++) q.push(exps[(i * 7919) & (EXP_TABLE - 1)], 0);
  return q;
}

/**
 * A BalancerContext of `n` servers with weights 1, all eligible, and `m` requests in flight
 * placed uniformly at random; returns the context and the in-flight list (server per request).
 */
function makeContext(n, seed) {
  const m = Math.max(1, Math.round(INFLIGHT_PER_SERVER * n));
  const clock = new Float64Array(1);
  const ctx = {
    size: n,
    weights: new Float64Array(n).fill(1),
    eligible: new Uint8Array(n).fill(1),
    outstanding: new Int32Array(n),
    trueLoad: new Int32Array(n),
    rng: createStream(seed, 'balancer'),
    now: () => clock[0],
  };
  const inflight = new Int32Array(m);
  const place = createStream(seed, 'placement');
  for (let j = 0; j < m; j++) {
    const s = Math.floor(place.next() * n);
    inflight[j] = s;
    ctx.outstanding[s]++;
    ctx.trueLoad[s]++;
  }
  // Keys (uniform over [0, 2^31)) and Exp(1) variates for the latencies, precomputed.
  const keys = new Int32Array(EXP_TABLE), exps = new Float64Array(EXP_TABLE);
  const kr = createStream(seed, 'keys');
  for (let i = 0; i < EXP_TABLE; i++) { keys[i] = Math.floor(kr.next() * 2 ** 31); exps[i] = -Math.log1p(-kr.next()); }
  return { ctx, inflight, clock, dt: LATENCY_MS / m, keys, exps };
}

/**
 * One op of the balancer cases, as source text: pick, count the new request, end a uniformly
 * chosen in-flight one (whose slot the new request takes). `B` = balancer, `O`/`L` = outstanding
 * and trueLoad, `F` = in-flight list, `M` = its length, `U` = bookkeeping rng.
 */
const PICK_OP = `/*lbsim-inline*/
var s$ = B.pick(K[I = (I + 1) & 65535]);
O[s$]++; L[s$]++;
if (OC) B.outstandingChanged(s$); if (TC) B.trueLoadChanged(s$);
var j$ = (U.next() * M) | 0, e$ = F[j$];
O[e$]--; L[e$]--; F[j$] = s$;
if (OC) B.outstandingChanged(e$); if (TC) B.trueLoadChanged(e$);
T[0] += DT;
if (OB) B.observe(e$, X[I] * LAT * (1 + L[e$]), true);`;

const PICK_SETUP = (key) => `var st$ = globalThis.__lbsimBench[${JSON.stringify(key)}];
var B = st$.balancer, O = st$.ctx.outstanding, L = st$.ctx.trueLoad, F = st$.inflight, M = F.length, U = st$.rng;
var T = st$.clock, DT = st$.dt, K = st$.keys, X = st$.exps, I = st$.i, LAT = ${LATENCY_MS}, OB = typeof B.observe === 'function';
var OC = typeof B.outstandingChanged === 'function', TC = typeof B.trueLoadChanged === 'function';`;

/** Pick counts per server after SPREAD_PICKS picks with the same dynamics; returns sd / mean. */
function spread(create, n, seed) {
  const { ctx, inflight, clock, dt } = makeContext(n, seed + 1);
  const b = create(ctx, {}, 'balancer');
  const u = createStream(seed + 1, 'bookkeeping');
  const counts = new Float64Array(n);
  const m = inflight.length;
  for (let i = 0; i < SPREAD_PICKS; i++) {
    const s = b.pick(Math.floor(u.next() * 2 ** 31));
    if (!(s >= 0 && s < n)) throw new Error(`pick() returned ${s} for ${n} servers`);
    counts[s]++;
    ctx.outstanding[s]++; ctx.trueLoad[s]++;
    b.outstandingChanged?.(s); b.trueLoadChanged?.(s);
    const j = Math.floor(u.next() * m), e = inflight[j];
    ctx.outstanding[e]--; ctx.trueLoad[e]--; inflight[j] = s;
    b.outstandingChanged?.(e); b.trueLoadChanged?.(e);
    clock[0] += dt;
    if (b.observe) b.observe(e, -Math.log1p(-u.next()) * LATENCY_MS * (1 + ctx.trueLoad[e]), true);
  }
  let sum = 0, sumSq = 0;
  for (let s = 0; s < n; s++) { sum += counts[s]; sumSq += counts[s] * counts[s]; }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean)) / mean;
}

/**
 * BENCH_CPU=1: each case timed by CPU time (process.cpuUsage) instead of benchmark.js's wall
 * clock, for a machine loaded by other work: the same setup and op compiled into one loop, its
 * op count doubled until a run takes 50 ms of CPU, then five runs; ops/s is their median and
 * ± half their range (as a % of it).
 */
function runCpu(cases) {
  return cases.map((c) => {
    const run = new Function('N', `${c.setup}\nfor (var n$ = 0; n$ < N; n$++) {\n${c.fn}\n}\n${c.teardown ?? ''}`);
    const cpu = (N) => {
      const c0 = process.cpuUsage();
      run(N);
      const d = process.cpuUsage(c0);
      return (d.user + d.system) / 1e6;
    };
    let N = 1000;
    while (cpu(N) < 0.05) N *= 2;
    const rates = [0, 1, 2, 3, 4].map(() => N / cpu(N)).sort((a, b) => a - b);
    return { ...c.meta, name: c.name, hz: rates[2] * (c.opsPerCall ?? 1), rme: ((rates[4] - rates[0]) / 2 / rates[2]) * 100, samples: 5, loop: 'cpu' };
  });
}

/** Runs a suite synchronously; returns one row per case. */
function runSuite(name, cases) {
  if (process.env.BENCH_CPU === '1') return runCpu(cases);
  const suite = new Benchmark.Suite(name);
  for (const c of cases) suite.add(c.name, c.fn, { setup: c.setup, teardown: c.teardown ?? '' });
  const rows = [];
  suite.on('cycle', (/** @type {any} */ ev) => {
    const b = ev.target;
    if (b.error) throw b.error;
    const src = String(b.compiled ?? '');
    const c = cases.find((x) => x.name === b.name);
    rows.push({
      ...c.meta,
      name: b.name,
      hz: b.hz * (c.opsPerCall ?? 1),
      rme: b.stats.rme,
      samples: b.stats.sample.length,
      loop: src.includes('/*lbsim-inline*/') ? 'inlined' : 'call per op',
    });
  });
  suite.run({ async: false });
  return rows;
}

/** Pending events in the hold model's queues. */
const HOLD_SIZES = [16, 1_000, 100_000, 1_000_000];

/** (a) the event queue hold model. */
export function queueSuite() {
  const exps = expTable(1);
  state.exps = exps;
  const cases = HOLD_SIZES.map((k) => {
    state[`hold${k}`] = { q: holdQueue(k, exps), i: 0 };
    return {
      name: `hold model, ${k.toLocaleString('en')} pending`,
      meta: { pending: k },
      setup: `var st$ = globalThis.__lbsimBench.hold${k}, Q = st$.q, X = globalThis.__lbsimBench.exps, I = st$.i;`,
      fn: `/*lbsim-inline*/
Q.pop(); Q.push(Q.lastTime + X[I = (I + 1) & 65535], 0);`,
      teardown: 'st$.i = I;',
    };
  });
  const rows = runSuite('event queue', cases);
  for (const k of HOLD_SIZES) {
    if (state[`hold${k}`].q.size !== k) throw new Error(`hold queue size drifted: ${state[`hold${k}`].q.size} != ${k}`);
  }
  return rows;
}

/** (b) pick() per balancer and size, plus the spread of picks. */
export function balancerSuite(sizes = [10, 100, 1_000, 10_000]) {
  const infos = listBalancers();
  const cases = [];
  for (const n of sizes) {
    const trivial = { name: '(bookkeeping only)', create: () => { let c = 0; return { pick: () => (c = c + 1 === n ? 0 : c + 1) }; } };
    for (const info of [trivial, ...infos]) {
      const key = `pick:${info.name}:${n}`;
      const c = makeContext(n, 7);
      state[key] = { ...c, i: 0, balancer: info.create(c.ctx, {}, 'balancer'), rng: createStream(7, 'bookkeeping') };
      cases.push({
        name: `${info.name} @ ${n}`,
        meta: { balancer: info.name, servers: n, spread: spread(info.create, n, 11) },
        setup: PICK_SETUP(key),
        fn: PICK_OP,
        teardown: 'st$.i = I;',
      });
    }
  }
  return runSuite('balancers', cases);
}

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

/** Markdown tables of both suites. */
export function formatSuites(queueRows, pickRows) {
  const lines = [];
  lines.push('| event queue (hold model: pop + push) | ops/s | ± | samples | loop |', '|---|---:|---:|---:|---|');
  for (const r of queueRows) lines.push(`| ${r.name} | ${fmtRate(r.hz)} | ${r.rme.toFixed(1)}% | ${r.samples} | ${r.loop} |`);
  lines.push('');
  lines.push('| balancer | servers | ops/s (pick + bookkeeping) | ± | spread (RSD of picks, 100k) | loop |', '|---|---:|---:|---:|---:|---|');
  for (const r of pickRows) {
    const sp = Number.isFinite(r.spread) ? r.spread.toFixed(4) : '-';
    lines.push(`| ${r.balancer} | ${r.servers.toLocaleString('en')} | ${fmtRate(r.hz)} | ${r.rme.toFixed(1)}% | ${sp} | ${r.loop} |`);
  }
  return lines.join('\n');
}

export function runSuites() {
  const q = queueSuite();
  const p = balancerSuite();
  return { queue: q, picks: p, markdown: formatSuites(q, p) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // --queue: the event queue's table alone
  console.log(process.argv.includes('--queue') ? formatSuites(queueSuite(), []).split('\n\n')[0] : runSuites().markdown);
}
