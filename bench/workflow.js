// @ts-check
// bench/workflow.js - workflows as state machines at N instances: speed and memory.
//
//   node bench/workflow.js [N=1e6] [seed=1] [path/to/dist] [traffic]     (default ../dist)
//
// The order-payment preset's topology (orders → payments) at 2,000 orders/s, with an order machine
// that goes on after payment (Packing, Shipped, Delivered: `after` timers): per family about ten
// transitions (order: submit, always, done, 3 timers; payment: authorize, processed, and the
// declined-and-retried ones), one call through the topology, one timer per user event.
// Times model.run() plus the summary (CPU time of the process, process.cpuUsage) and prints one
// JSON line: instances/s, transitions/s, events/s, heap before and after (after a full GC).
// `traffic`: the same traffic without workflows, what the workflow layer costs beside: each order's
// attempt at `orders` calls `payments` once (hold: false: its slot is not held meanwhile, as an
// order waiting for its payment holds none), same arrivals, servers and edge policy.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dist = resolve(process.argv[4] ?? new URL('../dist', import.meta.url).pathname);
const { createTopologyModel, preset } = await import(pathToFileURL(`${dist}/index.js`).href);
const { summarizeWorkflows } = await import(pathToFileURL(`${dist}/workflow/summary.js`).href);
const { ORDER_MACHINE } = await import(pathToFileURL(`${dist}/workflow/presets.js`).href);

setFlagsFromString('--expose-gc');
const gc = /** @type {() => void} */ (runInNewContext('gc'));
const n = Number(process.argv[2] ?? 1e6), seed = Number(process.argv[3] ?? 1), traffic = process.argv[5] === 'traffic';
const input = /** @type {any} */ (preset('order-payment'));
input.seed = seed;
input.stop = { requests: n };
input.arrivals = { process: 'poisson', ratePerSec: 2000 };
input.services.payments.servers = [{ count: 4, concurrency: 256 }];
const order = structuredClone(ORDER_MACHINE);
order.states.Completed = { after: { 100: 'Packing' } };
Object.assign(order.states, { Packing: { after: { 1000: 'Shipped' } }, Shipped: { after: { 2000: 'Delivered' } }, Delivered: { type: 'final' } });
input.workflows.machines.order.machine = order;
input.workflows.invariants.eventually[0].order = ['Delivered', 'Cancelled', 'Failed'];
if (traffic) {
  delete input.workflows;
  input.services.orders.work.push({ call: 'payments', hold: false });
}
const model = createTopologyModel(input, {});
gc();
const heapBefore = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage(), t0 = performance.now();
model.run();
const w = traffic ? { instances: { completed: model.stats.successes, live: 0 }, machines: {} } : summarizeWorkflows(/** @type {any} */ (model.hooks));
const cpu = process.cpuUsage(cpu0), wallS = (performance.now() - t0) / 1000;
gc();
const heapAfter = process.memoryUsage().heapUsed;
const cpuS = (cpu.user + cpu.system) / 1e6;
const transitions = Object.values(w.machines).reduce((a, m) => a + Object.values(m.transitions).reduce((b, x) => b + x, 0), 0);
console.log(JSON.stringify({
  workload: traffic ? 'order-payment traffic without workflows (orders -> payments)' : 'order-payment, 10 transitions per family', n, seed, completed: w.instances.completed, live: w.instances.live, cpu_s: cpuS, wall_s: wallS,
  instances_per_s: Math.round(n / cpuS), transitions_per_instance: +(transitions / n).toFixed(2), transitions_per_s: Math.round(transitions / cpuS),
  events_per_s: Math.round(model.sim.events / cpuS), heap_mb_before: +(heapBefore / 2 ** 20).toFixed(2), heap_mb_after: +(heapAfter / 2 ** 20).toFixed(2),
}));
