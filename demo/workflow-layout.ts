/**
 * Where a workflow's statechart is drawn (CSS px), from the compiled machines alone: the start
 * machine's states as rounded boxes in ranks top to bottom — rank = breadth-first distance from
 * the initial state over the transitions between siblings, as Mermaid's stateDiagram-v2 lays
 * them out, final states in the last rank — a compound state a box around its children, and the machine a state invokes
 * (Payment inside PaymentPending) a sub-panel inside that state's box. Arrows: a transition to
 * a later rank runs from the bottom of its source to the top of its target; to the same rank
 * between the boxes' sides; back to an earlier rank along the right of the level; to itself a
 * loop at the box's right. Below the chart, one badge line per invariant. Pure geometry: no
 * pixi, no DOM (text widths are estimated), unit-tested in Node.
 */
import type { CompiledMachine } from '../src/workflow/machine.js';

export interface ChartBox {
  machine: number;
  state: number;
  /** Index of the box drawn around this one (-1: none); a sub-panel box has state -1. */
  parent: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** A box with boxes inside (a compound state, a state that invokes, a sub-panel). */
  container: boolean;
  final: boolean;
  label: string;
}

/** A cubic Bézier from (x0, y0) to (x1, y1); the arrowhead is at (x1, y1). */
export interface ChartArrow {
  machine: number;
  from: number;
  to: number;
  x0: number; y0: number; c1x: number; c1y: number; c2x: number; c2y: number; x1: number; y1: number;
}

export interface WorkflowChartLayout {
  width: number;
  height: number;
  /** Scale from the natural size (fonts, boxes): 1 when it fits. */
  scale: number;
  fontSize: number;
  boxes: ChartBox[];
  /** Per machine, per state: its box (-1: the root). */
  boxOf: Int32Array[];
  arrows: ChartArrow[];
  /** Per machine and `from * S + (to + 1)`: the arrow (-1: none; `to` -1 is a transition without a target). */
  arrowOf: Int32Array[];
  /** Initial markers: a dot at (x, y) with an arrow to box `box`. */
  initials: { x: number; y: number; box: number }[];
  /** Invariant badges: one line each, from `badgeY`, `badgeH` tall. */
  badgeY: number;
  badgeH: number;
}

export interface WorkflowChartInput {
  /** The world's machines in its order (0: the start machine) and their names. */
  machines: readonly CompiledMachine[];
  names: readonly string[];
  invariants: number;
  width: number;
  height: number;
}

const FONT = 11;
const CHAR_W = 0.6;
const LEAF_H = 22;
const TITLE_H = 16;
const PAD_IN = 7;
const GAP_X = 10;
const RANK_GAP = 20;
const BACK_ROOM = 16;
const COUNT_W = 32;
const BADGE_H = 18;
const MARGIN = 6;

interface Item {
  machine: number;
  state: number;
  label: string;
  final: boolean;
  w: number;
  h: number;
  /** Content of a container: laid out at (dx, dy) inside it. */
  inner: Level | null;
  sub: boolean;
}

interface Level {
  machine: number;
  parent: number;
  items: Item[];
  rank: number[];
  rows: number[][];
  w: number;
  h: number;
  back: boolean;
}

/** Width a text of `n` characters takes at the natural font size (estimated). */
export const textWidth = (text: string, bold = false) => text.length * FONT * (bold ? CHAR_W + 0.05 : CHAR_W);

export function naturalChartSize(input: Omit<WorkflowChartInput, 'width' | 'height'>): { width: number; height: number } {
  const top = level(input, 0, 0);
  return { width: top.w + MARGIN * 2, height: top.h + MARGIN * 2 + 10 + input.invariants * BADGE_H };
}

export function computeWorkflowChart(input: WorkflowChartInput): WorkflowChartLayout {
  const top = level(input, 0, 0);
  const natW = top.w + MARGIN * 2, natH = top.h + MARGIN * 2 + 10 + input.invariants * BADGE_H;
  const scale = Math.min(1.25, input.width / natW, input.height / natH);
  const boxes: ChartBox[] = [];
  const boxOf = input.machines.map((m) => new Int32Array(m.names.length).fill(-1));
  const arrows: ChartArrow[] = [];
  const arrowOf = input.machines.map((m) => new Int32Array(m.names.length * (m.names.length + 1)).fill(-1));
  const initials: WorkflowChartLayout['initials'] = [];
  const ox = (input.width - natW * scale) / 2 + MARGIN * scale, oy = MARGIN * scale + 10 * scale;
  place(top, ox, oy, -1);

  function place(L: Level, x0: number, y0: number, parentBox: number): void {
    const s = scale;
    let y = y0;
    const at: number[] = [];
    for (const row of L.rows) {
      const rowW = row.reduce((a, i) => a + L.items[i].w, 0) + GAP_X * (row.length - 1);
      const rowH = Math.max(...row.map((i) => L.items[i].h));
      let x = x0 + ((L.w - (L.back ? BACK_ROOM : 0) - rowW) / 2) * s;
      for (const i of row) {
        const it = L.items[i];
        const b = boxes.length;
        boxes.push({ machine: it.machine, state: it.sub ? -1 : it.state, parent: parentBox, x, y: y + ((rowH - it.h) / 2) * s, w: it.w * s, h: it.h * s, container: it.inner !== null, final: it.final, label: it.label });
        if (!it.sub) boxOf[it.machine][it.state] = b;
        at[i] = b;
        if (it.inner) place(it.inner, x + PAD_IN * s, boxes[b].y + (TITLE_H + PAD_IN * 0.5) * s, b);
        x += (it.w + GAP_X) * s;
      }
      y += (rowH + RANK_GAP) * s;
    }
    // The initial marker: above the first row's initial state.
    const m = input.machines[L.machine];
    const init = m.initial[L.parent];
    const first = L.items.findIndex((it) => it.state === init);
    if (first >= 0) {
      const b = boxes[at[first]];
      initials.push({ x: b.x - 12 * s, y: b.y + Math.min(b.h / 2, 11 * s), box: at[first] });
    }
    // Arrows between this level's boxes.
    const itemOf = new Map<number, number>();
    L.items.forEach((it, i) => itemOf.set(it.state, i));
    const right = x0 + (L.w - (L.back ? BACK_ROOM * 0.5 : 0)) * s;
    const outs = new Map<number, number>();
    for (let t = 0; t < m.source.length; t++) {
      const a = ancestorIn(m, m.source[t], L.parent), b = m.target[t] < 0 ? a : ancestorIn(m, m.target[t], L.parent);
      if (a < 0 || b < 0 || (a === b && m.target[t] >= 0 && ancestorIn(m, m.target[t], L.parent) === m.target[t] && m.source[t] !== a)) continue;
      if (a === b && m.source[t] !== a) continue; // inside one box: drawn by the level inside
      const key = m.source[t] * (m.names.length + 1) + m.target[t] + 1;
      if (arrowOf[L.machine][key] >= 0) continue;
      const pairKey = a * (m.names.length + 1) + b + 1;
      const existing = arrows.findIndex((r) => r.machine === L.machine && ancestorIn(m, r.from, L.parent) === a && (r.to < 0 ? a : ancestorIn(m, r.to, L.parent)) === b);
      if (existing >= 0) {
        arrowOf[L.machine][key] = existing; // the same two boxes: one arrow
        continue;
      }
      void pairKey;
      const A = boxes[at[itemOf.get(a)!]], B = boxes[at[itemOf.get(b)!]];
      const ra = L.rank[itemOf.get(a)!], rb = L.rank[itemOf.get(b)!];
      const k = outs.get(a) ?? 0;
      outs.set(a, k + 1);
      let r: Omit<ChartArrow, 'machine' | 'from' | 'to'>;
      if (a === b) {
        const x = A.x + A.w, yc = A.y + Math.min(A.h / 2, 14 * s);
        r = { x0: x, y0: yc - 5 * s, c1x: x + 16 * s, c1y: yc - 12 * s, c2x: x + 16 * s, c2y: yc + 12 * s, x1: x, y1: yc + 5 * s };
      } else if (rb > ra) {
        const spread = Math.min(A.w * 0.6, 14 * s * (countForward(a) - 1));
        const n = countForward(a), sx = A.x + A.w / 2 + (n > 1 ? -spread / 2 + (spread * forwardIndex(a, b)) / (n - 1) : 0);
        const tx = B.x + B.w / 2, dy = (B.y - (A.y + A.h)) / 2;
        r = { x0: sx, y0: A.y + A.h, c1x: sx, c1y: A.y + A.h + dy, c2x: tx, c2y: B.y - dy, x1: tx, y1: B.y };
      } else if (rb === ra) {
        const left = A.x < B.x, yc = A.y + A.h / 2;
        const x0 = left ? A.x + A.w : A.x, x1 = left ? B.x : B.x + B.w;
        r = { x0, y0: yc, c1x: (x0 + x1) / 2, c1y: yc, c2x: (x0 + x1) / 2, c2y: yc, x1, y1: yc };
      } else {
        const ya = A.y + A.h / 2, yb = B.y + B.h / 2;
        r = { x0: A.x + A.w, y0: ya, c1x: right, c1y: ya, c2x: right, c2y: yb, x1: B.x + B.w, y1: yb };
      }
      arrowOf[L.machine][key] = arrows.length;
      arrows.push({ machine: L.machine, from: m.source[t], to: m.target[t], ...r });
    }

    function forwardTargets(a: number): number[] {
      const out: number[] = [];
      for (let t = 0; t < m.source.length; t++) {
        const sa = ancestorIn(m, m.source[t], L.parent);
        if (sa !== a || m.target[t] < 0) continue;
        const b = ancestorIn(m, m.target[t], L.parent);
        if (b >= 0 && L.rank[itemOf.get(b)!] > L.rank[itemOf.get(a)!] && !out.includes(b)) out.push(b);
      }
      return out.sort((p, q) => boxes[at[itemOf.get(p)!]].x - boxes[at[itemOf.get(q)!]].x);
    }
    function countForward(a: number): number {
      return forwardTargets(a).length;
    }
    function forwardIndex(a: number, b: number): number {
      return forwardTargets(a).indexOf(b);
    }
  }

  const height = Math.max(input.height, natH * scale);
  const badgeY = oy + top.h * scale + MARGIN * scale;
  return { width: input.width, height, scale, fontSize: FONT * scale, boxes, boxOf, arrows, arrowOf, initials, badgeY, badgeH: BADGE_H * scale };
}

/** The states of machine `mi` under `parent`, in ranks, with their sizes (natural, unscaled). */
function level(input: Omit<WorkflowChartInput, 'width' | 'height'>, mi: number, parent: number): Level {
  const m = input.machines[mi];
  const kids: number[] = [];
  for (let s = 1; s < m.names.length; s++) if (m.parent[s] === parent) kids.push(s);
  const items: Item[] = kids.map((s) => {
    const label = m.names[s].split('.').pop()!;
    const hasKids = m.names.some((_, k) => k > 0 && m.parent[k] === s);
    const invoked = mi === 0 && m.invokeSrc[s] ? input.names.indexOf(m.invokeSrc[s]) : -1;
    let inner: Level | null = null;
    if (hasKids) inner = level(input, mi, s);
    else if (invoked > 0) inner = subPanel(input, invoked);
    const minW = textWidth(label, true) + COUNT_W + 14;
    if (!inner) return { machine: mi, state: s, label, final: m.final[s] === 1, w: minW, h: LEAF_H, inner: null, sub: false };
    return { machine: mi, state: s, label, final: false, w: Math.max(minW, inner.w + PAD_IN * 2), h: TITLE_H + inner.h + PAD_IN * 1.5, inner, sub: false };
  });
  // Ranks: breadth-first from the initial child over transitions between these siblings.
  const index = new Map(kids.map((s, i) => [s, i]));
  const rank = kids.map(() => -1);
  const start = index.get(m.initial[parent]) ?? 0;
  if (kids.length > 0) rank[start] = 0;
  const queue = kids.length > 0 ? [start] : [];
  let back = false;
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q];
    for (let t = 0; t < m.source.length; t++) {
      if (m.target[t] < 0 || ancestorIn(m, m.source[t], parent) !== kids[i]) continue;
      const j = index.get(ancestorIn(m, m.target[t], parent));
      if (j !== undefined && rank[j] < 0) {
        rank[j] = rank[i] + 1;
        queue.push(j);
      }
    }
  }
  let max = 0;
  for (const r of rank) max = Math.max(max, r);
  for (let i = 0; i < rank.length; i++) if (rank[i] < 0) rank[i] = ++max;
  // Final states in a rank of their own below the others (as Mermaid draws a state reached from two ranks below both: checkout's Cancelled, reached from Reserving and Paying).
  let last = -1;
  for (let i = 0; i < rank.length; i++) if (!items[i].final) last = Math.max(last, rank[i]);
  for (let i = 0; i < rank.length; i++) if (items[i].final && rank[i] <= last) rank[i] = last + 1;
  for (let t = 0; t < m.source.length; t++) {
    const a = index.get(ancestorIn(m, m.source[t], parent)), b = m.target[t] < 0 ? a : index.get(ancestorIn(m, m.target[t], parent));
    if (a !== undefined && b !== undefined && rank[b] <= rank[a] && (a !== b || m.source[t] === kids[a])) back = true;
  }
  const rows: number[][] = [];
  for (let i = 0; i < items.length; i++) (rows[rank[i]] ??= []).push(i);
  const dense = rows.filter((r) => r !== undefined);
  const w = Math.max(0, ...dense.map((row) => row.reduce((a, i) => a + items[i].w, 0) + GAP_X * (row.length - 1))) + (back ? BACK_ROOM : 0);
  const h = dense.reduce((a, row) => a + Math.max(...row.map((i) => items[i].h)), 0) + RANK_GAP * Math.max(0, dense.length - 1);
  const denseRank = rank.map((r) => dense.findIndex((row) => row.includes(rank.indexOf(r))));
  return { machine: mi, parent, items, rank: denseRank, rows: dense, w, h, back };
}

/** The invoked machine as one sub-panel (its name as the title) holding its top level. */
function subPanel(input: Omit<WorkflowChartInput, 'width' | 'height'>, mi: number): Level {
  const inner = level(input, mi, 0);
  const label = input.names[mi];
  const item: Item = { machine: mi, state: 0, label, final: false, w: Math.max(textWidth(label, true) + 14, inner.w + PAD_IN * 2), h: TITLE_H + inner.h + PAD_IN * 1.5, inner, sub: true };
  return { machine: mi, parent: -1, items: [item], rank: [0], rows: [[0]], w: item.w, h: item.h, back: false };
}

/** The ancestor of `s` (or `s`) whose parent is `parent`; -1 if `s` is not inside `parent`. */
function ancestorIn(m: CompiledMachine, s: number, parent: number): number {
  for (let x = s; x >= 0; x = m.parent[x]) if (m.parent[x] === parent) return x;
  return -1;
}
