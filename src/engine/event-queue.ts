/**
 * A binary min-heap of events keyed by (time, sequence), stored as parallel typed arrays that
 * grow by doubling, with one extra slot in front of it. The sequence number is unique per
 * scheduled event, so events at equal times pop in the order they were scheduled (FIFO) and
 * every run is reproducible.
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
 * it; negative values are the lanes' stand-ins). The sequence number doubles as the event's id:
 * `push` returns it, and the popped event's id is in `lastId`, which is how models cancel lazily
 * (remember the id, ignore events whose id is stale).
 */
export class EventQueue {
  /** Events pending (heap, slot and lanes). */
  size = 0;
  /** Time of the most recently popped event. */
  lastTime = 0;
  /** Id (sequence number) of the most recently popped event. */
  lastId = -1;
  private nextSeq = 0;
  private heapSize = 0;
  private time: Float64Array;
  private seq: Float64Array;
  private data: Int32Array;
  private slotFull = false;
  private slotTime = 0;
  private slotSeq = 0;
  private slotData = 0;
  private readonly lanes: Lane[] = [];

  constructor(capacity = 64) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.data = new Int32Array(capacity);
  }

  /** Adds an event (data ≥ 0); returns its id. */
  push(time: number, data: number): number {
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
    if (this.heapSize === this.time.length) this.grow();
    const T = this.time, Q = this.seq, D = this.data;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1, tp = T[p];
      if (tp < time || (tp === time && Q[p] < id)) break;
      T[i] = tp; Q[i] = Q[p]; D[i] = D[p];
      i = p;
    }
    T[i] = time; Q[i] = id; D[i] = data;
  }

  /** A new FIFO lane for `pushLane`; returns its number. */
  addLane(): number {
    this.lanes.push(new Lane());
    return this.lanes.length - 1;
  }

  /**
   * Adds an event to FIFO lane `lane` (from `addLane`); returns its id. Meant for events due a
   * fixed delay after now; one due before the lane's last event goes to the heap instead.
   */
  pushLane(lane: number, time: number, data: number): number {
    const l = this.lanes[lane];
    if (l.len > 0 && time < l.lastTime) return this.push(time, data);
    const id = this.nextSeq++;
    this.size++;
    if (l.len === 0) this.heapInsert(time, id, -1 - lane); // the new head's stand-in
    l.add(time, id, data);
    return id;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    const top = this.heapSize > 0 ? this.time[0] : Infinity;
    return this.slotFull && this.slotTime < top ? this.slotTime : top;
  }

  /** Removes the earliest event, sets `lastTime` and `lastId`, returns its data. Not for an empty queue. */
  pop(): number {
    const data = this.popEntry();
    return data >= 0 ? data : this.popLane(-1 - data);
  }

  /** Lane `lane`'s head came due (its stand-in was popped): off the ring, the next head's stand-in in. */
  private popLane(lane: number): number {
    const l = this.lanes[lane];
    const data = l.take();
    if (l.len > 0) this.heapInsert(l.headTime(), l.headSeq(), -1 - lane);
    return data;
  }

  /** Removes the earliest entry of slot and heap (a lane's stand-in included), sets `lastTime` and `lastId`. */
  private popEntry(): number {
    const T = this.time, Q = this.seq, D = this.data;
    this.size--;
    if (this.slotFull) {
      const t = this.slotTime;
      if (this.heapSize === 0 || t < T[0] || (t === T[0] && this.slotSeq < Q[0])) {
        this.slotFull = false;
        this.lastTime = t;
        this.lastId = this.slotSeq;
        return this.slotData;
      }
    }
    const data = D[0];
    this.lastTime = T[0];
    this.lastId = Q[0];
    const n = --this.heapSize;
    if (n > 0) this.siftDown(T[n], Q[n], D[n], n);
    return data;
  }

  private siftDown(t: number, q: number, d: number, n: number): void {
    const T = this.time, Q = this.seq, D = this.data;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (T[r] < T[c] || (T[r] === T[c] && Q[r] < Q[c]))) c = r;
      if (t < T[c] || (t === T[c] && q < Q[c])) break;
      T[i] = T[c]; Q[i] = Q[c]; D[i] = D[c];
      i = c;
    }
    T[i] = t; Q[i] = q; D[i] = d;
  }

  clear(): void {
    this.size = 0;
    this.heapSize = 0;
    this.slotFull = false;
    for (const l of this.lanes) l.len = 0;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap), q = new Float64Array(cap), d = new Int32Array(cap);
    t.set(this.time); q.set(this.seq); d.set(this.data);
    this.time = t; this.seq = q; this.data = d;
  }
}

/** A FIFO ring of events (time, sequence, data) in typed arrays, growing by doubling. */
class Lane {
  len = 0;
  lastTime = -Infinity;
  private head = 0;
  private time = new Float64Array(64);
  private seq = new Float64Array(64);
  private data = new Int32Array(64);

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

  take(): number {
    const d = this.data[this.head];
    this.head = (this.head + 1) & (this.time.length - 1);
    this.len--;
    return d;
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
