// @ts-check
// bench/touches.mjs - which memory a request touches in a large pool: distinct 64-byte cache lines
// and 4 KB pages per arrival and per departure, by typed array (request table, server pool, event
// heap, balancer view, stats). Not a test, and not a timing: every typed array the model reaches
// is wrapped in a Proxy that records the lines and pages each event reads or writes, so the counts
// are exact and the same on every machine, while the run is ~100× slower than usual.
//
//   node bench/touches.mjs [--dist path/to/dist] [--policy random] [--servers 100000] [--requests 300000]
//   node bench/touches.mjs --latency
//   node bench/touches.mjs --index [--dist path/to/dist] [--servers 100000]
//
// --index: CPU µs of least-connections' MinIndex alone per request (one pick and its count up,
// one count down at a random busy server) with 90% of the servers at 1 and the rest at 0, as at
// ρ = 0.9: median of 3 runs of 10⁶ requests.
//
// --latency: what a touch costs on this machine: ns per random read of an Int32Array of 64 KB to
// 64 MB, dependent (a pointer chase: each read's address is the previous read's value, as a
// request row's server, a server's queue head, a heap level's child) and independent (addresses
// known in advance: the CPU overlaps the misses). CPU time, median of 3.
//
// Scenario as bench/policy-scale.js: n identical servers, one slot, exponential service of mean
// 10 ms, Poisson arrivals at ρ = 0.9. Counted over the second half of the arrivals (steady state;
// an event's window runs from the end of the previous event, so a departure includes its pop).
// At this size each distinct line of a large array is likely a cache miss, each distinct page a
// TLB miss. The balancer's own structures are reached where they are BucketIndex objects (the
// indexed least-connections, join-shortest-queue, first: `index.*`); others (closures, e.g. a
// MinIndex) are not. Arrays that grow by reallocation (the request table, the event queue's
// heap and calendar) are wrapped again after each event, so the queue is the calendar it is in a
// run (from 4,096 pending), not a heap kept from switching by `reserve`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = { dist: path.join(here, '../dist'), policy: 'random', servers: 100_000, requests: 300_000, index: false };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i], v = () => args[++i];
  if (a === '--dist') opts.dist = path.resolve(v());
  else if (a === '--policy') opts.policy = v();
  else if (a === '--servers') opts.servers = Number(v());
  else if (a === '--requests') opts.requests = Number(v());
  else if (a === '--index') opts.index = true;
  else if (a === '--latency') {
    latency();
    process.exit(0);
  }
  else { console.error(`touches.mjs: unknown argument ${a}`); process.exit(2); }
}

function latency() {
  const steps = 2_000_000, median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[1];
  let x = 12345, sink = 0;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const cpu = () => {
    const c = process.cpuUsage();
    return c.user + c.system; // µs
  };
  for (const bytes of [64e3, 512e3, 4e6, 16e6, 64e6]) {
    const n = bytes / 4, a = new Int32Array(n), order = new Int32Array(n), at = new Int32Array(steps);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = next() % i, t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let i = 0; i < n; i++) a[order[i]] = order[(i + 1) % n]; // one cycle through every element
    for (let i = 0; i < steps; i++) at[i] = next() % n;
    const chase = [], spread = [];
    for (let r = 0; r < 4; r++) {
      let k = 0;
      const t0 = cpu();
      for (let i = 0; i < steps; i++) k = a[k];
      const t1 = cpu();
      for (let i = 0; i < steps; i++) sink += a[at[i]];
      const t2 = cpu();
      sink += k;
      if (r > 0) { // r = 0 warms up
        chase.push(((t1 - t0) * 1000) / steps);
        spread.push(((t2 - t1) * 1000) / steps);
      }
    }
    console.log(`${(bytes / 1e6).toString().padStart(5)} MB: dependent ${median(chase).toFixed(0)} ns, independent ${median(spread).toFixed(0)} ns per read`);
  }
  if (sink === 0.5) console.log(sink);
}

if (opts.index) {
  const { MinIndex } = await import(path.join(opts.dist, 'balancers/min-index.js'));
  const { createStream } = await import(path.join(opts.dist, 'random/rng.js'));
  const n = opts.servers, rng = createStream(1, 'touches'), index = new MinIndex(n), keys = new Float64Array(n);
  const busy = new Int32Array(n); // servers at 1 or more, in any order
  let nb = 0;
  for (let s = 0; s < n; s++) if (s % 10 !== 0) keys[busy[nb++] = s] = 1;
  index.load(keys);
  const run = (/** @type {number} */ m) => {
    for (let k = 0; k < m; k++) {
      const s = index.pick(rng);
      if (keys[s]++ === 0) busy[nb++] = s;
      index.set(s, keys[s]);
      const j = Math.floor(rng.next() * nb), t = busy[j];
      if (--keys[t] === 0) busy[j] = busy[--nb];
      index.set(t, keys[t]);
    }
  };
  run(250_000);
  const us = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.cpuUsage();
    run(1_000_000);
    const c = process.cpuUsage(t0);
    us.push((c.user + c.system) / 1_000_000);
  }
  us.sort((a, b) => a - b);
  console.log(`MinIndex at ${n.toLocaleString('en')} servers: ${us[1].toFixed(2)} µs per request (${us[0].toFixed(2)}–${us[2].toFixed(2)})`);
  process.exit(0);
}

const { createModel } = await import(path.join(opts.dist, 'index.js'));
const n = opts.servers;
const model = createModel({
  seed: 1, stop: { requests: opts.requests }, servers: [{ count: n }],
  arrivals: { process: 'poisson', ratePerSec: 0.9 * n * 100 }, service: { dist: 'exponential', meanMs: 10 },
  balancer: { name: opts.policy },
});

let on = false;
/**
 * This event's distinct lines (buffer id · 2^32 + line) and pages, and lines per array name. Lines
 * are keyed by the ArrayBuffer and the byte offset in it, not by the view: views of one buffer
 * (the request table's rows, read as f64 and i32) share their lines, and a line is counted once
 * (under the name of the view that touched it first in the event). A buffer is taken to start on a
 * line (large ones are: their memory is mapped by pages).
 */
let lines = new Set(), pages = new Set();
const linesOf = new Map();
const wrapped = new Map();
/** @type {Map<ArrayBufferLike, number>} */
const bufferIds = new Map();
/** @param {string} name @param {any} ta */
function wrap(name, ta) {
  if (!ArrayBuffer.isView(ta)) return ta;
  if (wrapped.has(ta)) return wrapped.get(ta);
  if (!bufferIds.has(ta.buffer)) bufferIds.set(ta.buffer, bufferIds.size);
  const bytes = /** @type {any} */ (ta).BYTES_PER_ELEMENT, id = /** @type {number} */ (bufferIds.get(ta.buffer)), at = ta.byteOffset;
  const isIndex = (/** @type {string | symbol} */ k) => typeof k === 'string' && k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57;
  const proxy = new Proxy(ta, {
    get(t, k) {
      if (isIndex(k)) touch(name, id, at + Number(k) * bytes);
      const x = t[k];
      return typeof x === 'function' ? x.bind(t) : x;
    },
    set(t, k, x) {
      if (isIndex(k)) touch(name, id, at + Number(k) * bytes);
      t[k] = x;
      return true;
    },
  });
  wrapped.set(ta, proxy);
  return proxy;
}
/** @param {string} name @param {number} id @param {number} offset */
function touch(name, id, offset) {
  if (!on) return;
  const line = id * 2 ** 32 + Math.floor(offset / 64);
  if (!lines.has(line)) {
    lines.add(line);
    linesOf.set(name, (linesOf.get(name) ?? 0) + 1);
  }
  pages.add(id * 2 ** 32 + Math.floor(offset / 4096));
}
const proxies = new WeakSet();
/** @param {string} label @param {any} obj */
function wrapAll(label, obj) {
  for (const k of Object.keys(obj)) {
    const x = obj[k];
    if (ArrayBuffer.isView(x) && !proxies.has(x)) {
      const p = wrap(`${label}.${k}`, x);
      proxies.add(p);
      obj[k] = p;
    }
  }
}

// BucketIndex objects (closures of the indexed policies) are wrapped at their first change: the
// prototype's `set` is patched before the model uses it (same module instance as the model's).
const { BucketIndex } = await import(path.join(opts.dist, 'balancers/bucket-index.js'));
const indexes = new Set();
const set = BucketIndex.prototype.set;
BucketIndex.prototype.set = function (/** @type {number} */ s, /** @type {number} */ k) {
  if (!indexes.has(this)) indexes.add(this);
  return set.call(this, s, k);
};
const table = model.requests, queue = model.sim.queue, flow = model.flow;
/** Wraps every typed array the model reaches (again after an array was replaced by a larger one). */
function wrapModel() {
  wrapAll('requests', table);
  wrapAll('pool', model.pool);
  wrapAll('queue', queue);
  wrapAll('failures', model.failures);
  wrapAll('fleet', model.fleet);
  wrapAll('stats', model.stats);
  wrapAll('histogram', model.stats.latency);
  wrapAll('fleet.own', model.fleet.own);
  if (flow.serving) flow.serving = wrap('flow.serving', flow.serving); // before the chains of rows in service moved into the server rows
  for (const ctx of model.contexts) {
    for (const k of ['eligible', 'outstanding', 'weights']) {
      if (ArrayBuffer.isView(ctx[k]) && !proxies.has(ctx[k])) proxies.add(ctx[k] = wrap(`balancer.${k}`, ctx[k]));
    }
  }
  for (const index of indexes) {
    wrapAll('index', index);
    for (const b of index.buckets ?? []) wrapAll('index.bucket', b); // one RankedBits per bucket (builds before the grouped layout)
    if (index.low) wrapAll('index.low', index.low);
  }
}
wrapModel();

const kinds = { arrival: { events: 0, pages: 0, lines: new Map() }, departure: { events: 0, pages: 0, lines: new Map() } };
let arrivals = 0;
/** @param {'arrival' | 'departure'} kind */
function ended(kind) {
  // The arrival that ends the arrivals also closes the measurement window, which reads every
  // server's figures once (a row per server is then 100,000 lines in that one event): left out.
  if (on && !model.workload.arrivalsDone) {
    const k = kinds[kind];
    k.events++;
    k.pages += pages.size;
    for (const [name, x] of linesOf) k.lines.set(name, (k.lines.get(name) ?? 0) + x);
  }
  lines = new Set();
  pages = new Set();
  linesOf.clear();
  on = arrivals > opts.requests / 2 && !model.workload.arrivalsDone;
  if (on) wrapModel();
}
const shortArrival = flow.shortArrival.bind(flow), shortDeparture = flow.shortDeparture.bind(flow);
flow.shortArrival = (/** @type {number} */ source) => {
  arrivals++;
  shortArrival(source);
  ended('arrival');
};
flow.shortDeparture = (/** @type {number} */ r) => {
  const took = shortDeparture(r); // false (none in this scenario): not taken, the model hands it to depart
  if (took) ended('departure');
  return took;
};
model.run();

console.log(`${opts.policy}, ${n.toLocaleString('en')} servers, ρ = 0.9, ${opts.requests.toLocaleString('en')} requests (${opts.dist})`);
for (const [kind, k] of Object.entries(kinds)) {
  const rows = [...k.lines].map(([name, x]) => /** @type {[string, number]} */ ([name, x / k.events])).sort((a, b) => b[1] - a[1]);
  const group = new Map();
  for (const [name, x] of rows) group.set(name.split('.')[0], (group.get(name.split('.')[0]) ?? 0) + x);
  const total = rows.reduce((s, [, x]) => s + x, 0);
  console.log(`${kind}: ${total.toFixed(1)} distinct lines, ${(k.pages / k.events).toFixed(1)} pages per event (${k.events.toLocaleString('en')} events)`);
  console.log(`  by part: ${[...group].map(([g, x]) => `${g} ${x.toFixed(1)}`).join(', ')}`);
  console.log(`  by array: ${rows.filter(([, x]) => x >= 0.25).map(([name, x]) => `${name} ${x.toFixed(2)}`).join(', ')}`);
}
