import { describe, expect, it } from 'vitest';
import { computeLayout, queueX, serverAt, slotIndex, MAX_SLOTS_DRAWN } from '../../demo/layout.js';

const layout = (n: number, opts: { width?: number; height?: number; concurrency?: number; queue?: number } = {}) =>
  computeLayout({
    width: opts.width ?? 800, height: opts.height ?? 400,
    concurrency: Array(n).fill(opts.concurrency ?? 1), queueSlots: Array(n).fill(opts.queue ?? 10),
  });

describe('computeLayout', () => {
  it('puts clients, balancer and servers left to right, all inside the scene', () => {
    const L = layout(4);
    expect(L.sourceX).toBeLessThan(L.balancerX);
    for (let s = 0; s < 4; s++) {
      expect(L.queueTailX[s]).toBeGreaterThan(L.balancerX + L.balancerR);
      expect(L.queueHeadX).toBeLessThan(L.boxX[s]);
      expect(L.boxX[s] + L.boxW).toBeLessThan(L.exitX);
      expect(L.boxY[s]).toBeGreaterThanOrEqual(0);
      expect(L.boxY[s] + L.boxH).toBeLessThanOrEqual(400);
    }
  });

  it('stacks server rows top to bottom without overlap, for 1 to 48 servers', () => {
    for (const n of [1, 2, 5, 12, 48]) {
      const L = layout(n, { height: 600 });
      for (let s = 1; s < n; s++) expect(L.boxY[s]).toBeGreaterThanOrEqual(L.boxY[s - 1] + L.boxH);
      expect(L.rowY[0]).toBeCloseTo(L.boxY[0] + L.boxH / 2);
    }
  });

  it('shows labels only when the boxes are tall enough', () => {
    expect(layout(4).showLabels).toBe(true);
    expect(layout(40).showLabels).toBe(false);
  });

  it('keeps server labels at every width from 320 px when rows are tall enough, abbreviating instead of dropping', () => {
    for (const width of [320, 358, 461, 560, 720]) {
      const L = layout(4, { width, height: 190 });
      expect(L.showLabels).toBe(true);
      expect(L.boxW).toBeGreaterThanOrEqual(72);
    }
    expect(layout(4, { width: 320, height: 190 }).labels).toBe('compact');
    expect(layout(4, { width: 320, height: 190 }).stateWords).toBe(false);
    expect(layout(4, { width: 800, height: 400 }).labels).toBe('full');
  });

  it('places queue k further from the server as k grows, and piles places past the drawn ones at the tail', () => {
    const L = layout(3, { queue: 10 });
    expect(queueX(L, 0, 0)).toBeLessThan(L.queueHeadX);
    for (let k = 1; k < 10; k++) expect(queueX(L, 0, k)).toBeLessThan(queueX(L, 0, k - 1));
    expect(queueX(L, 0, 25)).toBe(queueX(L, 0, 9));
    expect(queueX(L, 0, 9)).toBeGreaterThanOrEqual(L.queueTailX[0]);
  });

  it('gives each concurrency slot its own spot inside its box, up to MAX_SLOTS_DRAWN', () => {
    const L = layout(2, { concurrency: 8 });
    const spots = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const k = slotIndex(L, 1, i);
      expect(L.slotX[k]).toBeGreaterThan(L.boxX[1]);
      expect(L.slotX[k]).toBeLessThan(L.boxX[1] + L.boxW);
      expect(L.slotY[k]).toBeGreaterThan(L.boxY[1]);
      expect(L.slotY[k]).toBeLessThan(L.boxY[1] + L.boxH);
      spots.add(`${L.slotX[k]},${L.slotY[k]}`);
    }
    expect(spots.size).toBe(8);
    const big = layout(1, { concurrency: 1000 });
    expect(big.slotsDrawn[0]).toBe(MAX_SLOTS_DRAWN);
    expect(slotIndex(big, 0, 999)).toBe(slotIndex(big, 0, MAX_SLOTS_DRAWN - 1));
  });

  it('finds the server under a point (box or queue lane), and none elsewhere', () => {
    const L = layout(4);
    expect(serverAt(L, L.boxX[2] + 5, L.rowY[2])).toBe(2);
    expect(serverAt(L, queueX(L, 3, 2), L.rowY[3])).toBe(3);
    expect(serverAt(L, L.balancerX, L.balancerY)).toBe(-1);
    expect(serverAt(L, L.boxX[0] + 5, (L.rowY[0] + L.rowY[1]) / 2)).toBe(-1);
  });
});
