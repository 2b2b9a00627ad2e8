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
 * `pop` takes the earliest of heap, slot and lane heads by (time, sequence), so the order is the
 * same as with one heap; an event pushed to a lane earlier than the lane's last goes to the heap.
 * The earliest lane head is cached (`laneTime`, `laneSeq`, `laneBest`), so a pop from the heap
 * side costs one comparison more with lanes than without, and only a pop from a lane (or a push
 * to an empty one) looks at the lanes again.
 *
 * An event carries one 32-bit integer of data (the model packs kind and target into it). The
 * sequence number doubles as the event's id: `push` returns it, and the popped event's id is in
 * `lastId`, which is how models cancel lazily (remember the id, ignore events whose id is stale).
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
  /** The earliest lane head by (time, sequence): its lane's index (-1: every lane is empty), time and sequence. */
  private laneBest = -1;
  private laneTime = Infinity;
  private laneSeq = Infinity;

  constructor(capacity = 64) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.data = new Int32Array(capacity);
  }

  /** Adds an event; returns its id. */
  push(time: number, data: number): number {
    const id = this.nextSeq++;
    this.size++;
    if (!this.slotFull) {
      this.slotFull = true;
      this.slotTime = time;
      this.slotSeq = id;
      this.slotData = data;
      return id;
    }
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
    return id;
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
    // A new head (the lane was empty) may be the earliest; a later id never wins a tie.
    if (l.len === 0 && time < this.laneTime) {
      this.laneBest = lane;
      this.laneTime = time;
      this.laneSeq = id;
    }
    l.add(time, id, data);
    return id;
  }

  /** Finds the earliest lane head again (after a lane's head was taken). */
  private findLaneBest(): void {
    let best = -1, bt = Infinity, bq = Infinity;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i];
      if (l.len === 0) continue;
      const t = l.headTime(), q = l.headSeq();
      if (t < bt || (t === bt && q < bq)) {
        best = i; bt = t; bq = q;
      }
    }
    this.laneBest = best;
    this.laneTime = bt;
    this.laneSeq = bq;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    const top = this.heapSize > 0 ? this.time[0] : Infinity;
    const t = this.slotFull && this.slotTime < top ? this.slotTime : top;
    return this.laneTime < t ? this.laneTime : t;
  }

  /** Removes the earliest event, sets `lastTime` and `lastId`, returns its data. Not for an empty queue. */
  pop(): number {
    return this.laneBest >= 0 && this.laneFirst() ? this.popLane() : this.popHeapSide();
  }

  /** True when the earliest lane head comes before the heap's side (the slot and the heap's top). */
  private laneFirst(): boolean {
    const bt = this.laneTime, bq = this.laneSeq;
    if (this.heapSize > 0) {
      const t = this.time[0];
      if (t < bt || (t === bt && this.seq[0] < bq)) return false;
    }
    if (this.slotFull) {
      const t = this.slotTime;
      if (t < bt || (t === bt && this.slotSeq < bq)) return false;
    }
    return true;
  }

  private popLane(): number {
    this.size--;
    this.lastTime = this.laneTime;
    this.lastId = this.laneSeq;
    const data = this.lanes[this.laneBest].take();
    this.findLaneBest();
    return data;
  }

  private popHeapSide(): number {
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
    this.laneBest = -1;
    this.laneTime = Infinity;
    this.laneSeq = Infinity;
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
