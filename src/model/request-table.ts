/**
 * Requests in flight, as parallel typed arrays indexed by a row id, with a free list. Memory grows
 * with the number of rows alive at once (by doubling), never with the number simulated: a row is
 * freed the moment nothing refers to it any more.
 *
 * A row is one of three kinds:
 * - a *primary*: the logical request (`call[r] === r`) together with its current attempt;
 * - a *hedge*: an extra attempt of primary `call[r]`;
 * - a *ghost*: work the client abandoned without cancelling (`call[r] === -1`), still holding its
 *   place at a server until it ends there.
 * Fields marked "primary" are meaningful on primaries only.
 */
import { AttemptState, RequestState } from './states.js';

/** Thrown by `alloc` when `maxRows` rows are alive: requests pile up faster than they end. */
export class InFlightLimitError extends RangeError {
  constructor(readonly limit: number) {
    super(`more than ${limit.toLocaleString('en')} requests in flight at once`);
    this.name = 'InFlightLimitError';
  }
}

export class RequestTable {
  /** Rows in use. */
  live = 0;
  /**
   * Which client fields `alloc` resets, by what the scenario uses (the model knows at the start):
   * retries (`retries`, `backoffMs`, `retryId`), hedges (`hedgeHead`, `hedgeId`), the deadline
   * (`deadlineId`), closed-loop clients (`client`). Fields of a feature no request uses keep their
   * initial values in every row. Setting `clientFields` sets them all.
   */
  retryFields = true;
  hedgeFields = true;
  deadlineFields = true;
  sourceFields = true;
  /** When true (set before the first alloc), freeing a row that is already free throws. */
  checked = false;
  // ---- the logical request (primary rows)
  /** Arrival of the logical request (primary); send time of the attempt (hedge, ghost). */
  arrivalMs = new Float64Array(0);
  /** Service demand in ms at speed 1.0 (drawn at arrival, the same for every balancer). */
  costMs = new Float64Array(0);
  key = new Int32Array(0);
  /** The primary this row works for; itself for a primary; -1 for a ghost. */
  call = new Int32Array(0);
  /** Logical state (RequestState), primary. */
  callState = new Uint8Array(0);
  /** Attempts sent so far (incl. hedges), primary. */
  attempts = new Int32Array(0);
  /** Retries sent so far, primary. */
  retries = new Int32Array(0);
  /** Attempts out at servers (own and hedges), primary. */
  liveAttempts = new Int32Array(0);
  /** Head of this primary's hedge list (linked through `nextHedge`), -1 if none. */
  hedgeHead = new Int32Array(0);
  nextHedge = new Int32Array(0);
  /** Ids of pending client events (lazy cancellation), primary: overall deadline, retry, hedge. */
  deadlineId = new Float64Array(0);
  retryId = new Float64Array(0);
  hedgeId = new Float64Array(0);
  /** Previous backoff, for decorrelated jitter, primary. */
  backoffMs = new Float64Array(0);
  /** Closed-loop client that issued it (-1 for open arrivals), primary. */
  client = new Int32Array(0);
  /** 1 when the request arrived after the warm-up and counts in the summary. */
  measured = new Uint8Array(0);
  // ---- the attempt held by this row
  /** AttemptState of the row's current attempt. */
  state = new Uint8Array(0);
  /** 1 while the row's attempt is at a server (connecting, queued or in service). */
  atServer = new Uint8Array(0);
  /** When the current attempt was sent (and queued: there is no network delay). */
  sentMs = new Float64Array(0);
  startMs = new Float64Array(0);
  /** When the attempt in service will finish. */
  endMs = new Float64Array(0);
  /** Id of the pending departure event (lazy cancellation). */
  departId = new Float64Array(0);
  /** Id of the pending per-attempt timeout or connection-refused event. */
  timeoutId = new Float64Array(0);
  server = new Int32Array(0);
  /** Which balancer instance sent the current attempt. */
  balancer = new Int32Array(0);
  /** 1 while the attempt counts in its balancer's open requests. */
  counted = new Uint8Array(0);
  /** Intrusive doubly linked list of a server's queue (-1 = end). */
  nextInQueue = new Int32Array(0);
  prevInQueue = new Int32Array(0);
  /** 1 while the row is allocated; kept only when `checked`. */
  inUse = new Uint8Array(0);
  private free = new Int32Array(0);
  private freeTop = 0;
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
    if (this.freeTop === 0 || this.live >= this.maxRows) {
      if (this.live >= this.maxRows) throw new InFlightLimitError(this.maxRows);
      this.grow(Math.min(this.capacity * 2, this.maxRows));
    }
    const r = this.free[--this.freeTop];
    this.call[r] = r;
    this.callState[r] = RequestState.Initiated;
    this.state[r] = AttemptState.Initiated;
    this.attempts[r] = 0;
    this.liveAttempts[r] = 0;
    this.departId[r] = -1;
    this.timeoutId[r] = -1;
    this.server[r] = -1;
    this.atServer[r] = 0;
    this.counted[r] = 0;
    this.nextInQueue[r] = -1;
    this.prevInQueue[r] = -1;
    if (this.retryFields) {
      this.retries[r] = 0;
      this.backoffMs[r] = 0;
      this.retryId[r] = -1;
    }
    if (this.hedgeFields) {
      this.hedgeHead[r] = -1;
      this.hedgeId[r] = -1;
    }
    if (this.deadlineFields) this.deadlineId[r] = -1;
    if (this.sourceFields) this.client[r] = -1;
    if (this.checked) this.inUse[r] = 1;
    this.live++;
    return r;
  }

  /** Frees row `r`. Its fields stay as they are until `alloc` resets them, but `atServer` must be 0. */
  release(r: number): void {
    if (this.checked) {
      if (this.inUse[r] !== 1) throw new Error(`request row ${r} freed twice`);
      this.inUse[r] = 0;
    }
    this.free[this.freeTop++] = r;
    this.live--;
  }

  get size(): number {
    return this.capacity;
  }

  protected grow(cap: number): void {
    const old = this.capacity;
    const self = this as unknown as Record<string, Float64Array | Int32Array | Uint8Array>;
    for (const name of Object.keys(self)) {
      const a = self[name];
      if (name === 'free' || !ArrayBuffer.isView(a)) continue;
      const b = new (a.constructor as new (n: number) => typeof a)(cap);
      b.set(a);
      self[name] = b;
    }
    for (const a of [this.hedgeHead, this.deadlineId, this.retryId, this.hedgeId, this.client]) a.fill(-1, old);
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    for (let i = cap - 1; i >= old; i--) free[this.freeTop++] = i;
    this.free = free;
    this.capacity = cap;
  }
}
