/**
 * A server box's concurrency slots, as both layouts draw them (a single pool's layout.ts, a
 * topology's topology-layout.ts): where each slot is, and the grid they are set out in.
 */

/** Where the slots are: slot i of server s is centred at (slotX, slotY)[slotBase[s] + min(i, slotsDrawn[s] - 1)]. */
export interface SlotLayout {
  readonly slotBase: Int32Array;
  readonly slotsDrawn: Int32Array;
  readonly slotX: Float32Array;
  readonly slotY: Float32Array;
  readonly slotSize: number;
}

/** At most this many slots are drawn per server; more share the last one. */
export const MAX_SLOTS_DRAWN = 32;

/** Index into slotX/slotY of slot i of server s. */
export function slotIndex(layout: SlotLayout, s: number, i: number): number {
  return layout.slotBase[s] + Math.min(i, layout.slotsDrawn[s] - 1);
}

/** The grid of `count` cells whose cells are largest within `w × h` (the fewest columns on a tie). */
export function slotGrid(count: number, w: number, h: number): { cols: number; rows: number } {
  let best = { cols: count, rows: 1 }, bestSize = -1;
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const size = Math.min(w / cols, h / rows);
    if (size > bestSize + 1e-9) {
      bestSize = size;
      best = { cols, rows };
    }
  }
  return best;
}
