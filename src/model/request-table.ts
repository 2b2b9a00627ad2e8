/**
 * Requests in flight, as parallel typed arrays indexed by a slot id, with a free list.
 * Memory grows with the number of requests in flight at once (by doubling), never with the
 * number simulated: a slot is freed the moment its request reaches a terminal state.
 */
import { RequestState } from './states.js';

export class RequestTable {
  /** Slots in use. */
  live = 0;
  arrivalMs: Float64Array;
  /** Service demand in ms at speed 1.0 (drawn at arrival, so it is the same for every balancer). */
  costMs: Float64Array;
  startMs: Float64Array;
  /** Id of the request's pending departure event (lazy cancellation). */
  departId: Float64Array;
  server: Int32Array;
  /** Intrusive link of a server's FIFO queue (-1 = end). */
  nextInQueue: Int32Array;
  key: Int32Array;
  /** Which balancer instance dispatched the request. */
  balancer: Int32Array;
  state: Uint8Array;
  /** 1 when the request arrived after the warm-up and counts in the summary. */
  measured: Uint8Array;
  private free: Int32Array;
  private freeTop = 0;
  private capacity: number;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.arrivalMs = new Float64Array(capacity);
    this.costMs = new Float64Array(capacity);
    this.startMs = new Float64Array(capacity);
    this.departId = new Float64Array(capacity);
    this.server = new Int32Array(capacity);
    this.nextInQueue = new Int32Array(capacity);
    this.key = new Int32Array(capacity);
    this.balancer = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.measured = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  /** A fresh slot in state `initiated`. */
  alloc(): number {
    if (this.freeTop === 0) this.grow();
    const id = this.free[--this.freeTop];
    this.state[id] = RequestState.Initiated;
    this.nextInQueue[id] = -1;
    this.server[id] = -1;
    this.departId[id] = -1;
    this.live++;
    return id;
  }

  release(id: number): void {
    this.free[this.freeTop++] = id;
    this.live--;
  }

  get size(): number {
    return this.capacity;
  }

  private grow(): void {
    const old = this.capacity, cap = old * 2;
    const f64 = (a: Float64Array) => { const b = new Float64Array(cap); b.set(a); return b; };
    const i32 = (a: Int32Array) => { const b = new Int32Array(cap); b.set(a); return b; };
    const u8 = (a: Uint8Array) => { const b = new Uint8Array(cap); b.set(a); return b; };
    this.arrivalMs = f64(this.arrivalMs);
    this.costMs = f64(this.costMs);
    this.startMs = f64(this.startMs);
    this.departId = f64(this.departId);
    this.server = i32(this.server);
    this.nextInQueue = i32(this.nextInQueue);
    this.key = i32(this.key);
    this.balancer = i32(this.balancer);
    this.state = u8(this.state);
    this.measured = u8(this.measured);
    this.free = new Int32Array(cap);
    for (let i = old; i < cap; i++) this.free[this.freeTop++] = cap - 1 - (i - old);
    this.capacity = cap;
  }
}
