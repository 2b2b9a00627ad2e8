/**
 * A log-bucketed histogram of non-negative values (latencies in ms) in fixed memory, with a
 * chosen number of significant digits (HdrHistogram's idea, on a geometric scale).
 *
 * With `significantDigits` d, buckets are geometric with ratio GAMMA = 1 + 2·10^−d from MIN_VALUE
 * upwards; a value is reported as its bucket's geometric midpoint, so any quantile is within
 * ±10^−d (relative) of a value that was recorded at that rank ((√GAMMA − 1) < 10^−d). Values below
 * MIN_VALUE (1 ns) share bucket 0 and are reported as the exact minimum; values above the top
 * bucket share the last and report the exact maximum. Memory per histogram: 8 bytes a bucket —
 * d = 2: ~2,100 buckets (17 KB), d = 3 (default): ~20,700 (166 KB), d = 4: ~207,000 (1.7 MB).
 */
const MIN_VALUE = 1e-6;
const MAX_VALUE = 1e12;
const LOG_MIN = Math.log(MIN_VALUE);

/** The significant digits a histogram may keep. */
export const HISTOGRAM_DIGITS = { min: 1, max: 4, default: 3 } as const;

// Doubles as bits, for the bucket lookup.
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word is [1]
function nextUp(x: number): number {
  BITS_F64[0] = x;
  if (BITS_U32[1 - HI] === 0xffffffff) { BITS_U32[1 - HI] = 0; BITS_U32[HI]++; } else BITS_U32[1 - HI]++;
  return BITS_F64[0];
}
function nextDown(x: number): number {
  BITS_F64[0] = x;
  if (BITS_U32[1 - HI] === 0) { BITS_U32[1 - HI] = 0xffffffff; BITS_U32[HI]--; } else BITS_U32[1 - HI]--;
  return BITS_F64[0];
}

/**
 * The bucket scale of one precision, built once and shared. `bucketOf` is the definition;
 * `record` finds the same bucket without a Math.log: a *cell* is the set of doubles sharing
 * exponent and top `cellBits` mantissa bits (narrower than a bucket, so it holds at most one
 * bucket edge); CELL_BUCKET[c] is the bucket of cell c's smallest double, EDGE[b] the smallest
 * double of bucket b, and one compare with the next edge settles it.
 */
class Scale {
  readonly logGamma: number;
  readonly invLogGamma: number;
  readonly buckets: number;
  readonly edge: Float64Array;
  readonly cellShift: number;
  readonly cell0: number;
  readonly cells: number;
  readonly cellBucket: Int32Array;

  constructor(readonly digits: number) {
    const gamma = 1 + 2 * 10 ** -digits;
    this.logGamma = Math.log(gamma);
    this.invLogGamma = 1 / this.logGamma;
    const buckets = (this.buckets = Math.ceil(Math.log(MAX_VALUE / MIN_VALUE) / this.logGamma) + 2);
    const edge = (this.edge = new Float64Array(buckets + 1));
    edge[1] = MIN_VALUE;
    for (let b = 2; b <= buckets; b++) {
      let e = Math.exp(LOG_MIN + (b - 1) * this.logGamma);
      while (this.bucketOf(e) >= b) e = nextDown(e);
      while (this.bucketOf(e) < b) e = nextUp(e);
      edge[b] = e;
    }
    // A cell's relative width is at most 2^−cellBits: below ln(gamma) for cellBits ≥ −log2(gamma − 1) + 1.
    const cellBits = Math.ceil(-Math.log2(gamma - 1)) + 1;
    this.cellShift = 20 - cellBits;
    this.cell0 = this.cellOf(MIN_VALUE);
    const cells = (this.cells = this.cellOf(edge[buckets - 1]) - this.cell0);
    this.cellBucket = new Int32Array(cells);
    for (let c = 0; c < cells; c++) this.cellBucket[c] = c === 0 ? 1 : this.bucketOf(this.cellStart(c + this.cell0));
  }

  /** The bucket of x ≥ MIN_VALUE by definition (may exceed buckets − 1). */
  bucketOf(x: number): number {
    return 1 + Math.floor((Math.log(x) - LOG_MIN) * this.invLogGamma);
  }

  cellOf(x: number): number {
    BITS_F64[0] = x;
    return BITS_U32[HI] >>> this.cellShift;
  }

  cellStart(c: number): number {
    BITS_U32[HI] = c << this.cellShift;
    BITS_U32[1 - HI] = 0;
    return BITS_F64[0];
  }
}

const scales = new Map<number, Scale>();
function scaleFor(digits: number): Scale {
  if (!(Number.isInteger(digits) && digits >= HISTOGRAM_DIGITS.min && digits <= HISTOGRAM_DIGITS.max)) {
    throw new RangeError(`significantDigits: expected an integer from ${HISTOGRAM_DIGITS.min} to ${HISTOGRAM_DIGITS.max}, got ${digits}`);
  }
  let scale = scales.get(digits);
  if (!scale) scales.set(digits, (scale = new Scale(digits)));
  return scale;
}

export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  min = Infinity;
  max = -Infinity;
  private readonly scale: Scale;
  private readonly edge: Float64Array;
  private readonly cellBucket: Int32Array;
  private readonly cellShift: number;
  private readonly cell0: number;
  private readonly cells: number;
  private readonly buckets: number;
  /**
   * The bucket the last value found by the cell lookup fell in and its edges [lo, hi): a value in
   * that range is counted there without the lookup (a state left after a constant delay records
   * the same bucket each time). Empty until the first such value.
   */
  private lo = Infinity;
  private hi = -Infinity;
  private last = 0;

  constructor(readonly significantDigits: number = HISTOGRAM_DIGITS.default) {
    const scale = (this.scale = scaleFor(significantDigits));
    this.counts = new Float64Array(scale.buckets);
    this.edge = scale.edge;
    this.cellBucket = scale.cellBucket;
    this.cellShift = scale.cellShift;
    this.cell0 = scale.cell0;
    this.cells = scale.cells;
    this.buckets = scale.buckets;
  }

  record(x: number): void {
    let b = 0;
    if (x >= this.lo && x < this.hi) b = this.last;
    else if (x >= MIN_VALUE) {
      BITS_F64[0] = x;
      const cell = (BITS_U32[HI] >>> this.cellShift) - this.cell0;
      if (cell < this.cells) {
        b = this.cellBucket[cell];
        if (x >= this.edge[b + 1]) b++;
        if (b < this.buckets - 1) {
          this.last = b;
          this.lo = this.edge[b];
          this.hi = this.edge[b + 1];
        }
      } else {
        b = this.scale.bucketOf(x);
      }
      if (b >= this.buckets) b = this.buckets - 1;
    }
    this.counts[b]++;
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /**
   * The q-quantile (0 < q ≤ 1) by nearest rank: the value of the ceil(q·n)-th smallest record,
   * to within 10^−significantDigits, clamped to [min, max]; the top rank is the exact max. 0 when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count - 1e-9));
    if (rank >= this.count) return this.max;
    const counts = this.counts, n = this.buckets;
    let seen = 0, b = 0;
    for (; b < n; b++) {
      seen += counts[b];
      if (seen >= rank) break;
    }
    if (b === 0) return this.min;
    if (b === n - 1) return this.max;
    const mid = Math.exp(LOG_MIN + (b - 0.5) * this.scale.logGamma);
    return Math.min(this.max, Math.max(this.min, mid));
  }

  /** Adds another histogram's records (of the same precision) to this one. */
  merge(other: Histogram): void {
    if (other.significantDigits !== this.significantDigits) {
      throw new RangeError(`cannot merge a histogram of ${other.significantDigits} significant digits into one of ${this.significantDigits}`);
    }
    for (let b = 0; b < this.buckets; b++) this.counts[b] += other.counts[b];
    this.count += other.count;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** A copy (for `since`: take one at the start of a window). */
  clone(): Histogram {
    const copy = new Histogram(this.significantDigits);
    copy.counts.set(this.counts);
    copy.count = this.count;
    copy.min = this.min;
    copy.max = this.max;
    return copy;
  }

  /**
   * The records added since `earlier`, a clone of this histogram taken before: a histogram of
   * the difference. Its min and max are those of its lowest and highest buckets (within
   * 10^−significantDigits; the exact extremes of a window are not kept), so its quantiles are as
   * precise as this one's.
   */
  since(earlier: Histogram): Histogram {
    const out = new Histogram(this.significantDigits);
    const counts = out.counts, n = this.buckets;
    let lo = -1, hi = -1;
    for (let b = 0; b < n; b++) {
      const c = this.counts[b] - earlier.counts[b];
      counts[b] = c;
      if (c > 0) {
        if (lo < 0) lo = b;
        hi = b;
      }
    }
    out.count = this.count - earlier.count;
    if (lo >= 0) {
      out.min = lo === 0 ? this.min : this.midpoint(lo);
      out.max = hi === n - 1 ? this.max : this.midpoint(hi);
    }
    return out;
  }

  /** The value reported for bucket `b` (0 < b < buckets − 1): its geometric midpoint. */
  private midpoint(b: number): number {
    return Math.exp(LOG_MIN + (b - 0.5) * this.scale.logGamma);
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0; this.min = Infinity; this.max = -Infinity;
  }
}
