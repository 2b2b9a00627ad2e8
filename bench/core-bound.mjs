// @ts-check
// bench/core-bound.mjs - how fast could lbsim run jsq16 at all? A bound, not an engine.
//
//   npm run prepare && node bench/core-bound.mjs [N=1e6] [full|lean] [dist=../dist] [--check]
//        [--servers 16] [--policy jsq|random] [--mean-ms 1000]
//
// jsq16 (16 FIFO servers, Poisson 14.4/s, exponential 1 s, join-shortest-queue with ties to the
// lowest id; by default) written as ONE fused loop with nothing general left: no balancer interface, no
// feature flags, no observer, no state-machine tables, every helper in one function so V8 sees it
// all. It uses lbsim's own parts where the engine does (EventQueue, the Xoshiro128 streams seeded
// as the model seeds them, Histogram, Welford), draws in the model's order and keeps:
//   full - the least bookkeeping that gives every figure lbsim's summary reports: request rows
//          from a free list, each server's busy and queue areas, time per state and idle/busy
//          transitions, completions, the latency histogram and mean; the request and attempt
//          transition counts and the request counters follow at the end from the completions and
//          one count of requests that waited (wrrreview's trim: the counters per event, an
//          eligibility test where every server stays eligible, the event budget and the stall
//          check — the engine's guards, not figures — cost ~560 instructions per request);
//   lean - none of it: the work the plain-JS baseline (shared/baselines/js/des.mjs) does, each
//          response time included.
// `--check` runs the engine on the same scenario (for jsq16 the preset's: createModel(preset('jsq16'),
// {requests: N, seed: 1}) builds the same) and compares every figure `full` keeps: the fused loop must be the same sample path,
// or its speed means nothing. bench/paired-baselines.js times both modes beside the baselines.
// The servers' figures sit in one 128-byte row per server and a request in one 32-byte row, so the
// same loop bounds a large pool too: `--servers 100000 --policy random` is bench/policy-scale.js's
// scenario (uniform random choice, exponential 10 ms, ρ = 0.9), the floor under every policy there.
// Prints one JSON line: {mode, requests, events, cpu_s, mean_ms, p99_ms}.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2), flags = new Map();
const args = [];
for (let k = 0; k < argv.length; k++) {
  if (argv[k] === '--check') flags.set('check', true);
  else if (argv[k].startsWith('--')) flags.set(argv[k].slice(2), argv[++k]);
  else args.push(argv[k]);
}
const check = flags.has('check');
const n = Number(args[0] ?? 1e6), mode = args[1] ?? 'full';
const dist = path.resolve(args[2] ?? path.join(here, '../dist'));
/** jsq16 by default; --servers, --policy random (uniform) and --mean-ms make policy-scale's scenario (ρ = 0.9). */
const servers = Number(flags.get('servers') ?? 16), policy = flags.get('policy') ?? 'jsq', meanMs = Number(flags.get('mean-ms') ?? (servers === 16 ? 1000 : 10));
const ratePerSec = servers === 16 && meanMs === 1000 ? 14.4 : (0.9 * servers * 1000) / meanMs;
if (!(Number.isInteger(n) && n >= 1 && n < 2 ** 31) || (mode !== 'full' && mode !== 'lean') || !(Number.isInteger(servers) && servers >= 1 && servers <= 1e6) ||
    (policy !== 'jsq' && policy !== 'random') || !(meanMs > 0) || [...flags.keys()].some((k) => !['check', 'servers', 'policy', 'mean-ms'].includes(k))) {
  console.error('usage: node bench/core-bound.mjs [N=1e6] [full|lean] [dist] [--check] [--servers 16] [--policy jsq|random] [--mean-ms 1000]');
  process.exit(2);
}
/** The engine's scenario of the same run (for --check): the jsq16 preset's, or policy-scale's. */
const scenario = {
  seed: 1, stop: { requests: n }, servers: [{ count: servers }],
  arrivals: { process: 'poisson', ratePerSec }, service: { dist: 'exponential', meanMs },
  balancer: policy === 'jsq' ? { name: 'join-shortest-queue', ties: 'lowest-id' } : { name: 'random' },
};
const lib = await import(pathToFileURL(`${dist}/index.js`).href);
const { EventQueue, Histogram, Welford, createStream } = lib;

/** Transition indices, from * 9 + to (src/model/states.ts: initiated 0, pending 1, in service 2, succeeded 3; nine states). */
const TO_SERVICE = 2, TO_PENDING = 1, PENDING_TO_SERVICE = 11, SERVICE_TO_SUCCEEDED = 21;
/**
 * A server's row, 128 bytes: Float64 slots (row * 16 + X) busy area 0, queue area 1, time per state
 * 2-5, since 6, completed 7; Int32 slots (row * 32 + X) in service 16, waiting 17, queue head 18,
 * tail 19, load 20, state 21. A request's row, 32 bytes: Float64 (r * 4 + X) arrival 0,
 * cost 1; Int32 (r * 8 + X) next 4 (free list, queue), server 5.
 */
const SF = 16, SI = 32, BUSY = 0, QUEUE = 1, BOOKS = 2, SINCE = 6, DONE = 7;
const IN = 16, WAITING = 17, HEAD = 18, TAIL = 19, LOAD = 20, STATE = 21;
const RF = 4, RI = 8, ARRIVAL = 0, COST = 1, NEXT = 4, SERVER = 5;

/** The full bookkeeping (see the header); `lean` skips it. */
function run(full) {
  const C = servers, GAP_MS = 1000 / ratePerSec, MEAN_MS = meanMs;
  const q = new EventQueue();
  const arrivalRng = createStream(1, 'arrivals'), serviceRng = createStream(1, 'service'), balancerRng = createStream(1, 'balancer');
  const latency = new Histogram(3), latencyStats = new Welford();
  let cap = 1024, rows = new ArrayBuffer(32 * cap), f = new Float64Array(rows), i = new Int32Array(rows), freeHead = 0;
  for (let r = 0; r < cap; r++) i[RI * r + NEXT] = r + 1 < cap ? r + 1 : -1;
  const pool = new ArrayBuffer(128 * C), sf = new Float64Array(pool), si = new Int32Array(pool);
  for (let s = 0; s < C; s++) {
    si[SI * s + HEAD] = si[SI * s + TAIL] = -1;
  }
  const serverTransitions = new Float64Array(16), requestTransitions = new Float64Array(81), attemptTransitions = new Float64Array(81);
  let left = n, now = 0, events = 0, queued = 0, latencySum = 0;

  const setState = (s, to) => {
    const from = si[SI * s + STATE], b = SF * s;
    sf[b + BOOKS + from] += now - sf[b + SINCE];
    sf[b + SINCE] = now;
    si[SI * s + STATE] = to;
    serverTransitions[4 * from + to]++;
  };
  const grow = () => {
    const more = new ArrayBuffer(64 * cap), f2 = new Float64Array(more), i2 = new Int32Array(more);
    f2.set(f);
    for (let r = cap; r < 2 * cap; r++) i2[RI * r + NEXT] = r + 1 < 2 * cap ? r + 1 : -1;
    freeHead = cap; cap *= 2; f = f2; i = i2;
  };
  // Every server stays eligible in this scenario: no eligibility test (the engine's balancers make one).
  const pick = () => {
    if (policy === 'random') return Math.floor(balancerRng.next() * C);
    let s = -1, best = 0x7fffffff;
    for (let k = 0; k < C; k++) if (si[SI * k + LOAD] < best) { s = k; best = si[SI * k + LOAD]; }
    return s;
  };
  const arrive = () => {
    if (freeHead < 0) grow();
    const r = freeHead;
    freeHead = i[RI * r + NEXT];
    f[RF * r + ARRIVAL] = now;
    f[RF * r + COST] = serviceRng.exp() * MEAN_MS;
    if (--left > 0) q.push(now + arrivalRng.exp() * GAP_MS, 0);
    const s = pick(), x = SI * s;
    i[RI * r + SERVER] = s;
    si[x + LOAD]++;
    if (si[x + IN] < 1) {
      if (full) {
        sf[SF * s + BUSY] -= now;
        if (si[x + STATE] === 0) setState(s, 1);
      }
      si[x + IN]++;
      q.push(now + f[RF * r + COST], (r << 5) | 1);
    } else {
      if (full) { queued++; sf[SF * s + QUEUE] -= now; }
      i[RI * r + NEXT] = -1;
      if (si[x + TAIL] < 0) si[x + HEAD] = r;
      else i[RI * si[x + TAIL] + NEXT] = r;
      si[x + TAIL] = r;
      si[x + WAITING]++;
    }
  };
  const depart = (r) => {
    const s = i[RI * r + SERVER], x = SI * s;
    const ms = now - f[RF * r + ARRIVAL];
    if (full) {
      sf[SF * s + DONE]++;
      latency.record(ms);
      latencyStats.add(ms);
    } else latencySum += ms; // as the baseline, which keeps each response time
    i[RI * r + NEXT] = freeHead;
    freeHead = r;
    si[x + LOAD]--;
    if (si[x + WAITING] > 0) { // the first waiting request takes the slot: the server stays busy
      const y = si[x + HEAD];
      si[x + HEAD] = i[RI * y + NEXT];
      if (si[x + HEAD] < 0) si[x + TAIL] = -1;
      si[x + WAITING]--;
      if (full) sf[SF * s + QUEUE] += now;
      q.push(now + f[RF * y + COST], (y << 5) | 1);
    } else {
      si[x + IN]--;
      if (full) {
        sf[SF * s + BUSY] += now;
        if (si[x + STATE] === 1) setState(s, 0);
      }
    }
  };

  q.push(arrivalRng.exp() * GAP_MS, 0);
  const t0 = process.cpuUsage();
  while (q.size > 0) {
    const data = q.pop();
    now = q.lastTime;
    events++;
    if ((data & 31) === 0) arrive();
    else depart(data >>> 5);
  }
  const t = process.cpuUsage(t0);
  const completed = new Float64Array(C), busy = new Float64Array(C), queueArea = new Float64Array(C), stateTime = new Float64Array(4 * C);
  let done = 0;
  for (let s = 0; s < C; s++) {
    sf[SF * s + BOOKS + si[SI * s + STATE]] += now - sf[SF * s + SINCE];
    completed[s] = sf[SF * s + DONE];
    done += completed[s];
    busy[s] = sf[SF * s + BUSY];
    queueArea[s] = sf[SF * s + QUEUE];
    for (let k = 0; k < 4; k++) stateTime[4 * s + k] = sf[SF * s + BOOKS + k];
  }
  // What every request did follows from the counts kept: all arrived, were sent, served and
  // succeeded; `queued` of them waited first. The attempt machine's counts are the request's.
  for (const tr of [attemptTransitions, requestTransitions]) {
    tr[TO_SERVICE] = n - queued; tr[TO_PENDING] = queued; tr[PENDING_TO_SERVICE] = queued; tr[SERVICE_TO_SUCCEEDED] = done;
  }
  const counts = { arrived: n, attemptsSent: n, successes: done, serverCompletions: done };
  return {
    cpu_s: (t.user + t.system) / 1e6, events, now, latency, latencyStats, busy, queueArea, completed, stateTime,
    serverTransitions, requestTransitions, attemptTransitions, counts, latencySum,
  };
}

const got = run(mode === 'full');
console.log(JSON.stringify({
  mode, requests: n, events: got.events, cpu_s: got.cpu_s,
  mean_ms: mode === 'full' ? got.latencyStats.mean : got.latencySum / n, p99_ms: mode === 'full' ? got.latency.quantile(0.99) : null,
}));

if (check) {
  if (mode !== 'full') throw new Error('--check compares the full bookkeeping: mode full');
  const model = lib.createModel(scenario, { requests: n, seed: 1 });
  model.run();
  const st = model.stats, pool = model.pool;
  const stateTime = pool.stateTime;
  /** @type {[string, number, number][]} */
  const pairs = [
    ['events', model.sim.events, got.events],
    ['end time', model.sim.now, got.now],
    ['arrived', st.arrived, got.counts.arrived],
    ['succeeded', st.succeeded, got.counts.successes],
    ['attempts', st.attemptsSent, got.counts.attemptsSent],
    ['server completions', st.serverCompletions, got.counts.serverCompletions],
    ['latency mean', st.latencyStats.mean, got.latencyStats.mean],
    ['latency p50', st.latency.quantile(0.5), got.latency.quantile(0.5)],
    ['latency p99', st.latency.quantile(0.99), got.latency.quantile(0.99)],
    ['latency max', st.latency.max, got.latency.max],
  ];
  for (let k = 0; k < 81; k++) pairs.push([`attempt transition ${k}`, st.attemptTransitions[k], got.attemptTransitions[k]]);
  for (let k = 0; k < 81; k++) pairs.push([`request transition ${k}`, st.requestTransitions[k], got.requestTransitions[k]]);
  for (let k = 0; k < 16; k++) pairs.push([`server transition ${k}`, pool.transitions[k], got.serverTransitions[k]]);
  for (let s = 0; s < servers; s++) {
    pairs.push([`server ${s} completed`, pool.completedOf(s), got.completed[s]]);
    pairs.push([`server ${s} busy time`, pool.busyTime(s), got.busy[s]]);
    pairs.push([`server ${s} queue area`, pool.queueTime(s), got.queueArea[s]]);
    for (let k = 0; k < 4; k++) pairs.push([`server ${s} time in state ${k}`, stateTime[4 * s + k], got.stateTime[4 * s + k]]);
  }
  const off = pairs.filter(([, a, b]) => a !== b);
  for (const [what, a, b] of off.slice(0, 10)) console.error(`differs: ${what}: engine ${a}, fused loop ${b}`);
  console.log(off.length === 0 ? `check: the fused loop reproduced ${pairs.length} figures of the engine's run exactly` : `check: ${off.length} of ${pairs.length} figures differ`);
  process.exit(off.length === 0 ? 0 : 1);
}
