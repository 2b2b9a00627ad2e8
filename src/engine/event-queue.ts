/**
 * A 4-ary min-heap of events keyed by (time, sequence) in one Float64Array that grows by
 * doubling, each event three doubles side by side (time, sequence, data), with one extra slot in
 * front of it. The sequence number is unique per scheduled event, so events at equal times pop in
 * the order they were scheduled (FIFO) and every run is reproducible (the order of pops is the
 * same whatever the heap's shape).
 *
 * The layout is for large pools, where ~n departures are pending and the heap outgrows the
 * cache: a pop's sift-down visits log4 n levels instead of log2 n, and at each level reads four
 * children in 96 contiguous bytes (a binary heap in three parallel arrays read two children in
 * each of them). bench/touches.mjs, random at 100,000 servers: a departure touches 59 distinct
 * cache lines instead of 84 (the heap's share 21 instead of 46); in CPU time neutral within noise
 * (README, *Policies at scale*).
 *
 * The front slot: a push finds it empty more often than not (the event just popped usually came
 * from it) and then costs no sifting; `pop` takes the smaller of the slot and the heap's top. In a
 * queueing model the next arrival tends to live there, which saves a heap push and pop per
 * request. The order of pops is exactly the heap's order without the slot (tested against a
 * sorting oracle).
 *
 * Lanes: events scheduled a fixed delay after "now" (a client's timeout, deadline, hedge) come
 * due in the order they were scheduled, so `pushLane` keeps them in a FIFO ring per lane instead
 * of the heap: O(1) in and out, and the heap stays as small as the events that really need it.
 * A lane's head is represented in the heap by a stand-in entry with the head's own time and
 * sequence and data −1 − lane; popping it takes the head off the ring and puts the next head's
 * stand-in in. So `pop` compares only the slot and the heap's top, as without lanes, and the
 * order is the same as with one heap (a lane's next head is due after most of the heap: its
 * sift-up mostly stops at once). An event pushed to a lane earlier than the lane's last goes to
 * the heap.
 *
 * An event carries one non-negative 32-bit integer of data (the model packs kind and target into
 * it; negative values are the lanes' stand-ins, so `push` and `pushLane` refuse them). Every event
 * has an id, unique for the queue's life (`clear` included): `push` and `pushLane` return it and
 * the popped event's id is in `lastId`, which is how models cancel lazily (remember the id, ignore
 * events whose id is stale). A heap event's id is its sequence number (< 2⁵²); a lane event's id
 * is its handle in the lane: 2⁵² + lane · 2³⁶ + its position (the count of events the lane took
 * before it), exact in a double for up to 2¹⁶ lanes of 2³⁶ events each. Ids are for equality
 * only; the order of pops is the sequence numbers'.
 *
 * Cancellation, for lane events: `cancelLane` takes the id apart (position = id − the id of the
 * lane's head; valid while 0 ≤ position < the lane's length) and marks the entry dead (data −1):
 * a subtraction, a compare and a store, whatever the ring's size; it is no longer pending (`size`)
 * and never pops. Dead entries stay in the ring until the lane's stand-in reaches the top: then the
 * whole run of dead entries at the head goes at once and one stand-in for the next live head goes
 * in — one heap pop and push per run of cancelled timers, where a stale timer left to come due
 * cost that per timer plus its handling. `peekTime` never reports a dead entry's time (it drops
 * dead heads at the top first). An event a lane sent to the heap (pushed earlier than the lane's
 * last, or past a lane's 2³⁶ events or a queue's 2¹⁶ lanes) has a heap id and cannot be
 * cancelled: `cancelLane` says so and it pops as usual.
 */
export class EventQueue {
  /** Events pending (heap, slot and lanes; cancelled ones not counted). */
  size = 0;
  /** Time of the most recently popped event. */
  lastTime = 0;
  /** Id of the most recently popped event. */
  lastId = -1;
  private nextSeq = 0;
  private heapSize = 0;
  /** The heap, event i at [3i] time, [3i + 1] sequence, [3i + 2] data; children of i: 4i + 1 … 4i + 4. */
  private heap: Float64Array;
  private slotFull = false;
  private slotTime = 0;
  private slotSeq = 0;
  private slotData = 0;
  private readonly lanes: Lane[] = [];

  constructor(capacity = 64) {
    this.heap = new Float64Array(3 * capacity);
  }

  /** Adds an event (data a 32-bit integer ≥ 0, else RangeError); returns its id. */
  push(time: number, data: number): number {
    if ((data & 0x7fffffff) !== data) refuseData(data);
    const id = this.nextSeq++;
    this.size++;
    this.insert(time, id, data);
    return id;
  }

  /** Puts entry (time, seq, data) into the slot if it is free, else into the heap. */
  private insert(time: number, id: number, data: number): void {
    if (!this.slotFull) {
      this.slotFull = true;
      this.slotTime = time;
      this.slotSeq = id;
      this.slotData = data;
    } else this.heapInsert(time, id, data);
  }

  private heapInsert(time: number, id: number, data: number): void {
    if (3 * this.heapSize === this.heap.length) this.grow();
    const H = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 2, tp = H[3 * p];
      if (tp < time || (tp === time && H[3 * p + 1] < id)) break;
      H[3 * i] = tp; H[3 * i + 1] = H[3 * p + 1]; H[3 * i + 2] = H[3 * p + 2];
      i = p;
    }
    H[3 * i] = time; H[3 * i + 1] = id; H[3 * i + 2] = data;
  }

  /** A new FIFO lane for `pushLane`; returns its number. */
  addLane(): number {
    const lane = this.lanes.length;
    this.lanes.push(new Lane(lane));
    return lane;
  }

  /**
   * Adds an event to FIFO lane `lane` (from `addLane`); returns its id. Meant for events due a
   * fixed delay after now; one due before the lane's last event goes to the heap instead.
   */
  pushLane(lane: number, time: number, data: number): number {
    if ((data & 0x7fffffff) !== data) refuseData(data);
    const l = this.lanes[lane];
    const id = l.headId + l.len;
    if ((l.len > 0 && time < l.lastTime) || id === l.endId) return this.push(time, data);
    const seq = this.nextSeq++;
    this.size++;
    if (l.len === 0) this.heapInsert(time, seq, -1 - lane); // the new head's stand-in
    l.add(time, seq, data);
    return id;
  }

  /**
   * Cancels event `id` of lane `lane` if it is still in the lane's ring and not cancelled yet:
   * it will not pop and `size` drops by one; returns whether it did. False for an event already
   * popped, one the lane sent to the heap, or an id of another lane. O(1).
   */
  cancelLane(lane: number, id: number): boolean {
    if (!this.lanes[lane].kill(id)) return false;
    this.size--;
    return true;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    if (this.heapSize > 0 && this.heap[2] < 0) this.dropDeadHeads();
    const top = this.heapSize > 0 ? this.heap[0] : Infinity;
    return this.slotFull && this.slotTime < top ? this.slotTime : top;
  }

  /** While the heap's top is the stand-in of a lane whose head is cancelled: that lane's run of dead entries goes. */
  private dropDeadHeads(): void {
    const H = this.heap;
    while (this.heapSize > 0 && H[2] < 0) {
      const lane = -1 - H[2], l = this.lanes[lane];
      if (!l.headDead()) return;
      const n = --this.heapSize;
      if (n > 0) this.siftDown(H[3 * n], H[3 * n + 1], H[3 * n + 2], n);
      l.skipDead();
      if (l.len > 0) this.heapInsert(l.headTime(), l.headSeq(), -1 - lane);
    }
  }

  /** Removes the earliest event, sets `lastTime` and `lastId`, returns its data. Not for an empty queue. */
  pop(): number {
    this.size--;
    const data = this.popEntry();
    return data >= 0 ? data : this.popLane(-1 - data);
  }

  /**
   * Lane `lane`'s head came due (its stand-in was popped): off the ring, the next head's stand-in
   * in. A cancelled head goes with the run of cancelled entries behind it, and the next event pops.
   */
  private popLane(lane: number): number {
    for (;;) {
      const l = this.lanes[lane];
      this.lastId = l.headId;
      const data = l.take();
      if (data < 0) l.skipDead();
      if (l.len > 0) this.heapInsert(l.headTime(), l.headSeq(), -1 - lane);
      if (data >= 0) return data;
      const next = this.popEntry();
      if (next >= 0) return next;
      lane = -1 - next;
    }
  }

  /** Removes the earliest entry of slot and heap (a lane's stand-in included), sets `lastTime` and `lastId`. */
  private popEntry(): number {
    const H = this.heap;
    if (this.slotFull) {
      const t = this.slotTime;
      if (this.heapSize === 0 || t < H[0] || (t === H[0] && this.slotSeq < H[1])) {
        this.slotFull = false;
        this.lastTime = t;
        this.lastId = this.slotSeq;
        return this.slotData;
      }
    }
    const data = H[2];
    this.lastTime = H[0];
    this.lastId = H[1];
    const n = --this.heapSize;
    if (n > 0) this.siftDown(H[3 * n], H[3 * n + 1], H[3 * n + 2], n);
    return data;
  }

  /** Moves entry (t, q, d) down from the root of a heap of `n` entries to its place. */
  private siftDown(t: number, q: number, d: number, n: number): void {
    const H = this.heap;
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

  clear(): void {
    this.size = 0;
    this.heapSize = 0;
    this.slotFull = false;
    for (const l of this.lanes) l.clear();
  }

  private grow(): void {
    const h = new Float64Array(2 * this.heap.length);
    h.set(this.heap);
    this.heap = h;
  }
}

/**
 * Data outside 0 … 2³¹ − 1 (negative, fractional, NaN or too large): refused, as a negative one
 * would pop as a lane's stand-in (or, in a lane, as cancelled) and a large one wrap in the lanes'
 * Int32Array. One AND and compare per push; bench/heap.js measured no slowdown.
 */
function refuseData(data: number): never {
  throw new RangeError(`EventQueue: an event's data must be an integer from 0 to 2147483647, got ${data}`);
}

/** Lane ids: 2⁵² + lane · 2³⁶ + position, below 2⁵³ (exact) for lanes < 2¹⁶; heap ids (sequence numbers) stay below 2⁵². */
const LANE_ID_BASE = 2 ** 52, LANE_ID_SPAN = 2 ** 36, MAX_LANES = 2 ** 16;

/**
 * A FIFO ring of events (time, sequence, data) in typed arrays, growing by doubling. Its entries
 * have consecutive ids from `headId` (the head's) on; `endId` is the first id it may not give
 * (a lane past 2¹⁶ has none to give: its events go to the heap).
 */
class Lane {
  len = 0;
  lastTime = -Infinity;
  headId: number;
  readonly endId: number;
  private head = 0;
  private time = new Float64Array(16);
  private seq = new Float64Array(16);
  private data = new Int32Array(16);

  constructor(lane: number) {
    this.headId = lane < MAX_LANES ? LANE_ID_BASE + lane * LANE_ID_SPAN : 0;
    this.endId = lane < MAX_LANES ? this.headId + LANE_ID_SPAN : 0;
  }

  add(time: number, seq: number, data: number): void {
    if (this.len === this.time.length) this.grow();
    const i = (this.head + this.len++) & (this.time.length - 1);
    this.time[i] = time; this.seq[i] = seq; this.data[i] = data;
    this.lastTime = time;
  }

  headTime(): number {
    return this.time[this.head];
  }

  headSeq(): number {
    return this.seq[this.head];
  }

  /** Takes the head off; returns its data (−1: cancelled). */
  take(): number {
    const d = this.data[this.head];
    this.head = (this.head + 1) & (this.time.length - 1);
    this.len--;
    this.headId++;
    return d;
  }

  headDead(): boolean {
    return this.data[this.head] < 0;
  }

  /** Takes off every cancelled entry at the head. */
  skipDead(): void {
    const mask = this.time.length - 1;
    while (this.len > 0 && this.data[this.head] < 0) {
      this.head = (this.head + 1) & mask;
      this.len--;
      this.headId++;
    }
  }

  /** Marks the entry of id `id` cancelled; false if it is not in the ring (popped, another lane's, a heap id) or already cancelled. */
  kill(id: number): boolean {
    const rel = id - this.headId, k = rel >>> 0; // k === rel: an integer from 0 to 2³² − 1
    if (k !== rel || k >= this.len) return false;
    const i = (this.head + k) & (this.time.length - 1);
    if (this.data[i] < 0) return false;
    this.data[i] = -1;
    return true;
  }

  /** Empties the ring; its ids are not given again. */
  clear(): void {
    this.headId += this.len;
    this.len = 0;
  }

  private grow(): void {
    const n = this.time.length, t = new Float64Array(2 * n), q = new Float64Array(2 * n), d = new Int32Array(2 * n);
    for (let k = 0; k < this.len; k++) {
      const i = (this.head + k) & (n - 1);
      t[k] = this.time[i]; q[k] = this.seq[i]; d[k] = this.data[i];
    }
    this.time = t; this.seq = q; this.data = d; this.head = 0;
  }
}
