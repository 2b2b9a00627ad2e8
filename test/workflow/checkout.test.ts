/**
 * The checkout preset: three machines (an order invoking inventory, then payment, each in its own
 * service) and two entries (orders create the families; admin's bursts are plain traffic to
 * inventory). Its effect against its variants: without the admin entry, and with the inventory
 * that checks its order when a reservation lands; its diagram and its text output.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput, type TopologySummary } from '../../src/index.js';
import { main } from '../../src/cli/main.js';
import { INVENTORY_CHECKED } from '../../src/workflow/presets.js';
import { workflowMermaid } from '../../src/workflow/diagram.js';
import type { WorkflowConfig } from '../../src/workflow/world.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LEAK = 'never order Cancelled and inventory Reserved';
const run = (input: Loose): TopologySummary => simulate(input as TopologyInput);
const invariant = (r: TopologySummary, text: string) => r.workflows!.invariants.find((v) => v.invariant === text)!;
const cli = async (...args: string[]) => {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
  return { code, out, err };
};

describe('checkout: orders reserve stock, then pay; admin bursts load inventory', () => {
  const base = run(preset('checkout'));
  const reserve = base.edges['orders->inventory'];
  const order = base.workflows!.machines.order.transitions;

  it('orders create the families, admin requests are plain traffic; the order pairs with both invoked machines', () => {
    const w = base.workflows!;
    expect(w.instances.started).toBe(base.edges['client->orders'].calls);
    expect(w.instances.completed + w.instances.live).toBe(w.instances.started);
    // Admin: 600/s for 2 s every 10 s over 80 s (8 bursts): 9,600 expected, Poisson (sd 98).
    expect(Math.abs(base.edges['client->admin'].calls - 9600)).toBeLessThan(4 * Math.sqrt(9600));
    expect(base.edges['admin->inventory'].calls).toBe(base.edges['client->admin'].calls);
    // With idempotency keys one inventory per order that reached Reserving (its first attempt begins at once: 2 × 2,048 slots).
    expect(w.machines.inventory.instances).toBe(order['Submitted --always--> Reserving']);
    expect(w.machines.payment.instances).toBeLessThanOrEqual(order['Reserving --done--> Paying']);
    expect(Object.keys(w.pairsWith!)).toEqual(['payment']);
    expect(w.duplicates!.machine).toBe('inventory');
    expect(w.pairs['Paying|Reserved'].entries).toBe(order['Reserving --done--> Paying']);
    expect(w.pairsWith!.payment['Paying|Authorizing'].entries).toBe(w.machines.payment.states.Authorizing.entries);
    expect(invariant(base, 'eventually order Completed or Cancelled within 10000 ms').violations).toBe(0);
  });

  it('the bursts time reservations out; the order cancels and sends release, but most reservations land after it: stock leaked', () => {
    // Stock's database: 8 slots of 20 ms, 400/s. A burst brings 650/s (600 admin + 50 orders): the
    // queue grows 250/s to 500 at 2 s, then drains at 350/s. A reservation's call fails when both
    // its attempts (300 ms timeout, the retry 350 ms later) wait more than ~280 ms (queue > 112):
    // arrivals from 0.45 s to 2.76 s into the burst, 23% of orders as a fluid model without the
    // retries' own load, 27% with it (a retry is one more query in the queue from 0.8 s).
    const share = reserve.timedOut / reserve.calls;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    // Every failed reservation call cancels its order (the answers ok, failed and timed out add up).
    expect(order['Reserving --error--> Cancelled']).toBe(reserve.timedOut + reserve.failed);
    expect(order['Reserving --done--> Paying']).toBe(reserve.succeeded);
    // Each timed-out call's first attempt still runs and reserves (p 0.98: 2% out of stock), and
    // each order cancelled while paying holds a reservation. A reservation that landed before its
    // order cancelled (its first attempt waited < 0.65 s: queue < 252), and the one of an order
    // cancelled while paying, is released by the cancel's `release` in the same cascade: Cancelled
    // with Reserved for no time, no violation. The rest land after the release, which a Reserving
    // inventory ignores: those are the violations. So releases + violations count every reservation
    // of a cancelled order (binomial, 4 sd).
    const leak = invariant(base, LEAK);
    const paying = (order['Paying --cancel--> Cancelled'] ?? 0) + (order['Paying --error--> Cancelled'] ?? 0);
    const released = base.workflows!.machines.inventory.transitions['Reserved --release--> Released'];
    expect(Math.abs(released + leak.violations - paying - 0.98 * reserve.timedOut)).toBeLessThan(4 * Math.sqrt(reserve.timedOut * 0.98 * 0.02));
    // Nothing sends release after the cancel: no violation ends, every one is a leak.
    expect(leak.resolved).toBe(0);
    expect(leak.unresolved).toBe(leak.violations);
    // The fluid model puts 77% of the timed-out calls' arrivals after the release (0.97 s to 3.03 s
    // of the 0.45-3.14 s window, with the retries' load).
    const leaked = leak.violations / (0.98 * reserve.timedOut);
    expect(leaked).toBeGreaterThan(0.6);
    expect(leaked).toBeLessThan(0.9);
    // A leaked family's inventory ended Reserved with its order Cancelled: the inventories ended
    // Reserved are the completed orders' and the leaked ones (those still live at the end aside).
    const inv = base.workflows!.machines.inventory.endStates, ord = base.workflows!.machines.order.endStates;
    expect(inv.Reserved.count).toBeLessThanOrEqual(ord.Completed.count + leak.unresolved);
    expect(ord.Completed.count + leak.unresolved).toBeLessThanOrEqual(inv.Reserved.count + (inv['live in Reserved']?.count ?? 0));
  });

  it('without the admin entry: no reservation times out, no stock leaks (no violation: each release lands in the cancel\'s cascade)', () => {
    const input = preset('checkout') as Loose;
    delete input.entries.admin;
    delete input.services.admin;
    const r = run(input), o = r.workflows!.machines.order.transitions;
    // Stock at 50/s of 400/s: a query waits next to never; one past 300 ms has p e^(-300/20) = 3e-7.
    expect(r.edges['orders->inventory'].timedOut).toBe(0);
    const leak = invariant(r, LEAK);
    // An order cancelled while paying sends release, which its Reserved inventory takes in the same
    // cascade: Cancelled with Reserved for no time is not a violation.
    expect((o['Paying --cancel--> Cancelled'] ?? 0) + (o['Paying --error--> Cancelled'] ?? 0)).toBeGreaterThan(0);
    expect(leak.violations).toBe(0);
    // The out-of-stock answers still cancel orders (2% of them), with nothing reserved.
    const oos = r.workflows!.machines.inventory.transitions['Reserving --processed [p 0.02]--> OutOfStock'];
    expect(o['Reserving --error--> Cancelled']).toBe(oos);
    expect(Math.abs(oos / r.edges['orders->inventory'].calls - 0.02)).toBeLessThan(4 * Math.sqrt(0.02 * 0.98 / r.edges['orders->inventory'].calls));
  });

  it('the inventory that checks its order when a reservation lands: none leaks, about as many released on arrival', () => {
    const input = preset('checkout') as Loose;
    input.workflows.machines.inventory.machine = INVENTORY_CHECKED;
    const r = run(input);
    // A reservation landing after the cancel is released on arrival, in its own cascade: no violation.
    expect(invariant(r, LEAK).violations).toBe(0);
    const onArrival = r.workflows!.machines.inventory.transitions['Reserving --processed [in parent.Cancelled]--> Released'];
    // The same bursts and timeouts (the stock queue does not depend on the guard), so about the
    // preset's leaked count: within 4 sd of a count of that size.
    const before = invariant(base, LEAK).unresolved;
    expect(Math.abs(onArrival - before)).toBeLessThan(4 * Math.sqrt(before));
  });

  it('lbsim run prints a line of pairs for each invoked machine, naming it', async () => {
    const r = await cli('run', 'checkout');
    expect(r.code).toBe(0);
    expect(r.out).toContain('entry admin: ');
    expect(r.out).toMatch(/\npairs with inventory \(share of instance-time\): .*Cancelled\|Reserved/);
    expect(r.out).toMatch(/\npairs with payment \(share of instance-time\): .*Paying\|Authorizing/);
    expect(r.out).toMatch(/\nnever order Cancelled and inventory Reserved: violated \d+ times \(\d+ resolved after mean 0 ms, max 0 ms; \d+ unresolved\)\n/);
  });
});

describe('checkout as Mermaid', () => {
  it('three machines: inventory inside Reserving, payment inside Paying, counts as the run took them', () => {
    const input = preset('checkout') as Loose;
    const w = simulate(input as TopologyInput).workflows!;
    const text = workflowMermaid(input.workflows as WorkflowConfig, w);
    const t = w.machines.order.transitions, inv = w.machines.inventory.transitions;
    const block = (state: string) => text.slice(text.indexOf(`\n    state ${state} {\n`), text.indexOf('\n    }\n', text.indexOf(`\n    state ${state} {\n`)));
    // The inventory's Reserving shares its name with the order's: drawn as inventory_Reserving, labelled Reserving.
    expect(text).toContain('\n    state "Reserving" as inventory_Reserving\n');
    const reserving = block('Reserving');
    expect(reserving).toContain('        [*] --> Idle\n');
    expect(reserving).toContain(`        Idle --> inventory_Reserving: reserve · ${inv['Idle --reserve--> Reserving']} (100%)\n`);
    expect(reserving).toContain(`        Reserved --> Released: release · ${inv['Reserved --release--> Released']} (100%)\n`);
    expect(reserving).not.toContain('Authoriz');
    const paying = block('Paying');
    expect(paying).toContain('        [*] --> NotStarted\n');
    expect(paying).toMatch(/ {8}Authorizing --> Authorized: processed · \d+ \(9\d/);
    expect(paying).not.toContain('Idle');
    const share = (n: number) => Number((100 * n / (t['Reserving --done--> Paying'] + t['Reserving --error--> Cancelled'])).toPrecision(3));
    expect(text).toContain(`\n    Reserving --> Cancelled: error · ${t['Reserving --error--> Cancelled']} (${share(t['Reserving --error--> Cancelled'])}%)\n`);
    expect(text).toContain('\n    Completed --> [*]\n    Cancelled --> [*]\n');
  });

  it('two invoked machines with a state of the same name are told apart (each prefixed with its machine)', () => {
    const input = preset('checkout') as Loose;
    const states = input.workflows.machines.inventory.machine.states;
    input.workflows.machines.inventory.machine = {
      ...input.workflows.machines.inventory.machine,
      states: { ...states, Reserving: { on: { processed: [{ target: 'Declined', guard: { type: 'chance', params: { p: 0.02 } } }, { target: 'Reserved' }] } }, Declined: { type: 'final' } },
    };
    delete input.workflows.machines.inventory.machine.states.OutOfStock;
    input.stop = { timeMs: 5000 };
    const text = workflowMermaid(input.workflows as WorkflowConfig, simulate(input as TopologyInput).workflows!);
    expect(text).toContain('\n    state "Declined" as inventory_Declined\n');
    expect(text).toContain('\n    state "Declined" as payment_Declined\n');
    expect(text).toMatch(/\n {8}inventory_Reserving --> inventory_Declined: processed \[p 0\.02\] · \d+/);
    expect(text).toMatch(/\n {8}payment_Declined --> NotStarted: retry · \d+/);
    expect(text).not.toMatch(/ Declined[ :]/);
  });
});
