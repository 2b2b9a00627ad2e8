/**
 * Requests in flight, as rows of one ArrayBuffer indexed by a row id, with a free list. Memory grows
 * with the number of rows alive at once (by doubling), never with the number simulated: a row is
 * freed the moment nothing refers to it any more.
 *
 * A row is 128 bytes, two cache lines, holding what a request touches on its way (in a pool of
 * 100,000 servers every distinct line an event touches is a cache miss: 29 parallel arrays were ~20
 * lines per event, a row is 2). It is read through two views of the buffer, `f64` and `i32`: field
 * X of row r is `f64[r * ROW_F64 + F_X]` or `i32[r * ROW_I32 + I_X]`. Fields few requests use (the
 * client's retry, hedge and deadline events, the backoff) stay parallel arrays.
 *
 * A row is one of three kinds:
 * - a *primary*: the logical request (`call[r] === r`) together with its current attempt;
 * - a *hedge*: an extra attempt of primary `call[r]`;
 * - a *ghost*: work the client abandoned without cancelling (`call[r] === -1`), still holding its
 *   place at a server until it ends there.
 * Fields marked "primary" are meaningful on primaries only.
 */
import { AttemptState, RequestState } from './states.js';
import { lineAlignedBuffer } from './aligned-buffer.js';

/** Thrown by `alloc` when `maxRows` rows are alive: requests pile up faster than they end. */
export class InFlightLimitError extends RangeError {
  constructor(readonly limit: number) {
    super(`more than ${limit.toLocaleString('en')} requests in flight at once`);
    this.name = 'InFlightLimitError';
  }
}

/**
 * A row: 128 bytes (two cache lines), 16 Float64 or 32 Int32 slots. The first line holds what a
 * waiting request touches when it takes a slot (its queue links, attempt and request state,
 * cost, service times, departure id: `serveQueued` → `beginService`), which is also the only
 * line `enqueue` (the tail's next link) and `remove` (the neighbours' links) touch in other
 * requests' rows; the second the rest (arrival and send times, server, balancer, counters, key,
 * client fields, the free-list link). A departure reads both lines of its own row, and the next
 * arrival, taking the row just freed, finds both in cache.
 */
export const ROW_BYTES = 128, ROW_F64 = 16, ROW_I32 = 32;
// ---- line 0, Float64 slots 0-3 (f64[r * ROW_F64 + F_X]), Int32 slots 8-15 (i32[r * ROW_I32 + I_X])
/** Service demand in ms at speed 1.0 (drawn at arrival, the same for every balancer). */
export const F_COST = 0;
/** When the current attempt started and will finish in service. */
export const F_START = 1, F_END = 2;
/** Id of the pending departure event (lazy cancellation). */
export const F_DEPART_ID = 3;
/** Intrusive doubly linked list of a server's queue (-1 = end). */
export const I_NEXT_IN_QUEUE = 8, I_PREV_IN_QUEUE = 9;
/** AttemptState of the row's current attempt; 1 when the request arrived after the warm-up and counts in the summary. */
export const I_STATE = 10, I_MEASURED = 11;
/** The primary this row works for; itself for a primary; -1 for a ghost. Logical state (RequestState), primary. */
export const I_CALL = 12, I_CALL_STATE = 13;
/** 1 while the row's attempt is at a server (connecting, queued or in service). */
export const I_AT_SERVER = 14;
/** Head of this primary's hedge list (linked through I_NEXT_HEDGE), -1 if none. */
export const I_HEDGE_HEAD = 15;
// ---- line 1, Float64 slots 8-10, Int32 slots 22-31
/** Arrival of the logical request (primary); send time of the attempt (hedge, ghost). */
export const F_ARRIVAL = 8;
/** When the current attempt was sent (and queued: there is no network delay). */
export const F_SENT = 9;
/** Id of the pending per-attempt timeout or connection-refused event (lazy cancellation). */
export const F_TIMEOUT_ID = 10;
/** The server of the current attempt (-1 before the balancer picked one). */
export const I_SERVER = 22;
/** Which balancer instance sent the current attempt; 1 while the attempt counts in its open requests. */
export const I_BALANCER = 23, I_COUNTED = 24;
/** Attempts sent so far (incl. hedges), primary; attempts out at servers (own and hedges), primary. */
export const I_ATTEMPTS = 25, I_LIVE_ATTEMPTS = 26;
export const I_KEY = 27;
/** Closed-loop client that issued it (-1 for open arrivals), primary. */
export const I_CLIENT = 28;
/** Retries sent so far, primary. */
export const I_RETRIES = 29;
export const I_NEXT_HEDGE = 30;
/** The next free row while this one is free. */
export const I_NEXT_FREE = 31;

/**
 * The layout as this module's own private constants: V8 folds a private const into optimized
 * code, while an exported binding (like the ones above, here in their own module) is loaded from
 * its module cell with a TDZ check at every use (~10 instructions; `alloc` made 20 such loads).
 */
const RF = ROW_F64, RI = ROW_I32, DEPART_ID = F_DEPART_ID, TIMEOUT_ID = F_TIMEOUT_ID;
const CALL = I_CALL, SERVER = I_SERVER, STATE = I_STATE, CALL_STATE = I_CALL_STATE, ATTEMPTS = I_ATTEMPTS;
const LIVE_ATTEMPTS = I_LIVE_ATTEMPTS, HEDGE_HEAD = I_HEDGE_HEAD, COUNTED = I_COUNTED, AT_SERVER = I_AT_SERVER;
const NEXT_IN_QUEUE = I_NEXT_IN_QUEUE, PREV_IN_QUEUE = I_PREV_IN_QUEUE, CLIENT = I_CLIENT, RETRIES = I_RETRIES, NEXT_FREE = I_NEXT_FREE;
const REQUEST_INITIATED = RequestState.Initiated, ATTEMPT_INITIATED = AttemptState.Initiated;

export class RequestTable {
  /** Rows in use. */
  live = 0;
  /**
   * Which client fields `alloc` resets, by what the scenario uses (the model knows at the start):
   * retries (I_RETRIES, `backoffMs`, `retryId`), hedges (I_HEDGE_HEAD, `hedgeId`), the deadline
   * (`deadlineId`), closed-loop clients (I_CLIENT). Fields of a feature no request uses keep their
   * initial values in every row. Setting `clientFields` sets them all.
   */
  retryFields = true;
  hedgeFields = true;
  deadlineFields = true;
  sourceFields = true;
  /** When true (set before the first alloc), freeing a row that is already free throws. */
  checked = false;
  /** The rows (ROW_BYTES each) and their two views; all three are replaced when the table grows. */
  buffer = new ArrayBuffer(0);
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
  // ---- client fields few requests use, primary
  /** Ids of pending client events (lazy cancellation): overall deadline, retry, hedge. */
  deadlineId = new Float64Array(0);
  retryId = new Float64Array(0);
  hedgeId = new Float64Array(0);
  /** Previous backoff, for decorrelated jitter. */
  backoffMs = new Float64Array(0);
  /** 1 while the row is allocated; kept only when `checked`. */
  inUse = new Uint8Array(0);
  /** Head of the free rows, linked through I_NEXT_FREE (a stack: the last freed is taken first). */
  private freeHead = -1;
  private capacity = 0;
  /** Rows alive at once at most (requests, hedges and abandoned attempts); one more throws InFlightLimitError. */
  maxRows = 2 ** 26 - 1;

  constructor(capacity = 1024) {
    this.grow(capacity);
  }

  /** True when `alloc` resets any client field. */
  get clientFields(): boolean {
    return this.retryFields || this.hedgeFields || this.deadlineFields || this.sourceFields;
  }

  set clientFields(on: boolean) {
    this.retryFields = this.hedgeFields = this.deadlineFields = this.sourceFields = on;
  }

  /** A fresh row: a primary of itself, attempt and request `initiated`, nothing pending. */
  alloc(): number {
    if (this.freeHead < 0 || this.live >= this.maxRows) {
      if (this.live >= this.maxRows) throw new InFlightLimitError(this.maxRows);
      this.grow(Math.min(this.capacity * 2, this.maxRows));
    }
    const r = this.freeHead, f = this.f64, i = this.i32, rf = r * RF, ri = r * RI;
    this.freeHead = i[ri + NEXT_FREE];
    i[ri + CALL] = r;
    i[ri + CALL_STATE] = REQUEST_INITIATED;
    i[ri + STATE] = ATTEMPT_INITIATED;
    i[ri + ATTEMPTS] = 0;
    i[ri + LIVE_ATTEMPTS] = 0;
    f[rf + DEPART_ID] = -1;
    f[rf + TIMEOUT_ID] = -1;
    i[ri + SERVER] = -1;
    i[ri + AT_SERVER] = 0;
    i[ri + COUNTED] = 0;
    i[ri + NEXT_IN_QUEUE] = -1;
    i[ri + PREV_IN_QUEUE] = -1;
    if (this.retryFields) {
      i[ri + RETRIES] = 0;
      this.backoffMs[r] = 0;
      this.retryId[r] = -1;
    }
    if (this.hedgeFields) {
      i[ri + HEDGE_HEAD] = -1;
      this.hedgeId[r] = -1;
    }
    if (this.deadlineFields) this.deadlineId[r] = -1;
    if (this.sourceFields) i[ri + CLIENT] = -1;
    if (this.checked) this.inUse[r] = 1;
    this.live++;
    return r;
  }

  /** Frees row `r`. Its fields stay as they are until `alloc` resets them, but I_AT_SERVER must be 0. */
  release(r: number): void {
    if (this.checked) {
      if (this.inUse[r] !== 1) throw new Error(`request row ${r} freed twice`);
      this.inUse[r] = 0;
    }
    this.i32[r * RI + NEXT_FREE] = this.freeHead;
    this.freeHead = r;
    this.live--;
  }

  get size(): number {
    return this.capacity;
  }

  /**
   * Room for `cap` rows: a new buffer with the rows copied, and every parallel array (a subclass's
   * too) as long. New rows go on the free list, the lowest taken first.
   */
  protected grow(cap: number): void {
    const old = this.capacity;
    if (cap > old) {
      const buffer = lineAlignedBuffer(cap * ROW_BYTES);
      new Uint8Array(buffer).set(new Uint8Array(this.buffer, 0, old * ROW_BYTES));
      this.buffer = buffer;
      this.f64 = new Float64Array(buffer, 0, cap * ROW_F64);
      this.i32 = new Int32Array(buffer, 0, cap * ROW_I32);
      const i = this.i32;
      for (let r = cap - 1; r >= old; r--) {
        i[r * ROW_I32 + I_HEDGE_HEAD] = -1;
        i[r * ROW_I32 + I_CLIENT] = -1;
        i[r * ROW_I32 + I_NEXT_FREE] = this.freeHead;
        this.freeHead = r;
      }
      this.capacity = cap;
    }
    const self = this as unknown as Record<string, Float64Array | Int32Array | Uint8Array>;
    for (const name of Object.keys(self)) {
      const a = self[name];
      if (name === 'f64' || name === 'i32' || !ArrayBuffer.isView(a) || a.length >= cap) continue;
      const b = new (a.constructor as new (n: number) => typeof a)(cap);
      b.set(a);
      self[name] = b;
    }
    for (const a of [this.deadlineId, this.retryId, this.hedgeId]) a.fill(-1, old);
  }
}
