/**
 * The scales the figure draws with: d3-scale's linear scale, the part used (a two-number domain and
 * range, clamping, nice, ticks and their labels), and its band scale's rows, computed with d3's
 * arithmetic step for step (d3-scale 4, d3-array 3, d3-format 3's default locale), so every pixel
 * and label is the same. d3-scale itself brought d3-color, d3-format, d3-interpolate and d3-array
 * into the element's file. test/demo/scale.test.ts holds these to d3-scale.
 */

const E10 = Math.sqrt(50), E5 = Math.sqrt(10), E2 = Math.sqrt(2);

/** d3-array's tickSpec: first and last tick index and the increment (negative: its inverse). */
function tickSpec(start: number, stop: number, count: number): [number, number, number] {
  const step = (stop - start) / Math.max(0, count),
    power = Math.floor(Math.log10(step)),
    error = step / Math.pow(10, power),
    factor = error >= E10 ? 10 : error >= E5 ? 5 : error >= E2 ? 2 : 1;
  let i1: number, i2: number, inc: number;
  if (power < 0) {
    inc = Math.pow(10, -power) / factor;
    i1 = Math.round(start * inc);
    i2 = Math.round(stop * inc);
    if (i1 / inc < start) ++i1;
    if (i2 / inc > stop) --i2;
    inc = -inc;
  } else {
    inc = Math.pow(10, power) * factor;
    i1 = Math.round(start / inc);
    i2 = Math.round(stop / inc);
    if (i1 * inc < start) ++i1;
    if (i2 * inc > stop) --i2;
  }
  if (i2 < i1 && 0.5 <= count && count < 2) return tickSpec(start, stop, count * 2);
  return [i1, i2, inc];
}

/** d3-array's tickStep. */
function tickStep(start: number, stop: number, count: number): number {
  const reverse = stop < start, inc = reverse ? tickSpec(stop, start, count)[2] : tickSpec(start, stop, count)[2];
  return (reverse ? -1 : 1) * (inc < 0 ? 1 / -inc : inc);
}

/** d3-format's exponent of |x| in decimal (NaN for 0, NaN and ±Infinity). */
function exponent(x: number): number {
  x = Math.abs(x);
  if (!isFinite(x) || x === 0) return NaN;
  const e = x.toExponential();
  return +e.slice(e.indexOf('e') + 1);
}

/** d3.format(`,.${p}f`) in the default locale: thousands grouped by commas, '−' for negatives. */
function fixed(p: number): (v: number) => string {
  return (v) => {
    let s = Math.abs(v).toFixed(p);
    const negative = (v < 0 || 1 / v < 0) && +s !== 0;
    if (!isNaN(v)) {
      const dot = s.indexOf('.'), int = dot < 0 ? s : s.slice(0, dot);
      s = int.replace(/\B(?=(\d{3})+$)/g, ',') + (dot < 0 ? '' : s.slice(dot));
    }
    return (negative ? '\u2212' : '') + s;
  };
}

/** d3's scaleLinear with a domain [d0, d1] and a range [r0, r1]; `at` is the scale's function. */
export class LinearScale {
  constructor(public d0: number, public d1: number, public r0: number, public r1: number, public clamped = false) {}

  /** The range value of domain value x (d3: clamp, normalize, then interpolate a·(1 − t) + b·t). */
  at(x: number): number {
    let d0 = this.d0, d1 = this.d1, r0 = this.r0, r1 = this.r1;
    if (d1 < d0) d0 = this.d1, d1 = this.d0, r0 = this.r1, r1 = this.r0;
    if (this.clamped) x = Math.max(d0, Math.min(d1, x));
    const b = d1 - d0, t = b ? (x - d0) / b : isNaN(b) ? NaN : 0.5;
    return r0 * (1 - t) + r1 * t;
  }

  /** Extends the domain to round numbers, as d3's `nice(count)`. */
  nice(count: number): this {
    const reverse = this.d1 < this.d0;
    let start = reverse ? this.d1 : this.d0, stop = reverse ? this.d0 : this.d1, prestep: number | undefined;
    for (let iter = 0; iter < 10; iter++) {
      const step = tickSpec(start, stop, count)[2];
      if (step === prestep) {
        if (reverse) this.d0 = stop, this.d1 = start;
        else this.d0 = start, this.d1 = stop;
        return this;
      } else if (step > 0) {
        start = Math.floor(start / step) * step;
        stop = Math.ceil(stop / step) * step;
      } else if (step < 0) {
        start = Math.ceil(start * step) / step;
        stop = Math.floor(stop * step) / step;
      } else break;
      prestep = step;
    }
    return this;
  }

  /** About `count` round values across the domain, as d3's `ticks(count)`. */
  ticks(count: number): number[] {
    const start = this.d0, stop = this.d1;
    if (!(count > 0)) return [];
    if (start === stop) return [start];
    const reverse = stop < start, [i1, i2, inc] = reverse ? tickSpec(stop, start, count) : tickSpec(start, stop, count);
    if (!(i2 >= i1)) return [];
    const n = i2 - i1 + 1, ticks = new Array<number>(n);
    for (let i = 0; i < n; ++i) {
      const k = reverse ? i2 - i : i1 + i;
      ticks[i] = inc < 0 ? k / -inc : k * inc;
    }
    return ticks;
  }

  /** The labels of `ticks(count)`, as d3's `tickFormat(count)`: as many decimals as the step needs. */
  tickFormat(count: number): (v: number) => string {
    const p = Math.max(0, -exponent(tickStep(this.d0, this.d1, count)));
    return fixed(isNaN(p) ? 6 : Math.min(20, p));
  }
}

/**
 * The top of each of `n` rows in [start, stop] (stop > start) and their height, as d3's
 * `scaleBand().domain(0..n-1).range([start, stop]).paddingInner(inner).paddingOuter(outer)`.
 */
export function bandRows(n: number, start: number, stop: number, inner: number, outer: number): { top: (i: number) => number; bandwidth: number } {
  inner = Math.min(1, inner);
  const step = (stop - start) / Math.max(1, n - inner + outer * 2);
  start += (stop - start - step * (n - inner)) * 0.5;
  return { top: (i) => start + step * i, bandwidth: step * (1 - inner) };
}
