// @ts-check
// bench/core-bound.mjs - how fast could lbsim run jsq16 at all? A bound, not an engine.
//
//   npm run prepare && node bench/core-bound.mjs [N=1e6] [full|lean] [dist=../dist] [--check]
//
// jsq16 (16 FIFO servers, Poisson 14.4/s, exponential 1 s, join-shortest-queue with ties to the
// lowest id) written as ONE fused loop with nothing general left: no balancer interface, no
// feature flags, no observer, no state-machine tables, every helper in one function so V8 sees it
// all. It uses lbsim's own parts where the engine does (EventQueue, the Xoshiro128 streams seeded
// as the model seeds them, Histogram, Welford), draws in the model's order and keeps:
//   full - the bookkeeping lbsim's summary reports: request rows from a free list, the measured
//          flag and counters, the request and attempt transition counts, each server's busy and
//          queue areas, time per state and idle/busy transitions, completions, the latency
//          histogram and mean, the event budget and the stall check, the eligibility test in the
//          scan;
//   lean - none of it: the work the plain-JS baseline (shared/baselines/js/des.mjs) does.
// `--check` runs the engine on the same scenario (createModel(preset('jsq16'), {requests: N,
// seed: 1})) and compares every figure `full` keeps: the fused loop must be the same sample path,
// or its speed means nothing. bench/paired-baselines.js times both modes beside the baselines.
// Prints one JSON line: {mode, requests, events, cpu_s, mean_ms, p99_ms}.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== '--check');
const check = process.argv.includes('--check');
const n = Number(args[0] ?? 1e6), mode = args[1] ?? 'full';
const dist = path.resolve(args[2] ?? path.join(here, '../dist'));
if (!(Number.isInteger(n) && n >= 1 && n < 2 ** 31) || (mode !== 'full' && mode !== 'lean')) {
  console.error('usage: node bench/core-bound.mjs [N=1e6] [full|lean] [dist] [--check]');
  process.exit(2);
}
const lib = await import(pathToFileURL(`${dist}/index.js`).href);
const { EventQueue, Histogram, Welford, createStream } = lib;

const C = 16, GAP_MS = 1000 / 14.4, MEAN_MS = 1000;
/** Transition indices, from * 9 + to (src/model/states.ts: initiated 0, pending 1, in service 2, succeeded 3; nine states). */
const TO_SERVICE = 2, TO_PENDING = 1, PENDING_TO_SERVICE = 11, SERVICE_TO_SUCCEEDED = 21;

/** The full bookkeeping (see the header); `lean` skips it. Row r: f64 [2r] arrival, [2r + 1] cost; i32 [2r] next (free list, queue), [2r + 1] server. */
function run(full) {
  const q = new EventQueue();
  const arrivalRng = createStream(1, 'arrivals'), serviceRng = createStream(1, 'service');
  const latency = new Histogram(3), latencyStats = new Welford();
  let cap = 1024, f = new Float64Array(2 * cap), i = new Int32Array(2 * cap), freeHead = 0;
  for (let r = 0; r < cap; r++) i[2 * r] = r + 1 < cap ? r + 1 : -1;
  const inService = new Int32Array(C), queueLength = new Int32Array(C), head = new Int32Array(C).fill(-1), tail = new Int32Array(C).fill(-1);
  const load = new Int32Array(C), eligible = new Uint8Array(C).fill(1), state = new Uint8Array(C);
  const busyArea = new Float64Array(C), queueArea = new Float64Array(C), books = new Float64Array(8 * C), completed = new Float64Array(C);
  const serverTransitions = new Float64Array(16), requestTransitions = new Float64Array(81), attemptTransitions = new Float64Array(81);
  const counts = { arrived: 0, inFlight: 0, attemptsSent: 0, successes: 0, serverCompletions: 0, live: 0 };
  let left = n, now = 0, events = 0, sameTime = 0, eventLimit = 1e7;

  const setState = (s, to) => {
    const from = state[s], b = 8 * s;
    books[b + from] += now - books[b + 4];
    books[b + 4] = now;
    state[s] = to;
    serverTransitions[4 * from + to]++;
  };
  const grow = () => {
    const f2 = new Float64Array(4 * cap), i2 = new Int32Array(4 * cap);
    f2.set(f); i2.set(i);
    for (let r = cap; r < 2 * cap; r++) i2[2 * r] = r + 1 < 2 * cap ? r + 1 : -1;
    freeHead = cap; cap *= 2; f = f2; i = i2;
  };
  const begin = (s, r) => {
    if (full) {
      busyArea[s] -= now;
      if (state[s] === 0) setState(s, 1);
    }
    inService[s]++;
    load[s]++;
    q.push(now + f[2 * r + 1], (r << 5) | 1);
  };
  const arrive = () => {
    if (freeHead < 0) grow();
    const r = freeHead;
    freeHead = i[2 * r];
    f[2 * r] = now;
    f[2 * r + 1] = serviceRng.exp() * MEAN_MS;
    if (--left > 0) q.push(now + arrivalRng.exp() * GAP_MS, 0);
    let s = -1, best = 0x7fffffff;
    if (full) {
      eventLimit += 10_000;
      counts.live++; counts.arrived++; counts.inFlight++; counts.attemptsSent++;
      for (let k = 0; k < C; k++) if (eligible[k] === 1 && load[k] < best) { s = k; best = load[k]; }
    } else {
      for (let k = 0; k < C; k++) if (load[k] < best) { s = k; best = load[k]; }
    }
    i[2 * r + 1] = s;
    if (inService[s] < 1) {
      if (full) { attemptTransitions[TO_SERVICE]++; requestTransitions[TO_SERVICE]++; }
      begin(s, r);
    } else {
      if (full) { attemptTransitions[TO_PENDING]++; requestTransitions[TO_PENDING]++; queueArea[s] -= now; }
      i[2 * r] = -1;
      if (tail[s] < 0) head[s] = r;
      else i[2 * tail[s]] = r;
      tail[s] = r;
      queueLength[s]++;
      load[s]++;
    }
  };
  const depart = (r) => {
    const s = i[2 * r + 1];
    if (full) {
      const ms = now - f[2 * r];
      completed[s]++; counts.serverCompletions++; counts.successes++; counts.inFlight--; counts.live--;
      attemptTransitions[SERVICE_TO_SUCCEEDED]++; requestTransitions[SERVICE_TO_SUCCEEDED]++;
      latency.record(ms);
      latencyStats.add(ms);
    }
    i[2 * r] = freeHead;
    freeHead = r;
    load[s]--;
    if (queueLength[s] > 0) { // the first waiting request takes the slot: the server stays busy
      const x = head[s];
      head[s] = i[2 * x];
      if (head[s] < 0) tail[s] = -1;
      queueLength[s]--;
      if (full) { queueArea[s] += now; attemptTransitions[PENDING_TO_SERVICE]++; requestTransitions[PENDING_TO_SERVICE]++; }
      q.push(now + f[2 * x + 1], (x << 5) | 1);
    } else {
      inService[s]--;
      if (full) {
        busyArea[s] += now;
        if (state[s] === 1) setState(s, 0);
      }
    }
  };

  q.push(arrivalRng.exp() * GAP_MS, 0);
  const t0 = process.cpuUsage();
  while (q.size > 0) {
    const data = q.pop();
    if (full) {
      if (events >= eventLimit) throw new Error('event limit');
      if (q.lastTime === now) { if (++sameTime > 10_000_000) throw new Error('stalled'); } else sameTime = 0;
    }
    now = q.lastTime;
    events++;
    if ((data & 31) === 0) arrive();
    else depart(data >>> 5);
  }
  const t = process.cpuUsage(t0);
  for (let s = 0; s < C; s++) { books[8 * s + state[s]] += now - books[8 * s + 4]; books[8 * s + 4] = now; }
  return {
    cpu_s: (t.user + t.system) / 1e6, events, now, latency, latencyStats, busyArea, completed, books,
    serverTransitions, requestTransitions, attemptTransitions, counts,
  };
}

const got = run(mode === 'full');
console.log(JSON.stringify({
  mode, requests: n, events: got.events, cpu_s: got.cpu_s,
  mean_ms: mode === 'full' ? got.latencyStats.mean : null, p99_ms: mode === 'full' ? got.latency.quantile(0.99) : null,
}));

if (check) {
  if (mode !== 'full') throw new Error('--check compares the full bookkeeping: mode full');
  const model = lib.createModel(lib.preset('jsq16'), { requests: n, seed: 1 });
  model.run();
  const st = model.stats, pool = model.pool;
  const stateTime = pool.stateTime;
  /** @type {[string, number, number][]} */
  const pairs = [
    ['events', model.sim.events, got.events],
    ['end time', model.sim.now, got.now],
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
  for (let s = 0; s < C; s++) {
    pairs.push([`server ${s} completed`, pool.completedOf(s), got.completed[s]]);
    pairs.push([`server ${s} busy time`, pool.busyTime(s), got.busyArea[s]]);
    for (let k = 0; k < 4; k++) pairs.push([`server ${s} time in state ${k}`, stateTime[4 * s + k], got.books[8 * s + k]]);
  }
  const off = pairs.filter(([, a, b]) => a !== b);
  for (const [what, a, b] of off.slice(0, 10)) console.error(`differs: ${what}: engine ${a}, fused loop ${b}`);
  console.log(off.length === 0 ? `check: the fused loop reproduced ${pairs.length} figures of the engine's run exactly` : `check: ${off.length} of ${pairs.length} figures differ`);
  process.exit(off.length === 0 ? 0 : 1);
}
