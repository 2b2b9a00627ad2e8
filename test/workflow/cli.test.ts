/**
 * Workflows on the command line: a user-written scenario file runs, `lbsim run` prints the
 * machines, pairs and invariants with the counterexample, `lbsim diagram workflow` prints the
 * combined model as Mermaid with counts, and bad input exits 2 naming the field.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { preset } from '../../src/index.js';

const cli = async (...args: string[]) => {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
  return { code, out, err };
};

const dir = mkdtempSync(join(tmpdir(), 'lbsim-workflow-'));
const file = (name: string, doc: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
};

describe('lbsim and workflows', () => {
  it('runs a user-written file and prints machines, pairs, double successes and invariants with a counterexample', async () => {
    const doc = preset('cancel-race');
    (doc.stop as { requests: number }).requests = 500;
    const r = await cli('run', file('mine.json', doc));
    expect(r.code).toBe(0);
    expect(r.out).toContain('workflows: 500 order instances, 500 completed, 0 live at the end');
    expect(r.out).toMatch(/machine order \(service orders, 500 instances\)\nstate +entries +mean ms +p50 ms +p99 ms +occupancy +ended\nDraft +500 /);
    expect(r.out).toMatch(/machine payment \(service payments, \d+ instances\)/);
    expect(r.out).toMatch(/pairs \(share of instance-time\): .*PaymentPending\|Authorizing/);
    expect(r.out).toContain('payment succeeded more than once: 0 instances (0 extra)');
    expect(r.out).toMatch(/never order Cancelled and payment Authorized: violated \d+ times \(\d+ resolved after mean [\d.]+ ms, max [\d.]+ ms; 0 unresolved\)\n  first: instance \d+ at [\d.]+ ms, after\n    [\d.]+ ms  order: Draft --submit--> Submitted\n/);
  });

  it('diagram workflow: the combined model as Mermaid, the payment inside PaymentPending, edges with counts and shares', async () => {
    const r = await cli('diagram', 'workflow', 'order-payment', '--requests', '1000');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(r.out).toContain('    [*] --> Draft\n');
    expect(r.out).toContain('    Draft --> Submitted: submit · 1000 (100%)\n');
    expect(r.out).toContain('    Submitted --> PaymentPending: 1000 (100%)\n');
    const inside = r.out.slice(r.out.indexOf('    state PaymentPending {'), r.out.indexOf('\n    }\n'));
    expect(inside).toContain('        [*] --> NotStarted');
    expect(inside).toMatch(/ {8}Authorizing --> Declined: processed \[p 0\.08\] · \d+ \(\d/);
    expect(inside).toMatch(/ {8}Error --> Declined: \d+ \(100%\)/);
    expect(r.out).toMatch(/\n {4}PaymentPending --> Completed: done · \d+ \(9\d/);
    expect(r.out).toMatch(/PaymentPending --> PaymentPending: error \[retries #lt; 1\] · \d+/);
    expect(r.out).toContain('    Completed --> [*]\n');
  });

  it('exit 2 naming the field: a target that is no state, a guard not as data, a missing delay, an unknown machine', async () => {
    const cases: [(doc: Record<string, any>) => void, RegExp][] = [
      [(d) => { d.workflows.machines.order.machine.states.PaymentPending.on.cancel = 'Cancelld'; }, /workflows\.machines\.order\.machine\.states\.PaymentPending\.on\.cancel: got "Cancelld", expected a state: Draft, Submitted, PaymentPending, Completed, Cancelled, Failed or "#id"/],
      [(d) => { d.workflows.machines.order.machine.states.PaymentPending.on.cancel = [{ target: 'Cancelled', guard: 'isLate' }]; }, /workflows\.machines\.order\.machine\.states\.PaymentPending\.on\.cancel\[0\]\.guard: got "isLate", expected a guard as data/],
      [(d) => { delete d.workflows.machines.payment.delays; }, /workflows\.machines\.payment\.delays\.voidCheck: got nothing, expected a distribution for the delay "voidCheck"/],
      [(d) => { d.workflows.machines.order.machine.states.PaymentPending.invoke.src = 'refund'; }, /workflows\.machines\.order\.machine\.states\.PaymentPending\.invoke\.src: got "refund", expected another machine of the workflow: payment/],
      [(d) => { d.workflows.machines.payment.service = 'bank'; }, /workflows\.machines\.payment\.service: got "bank", expected one of/],
      [(d) => { d.workflows.invariants.never = [{ order: 'Canceled' }]; }, /workflows\.invariants\.never\[0\]\.order: got "Canceled", expected a state of machine order/],
      [(d) => { d.calls['orders->payments'] = { timeoutMs: 0 }; }, /calls\["orders->payments"\]\.timeoutMs/],
    ];
    for (const [change, message] of cases) {
      const doc = preset('cancel-race') as Record<string, any>;
      change(doc);
      const r = await cli('validate', file('bad.json', doc));
      expect(r.code, message.source).toBe(2);
      expect(r.err).toMatch(message);
    }
    // The edge an invoke calls over takes a policy like any other.
    const ok = preset('cancel-race') as Record<string, any>;
    ok.calls['orders->payments'] = { timeoutMs: 100 };
    expect((await cli('validate', file('ok.json', ok))).code).toBe(0);
  });
});
