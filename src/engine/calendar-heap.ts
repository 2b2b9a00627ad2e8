/**
 * A priority queue of entries (time, sequence, data) popped in order of time, then sequence —
 * the structure behind EventQueue. Small, it is a 4-ary heap in one Float64Array (three doubles
 * per entry side by side). Large (its array full at `heapMax` entries or more: 4,096 by default), the heap keeps
 * only the near future and is fed from a calendar: the far future sits unsorted in buckets of
 * equal width in time, each a linked list of 8-entry chunks, so a push touches the bucket's
 * tail chunk and a few words of bucket state instead of sifting through a heap that has outgrown
 * the cache; when the heap runs empty, the next non-empty bucket moves into it (a few dozen
 * entries). A rebuild of the calendar (when its buckets are used up) spreads the events beyond it
 * (the overflow) over new buckets: width from a sample's median, so that a bucket holds about
 * `PER_BUCKET` events whatever the time scale. Below `calendarMin` pending events a rebuild goes
 * back to the plain heap (hysteresis: 4,096 up, 1,024 down).
 *
 * Exact order: an entry's bucket is k(t) = ⌊(t − base) · scale⌋, non-decreasing in t (each
 * floating-point step is monotone), and the heap holds exactly the entries with k(t) ≤ cur (the
 * bucket it was last fed from), every bucket > cur and the overflow only later ones. So the
 * heap's top is always the earliest entry, ties between equal times (which share a bucket) are
 * ordered by sequence inside the heap, and the order of pops is that of a plain heap whatever the
 * time distribution. Degenerate cases fall back to the heap rather than to quadratic scans: all events
 * at one instant (a rebuild whose overflow has one time moves it all into the heap, and the
 * calendar then admits only that instant), heavy tails (the far tail stays in the overflow, read
 * once per rebuild, and a rebuild places at least the overflow's lower part), events at +Infinity
 * (a FIFO of their own, as equal times pop in sequence order; they join the heap only when
 * nothing finite is left). One known exception (rheap review): when all pending times lie within
 * ~1e-305 of each other (denormal spans, where the bucket scale overflows), each distinct time is
 * a rebuild over the overflow — quadratic (20,000 such times: 2.3 s against 0.02 s for the heap);
 * a simulation's times (ms in [now, 1e13], durations drawn from scenario distributions) do not
 * come that close in practice. Once the calendar is on, the near heap has no size cap: after a
 * sharp change of density it may hold most entries (never slower than the plain heap).
 *
 * Invariant the owner relies on: whenever `count > 0`, the heap is non-empty and `h[0..2]` is the
 * earliest entry (time, sequence, data).
 */

/** Entries per bucket the calendar aims at (a bucket fed to the heap is a heap of a few dozen). */
const PER_BUCKET = 32;
/** Entries per chunk of a bucket's list (8 × 24 bytes: three cache lines). */
const CHUNK = 8;
/** Overflow times sampled by a rebuild to choose the bucket width. */
const SAMPLES = 64;

export class CalendarHeap {
  /** Entries held (heap, buckets, overflow and +Infinity FIFO). */
  count = 0;
  /** Entries in the heap. */
  protected n = 0;
  /** The heap, entry i at [3i] time, [3i + 1] sequence, [3i + 2] data; children of i: 4i + 1 … 4i + 4. */
  protected h: Float64Array;
  /** Heap size above which a heap-only queue switches to the calendar (Infinity while the calendar is on). */
  private heapLimit: number;
  /** k(t) = (t − base) · scale; an entry goes to the heap unless k(t) ≥ curEnd. Heap only: scale 0, curEnd 1. */
  private base = 0;
  private scale = 0;
  private curEnd = 1;
  /** Buckets in the calendar (0 when it is off or in one-instant mode). */
  private nb = 0;
  /** Per bucket: [3k] first chunk (−1: empty), [3k + 1] last chunk, [3k + 2] entries in the last chunk. */
  private bk = new Int32Array(3 * 64).fill(-1);
  /** Chunks: entries as in the heap, CHUNK per chunk; `next` links a bucket's chunks and the free list. */
  private ch = new Float64Array(3 * CHUNK * 64);
  private next = new Int32Array(64);
  private free = -1;
  private chunksUsed = 0;
  /** The overflow: entries beyond the calendar, unsorted (three doubles each). */
  private ov = new Float64Array(3 * 64);
  private ovN = 0;
  /** Entries at +Infinity beyond the calendar: sequence and data pairs in sequence order, from infHead. */
  private inf = new Float64Array(2 * 16);
  private infHead = 0;
  private infN = 0;
  private readonly samples = new Float64Array(SAMPLES);

  /**
   * @param capacity initial heap capacity (entries)
   * @param heapMax a heap-only queue switches to the calendar when its heap array is full with at least this many entries (instead of growing)
   * @param calendarMin a calendar rebuild with fewer entries than this goes back to the heap alone
   */
  constructor(capacity = 64, private readonly heapMax = 4096, private readonly calendarMin = 1024) {
    // calendarMin > heapMax would rebuild a calendar straight back into an oversized heap, on every push
    if (!(calendarMin >= 1 && calendarMin <= heapMax)) throw new RangeError(`CalendarHeap: calendarMin must be from 1 to heapMax (${heapMax}), got ${calendarMin}`);
    this.h = new Float64Array(3 * Math.max(1, capacity));
    this.heapLimit = heapMax;
  }

  /**
   * Room for `entries` pending entries in every part (heap, buckets' chunks, overflow, +Infinity
   * FIFO), so that no array is reallocated while at most that many are pending (bench/touches.mjs
   * wraps the arrays to count the cache lines they touch).
   */
  reserve(entries: number): void {
    const e = Math.max(1, Math.ceil(entries)), buckets = 4 * Math.ceil(e / PER_BUCKET) + 1, chunks = Math.ceil(e / CHUNK) + buckets;
    if (this.h.length < 3 * e) this.h = resized(this.h, 3 * e, 3 * this.n);
    if (this.ov.length < 3 * e) this.ov = resized(this.ov, 3 * e, 3 * this.ovN);
    if (this.inf.length < 2 * e) this.inf = resized(this.inf, 2 * e, 2 * (this.infHead + this.infN));
    if (this.next.length < chunks) {
      const nx = new Int32Array(chunks);
      nx.set(this.next);
      this.next = nx;
      this.ch = resized(this.ch, 3 * CHUNK * chunks, this.ch.length);
    }
    if (this.bk.length < 3 * buckets) {
      const b = new Int32Array(3 * buckets).fill(-1);
      b.set(this.bk);
      this.bk = b;
    }
  }

  /** Adds entry (time, seq, data). */
  protected insertEntry(time: number, seq: number, data: number): void {
    this.count++;
    const x = (time - this.base) * this.scale;
    if (!(x >= this.curEnd)) {
      if (3 * this.n === this.h.length && this.n >= this.heapLimit) { // full at heapMax: to the calendar instead of growing
        this.toCalendar();
        this.count--;
        this.insertEntry(time, seq, data);
      } else this.heapPush(time, seq, data);
    } else this.far(x, time, seq, data);
  }

  /** Removes the top entry h[0..2] (the earliest). Not for an empty queue. */
  protected removeTop(): void {
    this.count--;
    const H = this.h, n = --this.n;
    if (n > 0) this.siftDown(H[3 * n], H[3 * n + 1], H[3 * n + 2], n);
    else if (this.count > 0) this.refill();
    else if (this.heapLimit !== this.heapMax) this.heapOnly();
  }

  /** Empties the queue (back to the heap alone). */
  protected clearEntries(): void {
    this.count = 0;
    this.n = 0;
    this.ovN = 0;
    this.infHead = this.infN = 0;
    for (let k = 0; k < this.nb; k++) this.bk[3 * k] = -1;
    this.free = -1;
    this.chunksUsed = 0;
    this.heapOnly();
  }

  private heapPush(time: number, seq: number, data: number): void {
    if (3 * this.n === this.h.length) this.h = grown(this.h, 3 * this.n);
    const H = this.h;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2, tp = H[3 * p];
      if (tp < time || (tp === time && H[3 * p + 1] < seq)) break;
      H[3 * i] = tp; H[3 * i + 1] = H[3 * p + 1]; H[3 * i + 2] = H[3 * p + 2];
      i = p;
    }
    H[3 * i] = time; H[3 * i + 1] = seq; H[3 * i + 2] = data;
  }

  /** Moves entry (t, q, d) down from the root of a heap of `n` entries to its place. */
  private siftDown(t: number, q: number, d: number, n: number): void {
    const H = this.h;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      const end = first + 4 < n ? first + 4 : n;
      let c = first, ct = H[3 * first], cq = H[3 * first + 1];
      for (let j = first + 1; j < end; j++) {
        const jt = H[3 * j];
        if (jt < ct || (jt === ct && H[3 * j + 1] < cq)) {
          c = j; ct = jt; cq = H[3 * j + 1];
        }
      }
      if (t < ct || (t === ct && q < cq)) break;
      H[3 * i] = ct; H[3 * i + 1] = cq; H[3 * i + 2] = H[3 * c + 2];
      i = c;
    }
    H[3 * i] = t; H[3 * i + 1] = q; H[3 * i + 2] = d;
  }

  /** An entry with k(t) = x ≥ curEnd: into bucket ⌊x⌋, the +Infinity FIFO or the overflow. */
  private far(x: number, time: number, seq: number, data: number): void {
    if (x < this.nb) this.bucketAdd(x | 0, time, seq, data);
    else if (time === Infinity) {
      if (2 * (this.infHead + this.infN) === this.inf.length) {
        if (this.infHead > 0) {
          this.inf.copyWithin(0, 2 * this.infHead, 2 * (this.infHead + this.infN));
          this.infHead = 0;
        }
        if (2 * this.infN === this.inf.length) this.inf = grown(this.inf, 2 * this.infN);
      }
      const i = 2 * (this.infHead + this.infN++);
      this.inf[i] = seq; this.inf[i + 1] = data;
    } else {
      if (3 * this.ovN === this.ov.length) this.ov = grown(this.ov, 3 * this.ovN);
      const i = 3 * this.ovN++;
      this.ov[i] = time; this.ov[i + 1] = seq; this.ov[i + 2] = data;
    }
  }

  private bucketAdd(k: number, time: number, seq: number, data: number): void {
    const B = this.bk, b = 3 * k;
    let tail = B[b + 1], fill = B[b + 2];
    if (B[b] < 0) {
      tail = this.chunk();
      B[b] = tail; B[b + 1] = tail; fill = 0;
    } else if (fill === CHUNK) {
      const c = this.chunk();
      this.next[tail] = c;
      B[b + 1] = c; tail = c; fill = 0;
    }
    B[b + 2] = fill + 1;
    const C = this.ch, o = 3 * (CHUNK * tail + fill);
    C[o] = time; C[o + 1] = seq; C[o + 2] = data;
  }

  /** A free chunk (the most recently freed: likely still cached), its `next` −1. */
  private chunk(): number {
    let c = this.free;
    if (c >= 0) this.free = this.next[c];
    else {
      c = this.chunksUsed++;
      if (c === this.next.length) {
        const nx = new Int32Array(2 * c);
        nx.set(this.next);
        this.next = nx;
        this.ch = grown(this.ch, this.ch.length);
      }
    }
    this.next[c] = -1;
    return c;
  }

  /** The heap ran empty with entries left: feed it from the next bucket, rebuilding the calendar when they are used up. */
  private refill(): void {
    for (;;) {
      const B = this.bk, nb = this.nb;
      let k = this.curEnd;
      while (k < nb && B[3 * k] < 0) k++;
      if (k < nb) {
        this.curEnd = k + 1;
        this.load(k);
        return;
      }
      if (this.ovN > 0) this.rebuild();
      else { // only +Infinity entries left: all of them into the heap, which admits everything
        this.base = Infinity;
        this.scale = 1;
        this.curEnd = 1;
        this.nb = 0;
        this.drainInf();
      }
      if (this.n > 0) return;
    }
  }

  /** Moves bucket k's entries into the (empty) heap and frees its chunks. */
  private load(k: number): void {
    const B = this.bk, head = B[3 * k], tail = B[3 * k + 1], fill = B[3 * k + 2];
    const C = this.ch;
    for (let c = head; ; c = this.next[c]) {
      const m = c === tail ? fill : CHUNK;
      for (let j = 0, o = 3 * CHUNK * c; j < m; j++, o += 3) this.heapPush(C[o], C[o + 1], C[o + 2]);
      if (c === tail) break;
    }
    this.next[tail] = this.free;
    this.free = head;
    B[3 * k] = -1;
  }

  /** Moves the +Infinity FIFO into the heap (in sequence order: each push stays where it lands). */
  private drainInf(): void {
    const I = this.inf;
    for (let i = this.infHead, end = this.infHead + this.infN; i < end; i++) this.heapPush(Infinity, I[2 * i], I[2 * i + 1]);
    this.infHead = this.infN = 0;
  }

  /**
   * Heap and buckets are empty: a new calendar for the overflow. Origin its least time; the
   * buckets span twice the distance from it to the sample median (the far tail stays in the
   * overflow), each about PER_BUCKET entries wide at the front's density. One time only: the heap
   * takes that instant. Few entries: back to the heap alone.
   */
  private rebuild(): void {
    const O = this.ov, n = this.ovN;
    if (this.count < this.calendarMin) {
      this.heapOnly();
      for (let i = 0; i < 3 * n; i += 3) this.heapPush(O[i], O[i + 1], O[i + 2]);
      this.ovN = 0;
      this.drainInf();
      return;
    }
    // -Infinity and NaN (which the heap takes whatever the calendar) play no part in its choice
    let min = Infinity;
    for (let i = 0; i < 3 * n; i += 3) if (O[i] < min && O[i] > -Infinity) min = O[i];
    const S = this.samples;
    for (let s = 0; s < SAMPLES; s++) S[s] = O[3 * Math.floor((s * n) / SAMPLES)];
    S.sort(); // numeric: -Infinity first, NaN last
    let a = 0, b = SAMPLES;
    while (a < b && S[a] === -Infinity) a++;
    while (b > a && !(S[b - 1] < Infinity)) b--;
    // the front's density: the lowest eighth of the samples (past those at min) over its time range
    let f = a + Math.max(1, (b - a) >> 3);
    while (f < b && S[f] === min) f++;
    let s = Math.max(f, a + ((b - a) >> 1));
    while (s < b && S[s] === min) s++;
    const span = s < b ? 2 * (S[s] - min) : 0;
    let nb = 0, scale = Infinity;
    if (span > 0) {
      // bucket width: PER_BUCKET entries at the front's density (pushes keep the later buckets
      // as dense by the time they are reached), at most 4 buckets per PER_BUCKET entries
      const width = (PER_BUCKET * (S[f] - min) * SAMPLES) / ((f - a) * n);
      nb = Math.max(1, Math.min(Math.ceil(span / width), 4 * Math.ceil(n / PER_BUCKET)));
      scale = nb / span;
    }
    // one instant, a span too small to divide, or one too large for a double (times ~1e308 apart:
    // span Infinity, scale 0 would put +Infinity, as NaN, into the heap): the heap takes min and earlier only
    if (!(scale > 0 && scale < Infinity)) {
      nb = 0;
      scale = Infinity;
    }
    if (3 * nb > this.bk.length) {
      this.bk = new Int32Array(3 * Math.max(nb, 2 * (this.bk.length / 3))).fill(-1);
    }
    this.base = min;
    this.scale = scale;
    this.nb = nb;
    this.curEnd = nb > 0 ? 0 : 1;
    let kept = 0;
    for (let i = 0; i < 3 * n; i += 3) {
      const t = O[i], x = (t - min) * scale;
      if (!(x >= this.curEnd)) this.heapPush(t, O[i + 1], O[i + 2]);
      else if (x < nb) this.bucketAdd(x | 0, t, O[i + 1], O[i + 2]);
      else {
        O[3 * kept] = t; O[3 * kept + 1] = O[i + 1]; O[3 * kept + 2] = O[i + 2];
        kept++;
      }
    }
    this.ovN = kept;
    if (min === Infinity) this.drainInf(); // nothing finite: the heap now admits every time, +Infinity too
  }

  /**
   * The heap is too big for the cache: everything into the overflow (entries at +Infinity into
   * their FIFO, sorted by sequence), then a calendar is built from it.
   */
  private toCalendar(): void {
    const H = this.h, n = this.n;
    if (this.ov.length < 3 * n) this.ov = new Float64Array(3 * n);
    const O = this.ov, infs: number[] = [];
    let m = 0;
    for (let i = 0; i < 3 * n; i += 3) {
      if (H[i] === Infinity) infs.push(i);
      else {
        O[3 * m] = H[i]; O[3 * m + 1] = H[i + 1]; O[3 * m + 2] = H[i + 2];
        m++;
      }
    }
    if (infs.length > 0) {
      infs.sort((a, b) => H[a + 1] - H[b + 1]);
      if (this.inf.length < 2 * infs.length) this.inf = new Float64Array(2 * infs.length);
      for (let j = 0; j < infs.length; j++) {
        this.inf[2 * j] = H[infs[j] + 1]; this.inf[2 * j + 1] = H[infs[j] + 2];
      }
      this.infHead = 0;
      this.infN = infs.length;
    }
    this.ovN = m;
    this.n = 0;
    this.heapLimit = Infinity;
    this.nb = 0;
    this.curEnd = 0;
    this.refill();
  }

  /** Heap alone: every entry goes to the heap (k(t) = 0 or NaN, never ≥ 1). */
  private heapOnly(): void {
    this.base = 0;
    this.scale = 0;
    this.curEnd = 1;
    this.nb = 0;
    this.heapLimit = this.heapMax;
  }
}

/** A copy of `a` twice as long (its first `used` elements kept). */
function grown(a: Float64Array, used: number) {
  return resized(a, 2 * Math.max(a.length, 1), used);
}

/** A copy of `a` of length `length` (its first `used` elements kept). */
function resized(a: Float64Array, length: number, used: number) {
  const b = new Float64Array(length);
  b.set(a.subarray(0, used));
  return b;
}
