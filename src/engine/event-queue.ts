import { CalendarHeap } from './calendar-heap.js';

/**
 * Events keyed by (time, sequence) in a CalendarHeap (the "heap" below; src/engine/calendar-heap.ts),
 * each event three doubles side by side (time, sequence, data), with one extra slot in front of
 * it. The sequence number is unique per scheduled event, so events at equal times pop in the
 * order they were scheduled (FIFO) and every run is reproducible (the order of pops is the same
 * whatever the structure's shape).
 *
 * Up to 4,096 pending entries the CalendarHeap is a 4-ary heap in one Float64Array: a pop's
 * sift-down visits log4 n levels and at each level reads four children in 96 contiguous bytes.
 * Above that (large pools, where ~n departures are pending and a heap outgrows the cache) it
 * keeps only the near future in that heap and the rest unsorted in time buckets, so a push
 * touches a bucket's tail instead of sifting through the whole heap; the order of pops is the
 * same.
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
 * it; negative values are the lanes' stand-ins, so `push` and `pushLane` refuse them). The
 * sequence number doubles as the event's id: `push` and `pushLane` return it, and the popped
 * event's id is in `lastId`, which is how models cancel lazily (remember the id, ignore events
 * whose id is stale). Ids stay small integers for the first 2³⁰ events, which V8 passes and
 * returns without boxing.
 *
 * Cancellation, for lane events: `pushLane` also leaves the event's position in its lane in
 * `lanePos` (the count of events the lane took before it, modulo 2³⁰: a small integer), and `cancelLane(lane, id,
 * pos)` finds the entry at that position — O(1): a subtraction, a range check and a comparison
 * with the entry's sequence number, so it cancels event `id` or nothing — and marks it dead
 * (data −1); it is no longer pending (`size`) and never pops. Dead entries stay in
 * the ring until the lane's stand-in reaches the top: then the whole run of dead entries at the
 * head goes at once and one stand-in for the next live head goes in — one heap pop and push per
 * run of cancelled timers, where a stale timer left to come due cost that per timer plus its
 * handling. `peekTime` never reports a dead entry's time (it drops dead heads at the top first).
 * An event a lane sent to the heap (pushed earlier than the lane's last) cannot be cancelled:
 * `cancelLane` says so and it pops as usual.
 */
export class EventQueue extends CalendarHeap {
  /** Events pending (heap, slot and lanes; cancelled ones not counted). */
  size = 0;
  /** Time of the most recently popped event. */
  lastTime = 0;
  /** Id (sequence number) of the most recently popped event. */
  lastId = -1;
  /** Position in its lane of the event the last `pushLane` put there (its handle for `cancelLane`). */
  lanePos = 0;
  private nextSeq = 0;
  /** 1 when the front slot holds an entry, else 0 (a small integer: V8 tests a boolean field of unknown type against every falsy kind). */
  private slotFull = 0;
  private slotTime = 0;
  private slotSeq = 0;
  private slotData = 0;
  private readonly lanes: Lane[] = [];

  constructor(capacity = 64) {
    super(capacity);
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
    if (this.slotFull === 0) {
      this.slotFull = 1;
      this.slotTime = time;
      this.slotSeq = id;
      this.slotData = data;
    } else this.insertEntry(time, id, data);
  }

  /** A new FIFO lane for `pushLane`; returns its number. */
  addLane(): number {
    this.lanes.push(new Lane());
    return this.lanes.length - 1;
  }

  /**
   * Adds an event to FIFO lane `lane` (from `addLane`); returns its id and leaves its position
   * in `lanePos`. Meant for events due a fixed delay after now; one due before the lane's last
   * event goes to the heap instead.
   */
  pushLane(lane: number, time: number, data: number): number {
    if ((data & 0x7fffffff) !== data) refuseData(data);
    const l = this.lanes[lane], n = l.len;
    if (n > 0 && time < l.lastTime) return this.push(time, data);
    const id = this.nextSeq++;
    this.size++;
    if (n === 0) this.insertEntry(time, id, -1 - lane); // the new head's stand-in
    else if (n > l.mask) l.grow();
    const pos = (l.headPos + n) & POS_MASK, r = l.ring, j = 3 * (pos & l.mask);
    r[j] = time;
    r[j + 1] = id;
    r[j + 2] = data;
    l.len = n + 1;
    l.lastTime = time;
    this.lanePos = pos;
    return id;
  }

  /**
   * Cancels event `id` of lane `lane`, at position `pos` (`lanePos` after its push), if it is
   * still in the lane's ring and not cancelled yet: it will not pop and `size` drops by one;
   * returns whether it did. False for an event already popped, one the lane sent to the heap, or
   * an (id, pos) of another lane or event. O(1).
   */
  cancelLane(lane: number, id: number, pos: number): boolean {
    const l = this.lanes[lane];
    if (((pos - l.headPos) & POS_MASK) >= l.len) return false; // before the head (≥ 2²⁹ modulo 2³⁰) or after the tail
    const r = l.ring, j = 3 * (pos & l.mask);
    if (r[j + 1] !== id || r[j + 2] < 0) return false;
    r[j + 2] = -1;
    this.size--;
    return true;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    if (this.count > 0 && this.h[2] < 0) this.dropDeadHeads();
    const top = this.count > 0 ? this.h[0] : Infinity;
    return this.slotFull === 1 && this.slotTime < top ? this.slotTime : top;
  }

  /** While the heap's top is the stand-in of a lane whose head is cancelled: that lane's run of dead entries goes. */
  private dropDeadHeads(): void {
    while (this.count > 0 && this.h[2] < 0) {
      const lane = -1 - this.h[2], l = this.lanes[lane];
      if (!l.headDead()) return;
      this.removeTop();
      l.skipDead();
      if (l.len > 0) this.insertEntry(l.headTime(), l.headSeq(), -1 - lane);
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
      const data = l.take();
      if (data < 0) l.skipDead();
      if (l.len > 0) this.insertEntry(l.headTime(), l.headSeq(), -1 - lane);
      if (data >= 0) return data;
      const next = this.popEntry();
      if (next >= 0) return next;
      lane = -1 - next;
    }
  }

  /** Removes the earliest entry of slot and heap (a lane's stand-in included), sets `lastTime` and `lastId`. */
  private popEntry(): number {
    const H = this.h;
    if (this.slotFull === 1) {
      const t = this.slotTime;
      if (this.count === 0 || t < H[0] || (t === H[0] && this.slotSeq < H[1])) {
        this.slotFull = 0;
        this.lastTime = t;
        this.lastId = this.slotSeq;
        return this.slotData;
      }
    }
    const data = H[2];
    this.lastTime = H[0];
    this.lastId = H[1];
    this.removeTop();
    return data;
  }

  clear(): void {
    this.size = 0;
    this.clearEntries();
    this.slotFull = 0;
    for (const l of this.lanes) l.clear();
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

/** Lane positions count modulo 2³⁰. */
const POS_MASK = 0x3fffffff;

/**
 * A FIFO ring of events in one Float64Array, three doubles per entry side by side as in the heap
 * (time, sequence, data; data −1: cancelled), growing by doubling. Its entries have consecutive
 * positions from `headPos` (the head's) on, a counter modulo 2³⁰ (small integers, never boxed),
 * and the entry at position p sits at index p & mask of the ring (its size a power of two, at
 * most 2²⁹ entries, so the index is that of p itself): a position is its own index, and only
 * differences of positions are compared.
 */
class Lane {
  len = 0;
  lastTime = -Infinity;
  headPos = 0;
  /** Ring entries − 1. */
  mask = 15;
  ring = new Float64Array(3 * 16);

  /** Index in `ring` of the head entry's time. */
  headIndex(): number {
    return 3 * (this.headPos & this.mask);
  }

  headTime(): number {
    return this.ring[this.headIndex()];
  }

  headSeq(): number {
    return this.ring[this.headIndex() + 1];
  }

  /** Takes the head off; returns its data (−1: cancelled). */
  take(): number {
    const d = this.ring[this.headIndex() + 2];
    this.headPos = (this.headPos + 1) & POS_MASK;
    this.len--;
    return d;
  }

  headDead(): boolean {
    return this.ring[this.headIndex() + 2] < 0;
  }

  /** Takes off every cancelled entry at the head. */
  skipDead(): void {
    const r = this.ring, mask = this.mask;
    let pos = this.headPos, n = this.len;
    while (n > 0 && r[3 * (pos & mask) + 2] < 0) {
      pos = (pos + 1) & POS_MASK;
      n--;
    }
    this.headPos = pos;
    this.len = n;
  }

  clear(): void {
    this.len = 0;
  }

  /** Twice the room; each entry moves to its position's index in the new ring. */
  grow(): void {
    const old = this.ring, oldMask = this.mask, mask = 2 * oldMask + 1, r = new Float64Array(3 * (mask + 1));
    for (let k = 0; k < this.len; k++) {
      const pos = this.headPos + k, i = 3 * (pos & oldMask), j = 3 * (pos & mask);
      r[j] = old[i]; r[j + 1] = old[i + 1]; r[j + 2] = old[i + 2];
    }
    this.ring = r;
    this.mask = mask;
  }
}

/**
 * Type feedback for the queue's rarely taken comparisons, before any run. Equal times (ties broken
 * by sequence) may first occur long after V8 optimized the event loop — with client timeouts, at
 * the first abandoned attempt, whose departure moves to its ghost at the same instant (near
 * request 270,000 of the default preset) — and an operation V8 never executed has no feedback:
 * reaching it discards the optimized pop and event loop, recompiled at tens of ms. So a few events
 * at equal times (front slot, heap, two lanes, one cancelled head) go through a queue here once.
 * Times are fractional, as a run's are, so that its fields take the representation a run gives
 * them. Nothing else is shared with a run.
 */
{
  const q = new EventQueue(4), a = q.addLane(), b = q.addLane();
  for (let k = 0; k < 9; k++) q.push(0.5, k);
  const id = q.pushLane(a, 0.5, 1), pos = q.lanePos;
  q.pushLane(b, 0.5, 2);
  q.pushLane(a, 1.5, 3);
  q.cancelLane(a, id, pos);
  while (q.size > 0) {
    q.peekTime();
    q.pop();
  }
}
