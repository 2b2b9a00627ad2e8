/**
 * Where everything is drawn, in CSS pixels of a scene `width × height`: clients on the left, the
 * balancer, one row per server on the right (a box holding its concurrency slots), each with a
 * queue lane running left from it, and an exit on the right edge. Pure geometry: no pixi, no DOM,
 * so it is unit-tested in Node. Built once per size or pool shape; lookups allocate nothing.
 */
import { LinearScale, bandRows } from './scale.js';
import { MAX_SLOTS_DRAWN, slotGrid, type SlotLayout } from './slots.js';

export { MAX_SLOTS_DRAWN, slotIndex } from './slots.js';

export interface LayoutInput {
  width: number;
  height: number;
  /** Slots per server (its concurrency). */
  concurrency: ArrayLike<number>;
  /** Waiting places drawn per server (its queue limit, or a running maximum when unbounded). */
  queueSlots: ArrayLike<number>;
}

export interface Layout extends SlotLayout {
  readonly width: number;
  readonly height: number;
  readonly servers: number;
  /** Where requests appear: x, and the vertical span they are spread over. */
  readonly sourceX: number;
  readonly sourceTop: number;
  readonly sourceBottom: number;
  readonly balancerX: number;
  readonly balancerY: number;
  readonly balancerR: number;
  /** Succeeded requests leave towards this x. */
  readonly exitX: number;
  /** Radius of a request dot. */
  readonly dotR: number;
  /** Server boxes (top-left corner, size) and the y of their row's centre line. */
  readonly boxX: Float32Array;
  readonly boxY: Float32Array;
  readonly boxW: number;
  readonly boxH: number;
  readonly rowY: Float32Array;
  /** Queue position k of server s → x: `queueScale[s].at(k)`, k = 0 the head (clamped). */
  readonly queueScale: readonly LinearScale[];
  readonly queueSlots: Int32Array;
  /** x where each server's drawn queue ends (its tail), and where its lane starts (head). */
  readonly queueTailX: Float32Array;
  readonly queueHeadX: number;
  /**
   * Server labels: 'full' (name and power bottom left, state bottom right, slots above),
   * 'compact' (slots left, "S1 ×4" right, on one line; the state word too when `stateWords`) or
   * 'none' (rows under 14 px: colour and marks only). A scene at least 320 px wide always has
   * boxes wide enough for compact labels: labels are lost only to height (many servers).
   */
  readonly labels: 'full' | 'compact' | 'none';
  /** Same as labels !== 'none'. */
  readonly showLabels: boolean;
  /** The state is written in the box (else it is told by the box's colour and marks only). */
  readonly stateWords: boolean;
  readonly fontSize: number;
  /** The power gauge: a strip along the top of each box, full width = the most powerful server. */
  readonly gaugeInset: number;
  readonly gaugeHeight: number;
}

const PAD = 10;
const EXIT_SPACE = 26;

export function computeLayout(input: LayoutInput): Layout {
  const width = Math.max(160, input.width), height = Math.max(120, input.height);
  const n = input.concurrency.length;
  const balancerR = clamp(Math.min(width, height) * 0.05, 11, 22);
  const balancerX = Math.max(PAD + 48, width * 0.2);
  const balancerY = height / 2;
  const boxW = clamp(width * 0.17, 72, 132);
  const exitX = width - PAD;
  const x0 = width - PAD - EXIT_SPACE - boxW;

  const rows = bandRows(n, PAD, height - PAD, n > 12 ? 0.12 : 0.24, 0.08);
  const boxH = Math.min(rows.bandwidth, 78);
  const boxX = new Float32Array(n).fill(x0);
  const boxY = new Float32Array(n);
  const rowY = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    boxY[s] = rows.top(s) + (rows.bandwidth - boxH) / 2;
    rowY[s] = boxY[s] + boxH / 2;
  }
  const labels = boxH >= 40 ? 'full' : boxH >= 14 ? 'compact' : 'none';
  const showLabels = labels !== 'none';
  const stateWords = labels === 'full' || (labels === 'compact' && boxW >= 118);
  const fontSize = labels === 'full' ? clamp(boxH * 0.22, 10, 13) : clamp(boxH * 0.55, 9, 11);
  const gaugeHeight = clamp(boxH * 0.07, 2, 4);
  const dotR = clamp(Math.min(boxH * 0.1, width / 130), 2.2, 5.5);

  // Slots: a grid in the box, above the label line when labels are shown.
  const slotsDrawn = Int32Array.from({ length: n }, (_, s) => Math.max(1, Math.min(MAX_SLOTS_DRAWN, input.concurrency[s] | 0)));
  const slotBase = new Int32Array(n);
  let total = 0;
  for (let s = 0; s < n; s++) {
    slotBase[s] = total;
    total += slotsDrawn[s];
  }
  // Compact labels take the right part of the box, full ones a line at the bottom; the gauge a strip at the top.
  const innerW = labels === 'compact' ? boxW * (stateWords ? 0.3 : 0.36) : boxW - 10;
  const innerH = boxH - 6 - gaugeHeight - (labels === 'full' ? fontSize + 6 : 0);
  let slotSize = 14;
  for (let s = 0; s < n; s++) {
    const { cols, rows: r } = slotGrid(slotsDrawn[s], innerW, innerH);
    slotSize = Math.min(slotSize, innerW / cols - 2, innerH / r - 2);
  }
  slotSize = Math.max(3, slotSize);
  const slotX = new Float32Array(total), slotY = new Float32Array(total);
  for (let s = 0; s < n; s++) {
    const { cols } = slotGrid(slotsDrawn[s], innerW, innerH);
    const cell = slotSize + 2;
    const sx = new LinearScale(0, 1, boxX[s] + 5 + cell / 2, boxX[s] + 5 + cell * 1.5);
    const top = labels === 'full' ? boxY[s] + 4 + gaugeHeight : rowY[s] + gaugeHeight / 2 - (Math.ceil(slotsDrawn[s] / cols) * cell) / 2;
    const sy = new LinearScale(0, 1, top + cell / 2, top + cell * 1.5);
    for (let i = 0; i < slotsDrawn[s]; i++) {
      slotX[slotBase[s] + i] = sx.at(i % cols);
      slotY[slotBase[s] + i] = sy.at(Math.floor(i / cols));
    }
  }

  // Queues: from just left of the box towards the balancer; a place is at most 2.4 dots wide.
  const queueHeadX = x0 - 6;
  const laneMax = Math.max(20, queueHeadX - (balancerX + balancerR + 24));
  const queueSlots = Int32Array.from({ length: n }, (_, s) => Math.max(1, input.queueSlots[s] | 0));
  const queueTailX = new Float32Array(n);
  const queueScale = range(n).map((s) => {
    const len = Math.min(laneMax, queueSlots[s] * dotR * 2.4);
    queueTailX[s] = queueHeadX - len;
    return new LinearScale(0, queueSlots[s], queueHeadX, queueHeadX - len, true);
  });

  return {
    width, height, servers: n,
    sourceX: PAD + 8, sourceTop: height * 0.22, sourceBottom: height * 0.78,
    balancerX, balancerY, balancerR, exitX, dotR,
    boxX, boxY, boxW, boxH, rowY,
    queueScale, queueSlots, queueTailX, queueHeadX,
    slotBase, slotsDrawn, slotX, slotY, slotSize,
    labels, showLabels, stateWords, fontSize, gaugeInset: 3, gaugeHeight,
  };
}

/** x of waiting place k (0 = head) of server s; places past the drawn ones pile up at the tail. */
export function queueX(layout: Layout, s: number, k: number): number {
  return layout.queueScale[s].at(Math.min(k, layout.queueSlots[s] - 1) + 0.5);
}

/** The server whose box or queue lane contains (x, y), or -1. */
export function serverAt(layout: Layout, x: number, y: number): number {
  for (let s = 0; s < layout.servers; s++) {
    const top = layout.boxY[s] - 2, bottom = top + layout.boxH + 4;
    if (y < top || y > bottom) continue;
    if (x >= layout.queueTailX[s] - 4 && x <= layout.boxX[s] + layout.boxW + 2) return s;
  }
  return -1;
}

/** Where request lane `u` ∈ [0, 1) starts on the client side. */
export function sourceY(layout: Layout, u: number): number {
  return layout.sourceTop + u * (layout.sourceBottom - layout.sourceTop);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
