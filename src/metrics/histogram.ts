/**
 * A log-bucketed histogram of non-negative values (latencies in ms) in fixed memory.
 *
 * Buckets are geometric with ratio GAMMA = 1.02 from MIN_VALUE upwards; a value is reported as
 * its bucket's geometric midpoint, so any quantile is within ±1% of a value that was recorded
 * at that rank (relative error ≤ (√GAMMA − 1) < 1%). Values below MIN_VALUE (1 ns) share bucket 0
 * and are reported as the exact minimum; values above the top bucket share the last and report
 * the exact maximum. ~2,100 buckets cover 1e-6 ms .. 1e12 ms.
 */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
const MIN_VALUE = 1e-6;
const BUCKETS = Math.ceil(Math.log(1e12 / MIN_VALUE) / LOG_GAMMA) + 2;
const INV_LOG_GAMMA = 1 / LOG_GAMMA;
const LOG_MIN = Math.log(MIN_VALUE);

/** The bucket of x ≥ MIN_VALUE by definition (may exceed BUCKETS - 1). */
function bucketOf(x: number): number {
  return 1 + Math.floor((Math.log(x) - LOG_MIN) * INV_LOG_GAMMA);
}

// Lookup tables for record(): EDGE[b] = the smallest double in bucket b (by bucketOf, so results
// are identical), CELL_BUCKET[c] = bucketOf of the smallest double of cell c, where a cell is
// the set of doubles sharing exponent and top 8 mantissa bits.
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word is [1]
function cellOf(x: number): number {
  BITS_F64[0] = x;
  return BITS_U32[HI] >>> 12;
}
function cellStart(c: number): number {
  BITS_U32[HI] = c << 12;
  BITS_U32[1 - HI] = 0;
  return BITS_F64[0];
}
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
const EDGE = new Float64Array(BUCKETS + 1);
EDGE[0] = 0;
EDGE[1] = MIN_VALUE;
for (let b = 2; b <= BUCKETS; b++) {
  let e = Math.exp(LOG_MIN + (b - 1) * LOG_GAMMA);
  while (bucketOf(e) >= b) e = nextDown(e);
  while (bucketOf(e) < b) e = nextUp(e);
  EDGE[b] = e;
}
const CELL0 = cellOf(MIN_VALUE);
const CELLS = cellOf(EDGE[BUCKETS - 1]) - CELL0;
const CELL_BUCKET = new Int32Array(CELLS);
for (let c = 0; c < CELLS; c++) CELL_BUCKET[c] = c === 0 ? 1 : bucketOf(cellStart(c + CELL0));

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  min = Infinity;
  max = -Infinity;

  record(x: number): void {
    let b = 0;
    if (x >= MIN_VALUE) {
      // Bucket from the float's exponent and top 8 mantissa bits (cells 0.4% wide, so each holds
      // at most one bucket edge), then one compare with the exact edge: the same bucket as
      // bucketOf(x), without a Math.log per record.
      BITS_F64[0] = x;
      const cell = (BITS_U32[HI] >>> 12) - CELL0;
      if (cell < CELLS) {
        b = CELL_BUCKET[cell];
        if (x >= EDGE[b + 1]) b++;
      } else {
        b = bucketOf(x);
      }
      if (b >= BUCKETS) b = BUCKETS - 1;
    }
    this.counts[b]++;
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /**
   * The q-quantile (0 < q ≤ 1) by nearest rank: the value of the ceil(q·n)-th smallest record,
   * to within 1%, clamped to [min, max]; the top rank is the exact max. 0 when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count - 1e-9));
    if (rank >= this.count) return this.max;
    const counts = this.counts;
    let seen = 0, b = 0;
    for (; b < BUCKETS; b++) {
      seen += counts[b];
      if (seen >= rank) break;
    }
    if (b === 0) return this.min;
    if (b === BUCKETS - 1) return this.max;
    const mid = Math.exp(LOG_MIN + (b - 0.5) * LOG_GAMMA);
    return Math.min(this.max, Math.max(this.min, mid));
  }

  /** Adds another histogram's records to this one. */
  merge(other: Histogram): void {
    for (let b = 0; b < BUCKETS; b++) this.counts[b] += other.counts[b];
    this.count += other.count;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0; this.min = Infinity; this.max = -Infinity;
  }
}
