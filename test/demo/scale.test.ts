// demo/scale.ts redoes the part of d3-scale the figure uses, so that the element's file need not carry
// d3-scale and the four d3 packages it imports. Held here to d3-scale itself, value for value and
// label for label, over random domains, ranges and counts (a fixed seed).
import { scaleBand, scaleLinear } from 'd3-scale';
import { describe, expect, it } from 'vitest';
import { LinearScale, bandRows } from '../../demo/scale.js';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value of random sign and magnitude (1e-4 to 1e7), now and then a round one or zero. */
function value(r: () => number): number {
  const k = r();
  if (k < 0.05) return 0;
  const v = Math.pow(10, -4 + 11 * r()) * (r() < 0.2 ? -1 : 1);
  return k < 0.3 ? Math.round(v) : v;
}

const random = rng(20261129);
// Domains as the charts make them ([0, max], [first, last]) and arbitrary ones, reversed and empty ones included.
const domains: [number, number][] = [[0, 1], [0, 1.05], [0, 0], [3, 3], [5, 1], [0, 1e-3], [-2, 7], [0, 999], [0, 1234567]];
for (let i = 0; i < 400; i++) {
  const a = value(random), b = value(random);
  domains.push(i % 3 === 0 ? [0, Math.abs(b)] : i % 3 === 1 ? [a, a + Math.abs(b) * random()] : [a, b]);
}

describe('LinearScale', () => {
  it('maps as scaleLinear, clamped or not, either way round', () => {
    for (const [d0, d1] of domains) {
      const r0 = 1000 * random() - 100, r1 = r0 + (random() < 0.5 ? -1 : 1) * 900 * random();
      for (const clamp of [false, true]) {
        const ours = new LinearScale(d0, d1, r0, r1, clamp), d3 = scaleLinear().domain([d0, d1]).range([r0, r1]).clamp(clamp);
        for (let k = 0; k < 12; k++) {
          const x = k < 2 ? [d0, d1][k] : d0 + (d1 - d0) * (2.5 * random() - 0.75);
          expect(Object.is(ours.at(x), d3(x)), `[${d0}, ${d1}] -> [${r0}, ${r1}] clamp ${clamp} at ${x}`).toBe(true);
        }
      }
    }
  });

  it('nices, ticks and labels as scaleLinear', () => {
    for (const [d0, d1] of domains) {
      for (let count = 0; count <= 10; count++) {
        const ours = new LinearScale(d0, d1, 0, 100), d3 = scaleLinear().domain([d0, d1]).range([0, 100]);
        expect(ours.ticks(count), `ticks(${count}) of [${d0}, ${d1}]`).toEqual(d3.ticks(count));
        const format = ours.tickFormat(count), d3Format = d3.tickFormat(count);
        for (const v of [...d3.ticks(count), d0, d1, -d1, -0, 1e21 * d1, NaN, Infinity]) expect(format(v), `tickFormat(${count})(${v}) of [${d0}, ${d1}]`).toBe(d3Format(v));
        ours.nice(count);
        d3.nice(count);
        expect([ours.d0, ours.d1], `nice(${count}) of [${d0}, ${d1}]`).toEqual(d3.domain());
        expect(ours.ticks(count)).toEqual(d3.ticks(count));
      }
    }
  });

  it('labels with thousands separators and as many decimals as the step needs', () => {
    const y = new LinearScale(0, 1234.5, 0, 1).nice(4);
    expect([y.d0, y.d1]).toEqual([0, 1500]);
    expect(y.tickFormat(3)(1500)).toBe('1,500');
    expect(new LinearScale(0, 0.35, 0, 1).tickFormat(3)(0.3)).toBe('0.3');
    expect(new LinearScale(0, 0.035, 0, 1).tickFormat(3)(-0.01)).toBe('\u22120.01');
  });
});

describe('bandRows', () => {
  it('places rows as scaleBand with inner and outer padding', () => {
    for (let n = 0; n <= 40; n++) {
      for (const inner of [0.12, 0.24, random(), 1.5]) {
        const start = 10, stop = start + 20 + 2000 * random(), outer = random() < 0.5 ? 0.08 : random();
        const ours = bandRows(n, start, stop, inner, outer);
        const d3 = scaleBand<number>().domain(Array.from({ length: n }, (_, i) => i)).range([start, stop]).paddingInner(inner).paddingOuter(outer);
        expect(ours.bandwidth, `n ${n} inner ${inner}`).toBe(d3.bandwidth());
        for (let i = 0; i < n; i++) expect(ours.top(i), `n ${n} row ${i}`).toBe(d3(i));
      }
    }
  });
});
