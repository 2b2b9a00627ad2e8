import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../src/workflow/machine.js';
import { WORKFLOW_PRESETS } from '../../src/workflow/presets.js';
import { computeWorkflowChart, naturalChartSize, type ChartBox } from '../../demo/workflow-layout.js';

/** The world's machine order: the start machine first. */
function machinesOf(name: keyof typeof WORKFLOW_PRESETS) {
  const wf = WORKFLOW_PRESETS[name].scenario.workflows as { start: string; machines: Record<string, { machine: unknown }>; invariants?: { never?: unknown[]; eventually?: unknown[] } };
  const names: string[] = [wf.start, ...Object.keys(wf.machines).filter((n) => n !== wf.start)];
  const machines = names.map((n) => compileMachine(wf.machines[n].machine, n));
  const invariants = (wf.invariants?.never?.length ?? 0) + (wf.invariants?.eventually?.length ?? 0);
  return { names, machines, invariants };
}

/** A nested machine: compound states, a transition out of a child, a self transition, a targetless one. */
const NESTED = {
  id: 'job', initial: 'Idle', states: {
    Idle: { on: { go: 'Busy' } },
    Busy: {
      initial: 'Fetch', on: { abort: 'Aborted' },
      states: {
        Fetch: { on: { got: 'Parse', fail: '#job.Broken' } },
        Parse: { on: { again: 'Fetch', ok: 'Save' } },
        Save: { on: { poke: {}, redo: { target: 'Save', reenter: true } } },
      },
    },
    Broken: { on: { reset: 'Idle' } },
    Aborted: { type: 'final' },
  },
};

const inside = (a: ChartBox, b: ChartBox) => a.x >= b.x - 1e-6 && a.y >= b.y - 1e-6 && a.x + a.w <= b.x + b.w + 1e-6 && a.y + a.h <= b.y + b.h + 1e-6;
const overlap = (a: ChartBox, b: ChartBox) => a.x < b.x + b.w - 1e-6 && b.x < a.x + a.w - 1e-6 && a.y < b.y + b.h - 1e-6 && b.y < a.y + a.h - 1e-6;

describe('workflow statechart layout', () => {
  const cases = [
    ...(['order-payment', 'double-charge', 'cancel-race', 'stuck-orders', 'checkout'] as const).map((p) => ({ title: p, ...machinesOf(p) })),
    { title: 'nested', names: ['job'], machines: [compileMachine(NESTED, 'job')], invariants: 0 },
  ];
  for (const c of cases) {
    for (const [width, height] of [[390, 360], [480, 420], [720, 300]]) {
      it(`${c.title} at ${width}×${height}: every state a box, boxes inside their parents, siblings apart, all inside the chart`, () => {
        const L = computeWorkflowChart({ ...c, width, height });
        // Every state of every machine (but the roots) has exactly one box.
        c.machines.forEach((m, mi) => {
          for (let s = 1; s < m.names.length; s++) {
            const b = L.boxOf[mi][s];
            expect(b, `${c.names[mi]}.${m.names[s]}`).toBeGreaterThanOrEqual(0);
            expect(L.boxes[b].machine).toBe(mi);
            expect(L.boxes[b].state).toBe(s);
          }
        });
        const stateBoxes = L.boxes.filter((b) => b.state >= 0);
        expect(stateBoxes.length).toBe(c.machines.reduce((a, m) => a + m.names.length - 1, 0));
        for (const [i, b] of L.boxes.entries()) {
          expect(b.w).toBeGreaterThan(0);
          expect(b.x).toBeGreaterThanOrEqual(-1e-6);
          expect(b.x + b.w).toBeLessThanOrEqual(L.width + 1e-6);
          expect(b.y + b.h).toBeLessThanOrEqual(L.badgeY + 1e-6);
          // A nested state's box is inside its parent state's box; the invoked machine's inside the invoking state's.
          if (b.parent >= 0) expect(inside(b, L.boxes[b.parent]), `${b.label} in ${L.boxes[b.parent].label}`).toBe(true);
          if (b.state > 0) {
            const m = c.machines[b.machine], p = m.parent[b.state];
            if (p > 0) expect(b.parent).toBe(L.boxOf[b.machine][p]);
          }
          for (let j = 0; j < i; j++) {
            const o = L.boxes[j];
            // Boxes overlap only when one holds the other.
            if (overlap(b, o)) expect(isAncestor(L.boxes, j, i), `${b.label} over ${o.label}`).toBe(true);
          }
        }
        // Every transition has an arrow; arrows start and end on the chart.
        c.machines.forEach((m, mi) => {
          for (let t = 0; t < m.source.length; t++) {
            expect(L.arrowOf[mi][m.source[t] * (m.names.length + 1) + m.target[t] + 1], `${m.names[m.source[t]]} -> ${m.target[t]}`).toBeGreaterThanOrEqual(0);
          }
        });
        for (const a of L.arrows) for (const x of [a.x0, a.x1, a.c1x, a.c2x]) expect(x).toBeLessThanOrEqual(L.width + 1e-6);
        expect(L.badgeY + c.invariants * L.badgeH).toBeLessThanOrEqual(L.height + 1e-6);
      });
    }
  }

  it('ranks order-payment as its Mermaid diagram: Draft, Submitted, PaymentPending (holding payment), then the final states side by side', () => {
    const c = machinesOf('order-payment'), L = computeWorkflowChart({ ...c, width: 480, height: 420 });
    const box = (mi: number, name: string) => L.boxes[L.boxOf[mi][c.machines[mi].names.indexOf(name)]];
    expect(box(0, 'Draft').y).toBeLessThan(box(0, 'Submitted').y);
    expect(box(0, 'Submitted').y).toBeLessThan(box(0, 'PaymentPending').y);
    const finals = ['Completed', 'Cancelled', 'Failed'].map((n) => box(0, n));
    expect(new Set(finals.map((b) => b.y)).size).toBe(1);
    expect(finals[0].y).toBeGreaterThan(box(0, 'PaymentPending').y + box(0, 'PaymentPending').h);
    expect(box(1, 'NotStarted').y).toBeLessThan(box(1, 'Authorizing').y);
    expect(box(1, 'Authorized').y).toBe(box(1, 'Declined').y);
    expect(inside(box(1, 'Authorizing'), box(0, 'PaymentPending'))).toBe(true);
    // At its natural size or more it is drawn unscaled; narrower, scaled to fit.
    const nat = naturalChartSize(c);
    expect(computeWorkflowChart({ ...c, width: nat.width, height: nat.height }).scale).toBeCloseTo(1, 9);
    expect(computeWorkflowChart({ ...c, width: nat.width * 0.8, height: nat.height }).scale).toBeCloseTo(0.8, 9);
  });
});

function isAncestor(boxes: readonly ChartBox[], a: number, b: number): boolean {
  for (let x = boxes[b].parent; x >= 0; x = boxes[x].parent) if (x === a) return true;
  for (let x = boxes[a].parent; x >= 0; x = boxes[x].parent) if (x === b) return true;
  return false;
}
