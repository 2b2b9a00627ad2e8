// @ts-check
// bench/workflow-snapshot.mjs - every workflow preset (and the order-payment topologies' variants with the
// reconciliation order machine, the payment machine with a void, and bench/workflow.js's ten-transition
// order; checkout's with the inventory that checks its order) at seeds 1 and 2, one line each:
// `<case> <topology summary JSON with workflows, without wallMs>`.
// Two builds that print the same file changed no result.
//
//   node bench/workflow-snapshot.mjs [path/to/dist] > after.txt     (default ../dist)
//   diff before.txt after.txt && echo identical
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname);
const { simulate, preset, presetNames } = await import(pathToFileURL(`${dist}/index.js`).href);
const { WORKFLOW_MACHINES, ORDER_MACHINE } = await import(pathToFileURL(`${dist}/workflow/presets.js`).href);

/** @param {any} s */
function variants(s) {
  const out = { as: s };
  if (s.workflows.machines.inventory) {
    const checked = structuredClone(s);
    checked.workflows.machines.inventory.machine = WORKFLOW_MACHINES['inventory-checked'];
    out.checked = checked;
    return out;
  }
  const recon = structuredClone(s);
  recon.workflows.machines.order.machine = WORKFLOW_MACHINES['order-with-reconciliation'];
  out.reconciliation = recon;
  const voided = structuredClone(s);
  voided.workflows.machines.payment.machine = WORKFLOW_MACHINES['payment-with-void'];
  voided.workflows.machines.payment.delays = { voidCheck: { dist: 'exponential', meanMs: 5000 } };
  out.void = voided;
  const long = structuredClone(s);
  const order = structuredClone(ORDER_MACHINE);
  order.states.Completed = { after: { 100: 'Packing' } };
  Object.assign(order.states, { Packing: { after: { 1000: 'Shipped' } }, Shipped: { after: { 2000: 'Delivered' } }, Delivered: { type: 'final' } });
  long.workflows.machines.order.machine = order;
  long.workflows.invariants.eventually[0].order = ['Delivered', 'Cancelled', 'Failed'];
  out.long = long;
  return out;
}

const lines = [];
for (const name of presetNames()) {
  const p = /** @type {any} */ (preset(name));
  if (!p.workflows) continue;
  for (const [v, scenario] of Object.entries(variants(p))) {
    for (const seed of [1, 2]) {
      let out;
      try {
        const s = structuredClone(scenario);
        s.seed = seed;
        const summary = /** @type {any} */ (simulate(s));
        delete summary.wallMs;
        out = JSON.stringify(summary);
      } catch (e) {
        out = `error ${e instanceof Error ? e.message : String(e)}`;
      }
      lines.push(`${name}/${v}/seed${seed} ${out}`);
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
