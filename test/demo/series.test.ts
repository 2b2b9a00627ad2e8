import { describe, expect, it } from 'vitest';
import { Series, niceMs } from '../../demo/series.js';

describe('Series', () => {
  it('reports the percentiles of the latencies recorded in the trailing window', () => {
    const s = new Series(100, 300, 10);
    for (let i = 1; i <= 100; i++) s.recordLatency(i);
    s.sample(100, [0, 0, 0, 0, 0]);
    expect(s.latest(0)).toBeCloseTo(50, -0.5);
    expect(s.latest(2)).toBeCloseTo(99, -0.5);
    // Three steps later the first step's latencies have left the window.
    for (let t = 2; t <= 4; t++) {
      s.recordLatency(1_000);
      s.sample(t * 100, [0, 0, 0, 0, 0]);
    }
    expect(s.latest(0)).toBeCloseTo(1_000, -1);
  });

  it('is NaN for a step in which nothing succeeded', () => {
    const s = new Series(100, 100, 4);
    s.sample(100, [0, 0, 0, 0, 0]);
    expect(Number.isNaN(s.latest(1))).toBe(true);
  });

  it('stores each step\'s increase of the running outcome totals', () => {
    const s = new Series(100, 100, 4);
    s.sample(100, [5, 1, 0, 0, 0]);
    s.sample(200, [9, 1, 2, 0, 0]);
    const cap = s.capacity;
    expect([s.counts[0 * cap + s.at(1)], s.counts[1 * cap + s.at(1)], s.counts[2 * cap + s.at(1)]]).toEqual([4, 0, 2]);
    expect(Array.from(s.totals)).toEqual([9, 1, 2, 0, 0]);
  });

  it('keeps the last `capacity` points, oldest first', () => {
    const s = new Series(10, 10, 3);
    for (let t = 1; t <= 5; t++) s.sample(t * 10, [t, 0, 0, 0, 0]);
    expect(s.length).toBe(3);
    expect([0, 1, 2].map((j) => s.timeMs[s.at(j)])).toEqual([30, 40, 50]);
  });
});

describe('niceMs', () => {
  it('rounds to 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1.4, 3, 4, 8, 130, 625].map(niceMs)).toEqual([0.5, 1, 2, 5, 10, 100, 500]);
  });
});
