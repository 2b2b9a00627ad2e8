// @ts-check
// bench/heap.js - the floor under lbsim's per-event cost: a bare typed-array binary heap in a
// hold model (pop the earliest event, push one a random exponential delay later), beside lbsim's
// EventQueue in the same loop and lbsim's whole model on jsq16, all as events per CPU second.
//
//   npm run prepare && node bench/heap.js [events=1e7] [pending=17] [dist=../dist]
//
// pending = 17 is jsq16's queue: 16 departures and the next arrival. One event = one pop and one
// push. CPU time (process.cpuUsage) of the loop alone; each figure is the median of 5 repeats.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const n = Number(process.argv[2] ?? 1e7), pending = Number(process.argv[3] ?? 17);
const dist = resolve(process.argv[4] ?? new URL('../dist', import.meta.url).pathname);
const { EventQueue, createModel, preset } = await import(pathToFileURL(`${dist}/index.js`).href);

/** The bare heap: keys (time) and data in two typed arrays; ties broken by nothing (not FIFO). */
function bareHeap(/** @type {number} */ events) {
  const cap = 1 << 16, T = new Float64Array(cap), D = new Int32Array(cap);
  let size = 0, seed = 2463534242;
  const rnd = () => { // xorshift32
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const push = (/** @type {number} */ t, /** @type {number} */ d) => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (T[p] <= t) break;
      T[i] = T[p]; D[i] = D[p]; i = p;
    }
    T[i] = t; D[i] = d;
  };
  const pop = () => {
    const d = D[0], t = T[--size], dd = D[size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && T[c + 1] < T[c]) c++;
      if (t <= T[c]) break;
      T[i] = T[c]; D[i] = D[c]; i = c;
    }
    T[i] = t; D[i] = dd;
    return d;
  };
  for (let k = 0; k < pending; k++) push(-Math.log(1 - rnd()), k);
  const t0 = process.cpuUsage();
  let now = 0, sum = 0;
  for (let k = 0; k < events; k++) {
    now = T[0];
    sum += pop();
    push(now - Math.log(1 - rnd()), k);
  }
  const t = process.cpuUsage(t0);
  if (sum === -1) console.log(sum);
  return (t.user + t.system) / 1e6;
}

/** lbsim's EventQueue (front slot, FIFO ties) in the same hold model. */
function lbsimQueue(/** @type {number} */ events) {
  const q = new EventQueue();
  let seed = 2463534242;
  const rnd = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  for (let k = 0; k < pending; k++) q.push(-Math.log(1 - rnd()), k);
  const t0 = process.cpuUsage();
  let sum = 0;
  for (let k = 0; k < events; k++) {
    sum += q.pop();
    q.push(q.lastTime - Math.log(1 - rnd()), k);
  }
  const t = process.cpuUsage(t0);
  if (sum === -1) console.log(sum);
  return (t.user + t.system) / 1e6;
}

/** lbsim's whole model on jsq16: returns [cpu seconds, events]. */
function jsq16(/** @type {number} */ requests) {
  const model = createModel(preset('jsq16'), { requests });
  const t0 = process.cpuUsage();
  model.run();
  const t = process.cpuUsage(t0);
  return [(t.user + t.system) / 1e6, model.sim.events];
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = [];
const bare = [], queue = [], model = [];
let modelEvents = 0;
for (let i = 0; i < 5; i++) { // interleaved
  bare.push(n / bareHeap(n));
  queue.push(n / lbsimQueue(n));
  const [cpu, events] = jsq16(Math.round(n / 2));
  modelEvents = events;
  model.push(events / cpu);
}
const fmt = (/** @type {number} */ x) => `${(x / 1e6).toFixed(1)} M`;
const range = (/** @type {number[]} */ xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
rows.push(['bare typed-array heap (push+pop)', bare], ['lbsim EventQueue (push+pop)', queue], [`lbsim jsq16 model (${modelEvents.toLocaleString('en')} events)`, model]);
console.log(`node ${process.version}, ${n.toLocaleString('en')} events, ${pending} pending; events per CPU second, median of 5 (range)`);
for (const [name, xs] of rows) {
  const m = median(/** @type {number[]} */ (xs));
  console.log(`${String(name).padEnd(44)}${fmt(m).padStart(10)}  ${(1e9 / m).toFixed(0).padStart(5)} ns/event  (${range(/** @type {number[]} */ (xs))})`);
}
