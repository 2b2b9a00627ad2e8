/**
 * The servers, indexed by server id: what every arrival and departure touches in the first 64-byte
 * line of a 128-byte row per server, the time per state in its second (`f64`/`i32` views of one
 * line-aligned buffer, see aligned-buffer.ts, at the S_* offsets, as the request table's rows),
 * the rest in parallel typed arrays (fixed settings, state, load, drops).
 * Each server has `concurrency`
 * slots, a `speed` factor (a request of cost c takes c / speed ms), a FIFO queue of waiting
 * requests (an intrusive list through the request table) bounded by `queueLimit` (waiting
 * requests only; -1 = unbounded), and a state: idle ⇄ busy (failed / recovering are reserved).
 *
 * Time-weighted statistics (busy slot-time, queue length, time per state) are kept from
 * `statsSince` (the end of the warm-up) onwards; `closeWindow` freezes them at the end of the
 * measurement window (the model's last arrival or stop time) while the run drains. ∫ inService dt is integrated by event times:
 * −t when a service starts, +t when it ends, + inService · now when read (likewise the queue), so
 * a change costs one addition. Changes happen at the time of
 * `clock` (the simulation): the methods take only integers, so a call V8 does not inline never
 * boxes a double.
 */
import { SERVER_MACHINE, SERVER_STATE_NAMES, ServerState, transitionTable, checkTransition } from './states.js';
import * as rows from './request-table.js';
import { lineAlignedBuffer } from './aligned-buffer.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { I_NEXT_IN_QUEUE: NEXT, I_PREV_IN_QUEUE: PREV, ROW_I32 } = rows;

export interface ServerSpec {
  concurrency: number;
  speed: number;
  weight: number;
  /** Waiting room; -1 = unbounded, 0 = none. */
  queueLimit: number;
  /** Which waiting request a free slot takes (default fifo). See `Discipline`. */
  discipline?: DisciplineName;
  /** adaptive-lifo: the queueing-time bound while overloaded, ms (default 5). */
  queueTargetMs?: number;
  /** adaptive-lifo: overloaded once the queue has not been empty for this long; also the bound otherwise (default 100). */
  queueIntervalMs?: number;
}

/**
 * fifo: oldest first. lifo: newest first. adaptive-lifo (Facebook's adaptive LIFO with CoDel-style
 * controlled delay, "Fail at Scale", ACM Queue 2015): FIFO normally, shedding requests that waited
 * longer than `queueIntervalMs`; once the queue has not been empty for `queueIntervalMs` the server
 * is overloaded and serves newest first, shedding requests that waited longer than `queueTargetMs`.
 */
export const Discipline = { Fifo: 0, Lifo: 1, AdaptiveLifo: 2 } as const;
export const DISCIPLINES = ['fifo', 'lifo', 'adaptive-lifo'] as const;
export type DisciplineName = (typeof DISCIPLINES)[number];

const NSTATES = SERVER_STATE_NAMES.length;

/**
 * The servers' figures over a measurement window [fromMs, toMs]: busy slot-time and queue area
 * (ms, ms·requests), time per state ([server * 4 + state], ms), completions and drops inside it.
 */
export interface PoolWindow {
  fromMs: number;
  toMs: number;
  busyMs: Float64Array;
  queueArea: Float64Array;
  stateTimeMs: Float64Array;
  completed: Float64Array;
  dropped: Float64Array;
}
const ALLOWED = transitionTable(SERVER_MACHINE);
/** Imported states as module constants (an import is loaded from its module cell, with a TDZ check, at every use). */
const IDLE = ServerState.Idle, BUSY = ServerState.Busy, ADAPTIVE = Discipline.AdaptiveLifo;

/**
 * A server's row: 128 bytes, two cache lines, 16 Float64 or 32 Int32 slots. The first line holds
 * what every arrival and departure touches (the S_* slots below), the second the time per state
 * (touched at idle ⇄ busy changes only: on the same page as the first line, so that change costs
 * no TLB miss of its own).
 */
export const SERVER_ROW_BYTES = 128, SERVER_ROW_F64 = 16, SERVER_ROW_I32 = 32;
// ---- line 0, Float64 slots 0-3 (f64[s * SERVER_ROW_F64 + S_X])
/** ∫ inService dt and ∫ queueLength dt without their open intervals (see `busyTime`). */
export const S_BUSY_AREA = 0, S_QUEUE_AREA = 1;
/** The speed factor now (a request of cost c takes c / speed ms); completions (since the warm-up). */
export const S_SPEED = 2, S_COMPLETED = 3;
// ---- line 0, Int32 slots 8-15 (i32[s * SERVER_ROW_I32 + S_X])
/** Requests in service; slots (the same as `concurrency[s]`). */
export const S_IN_SERVICE = 8, S_CONCURRENCY = 9;
/** Waiting room (the same as `queueLimit[s]`); requests waiting. */
export const S_QUEUE_LIMIT = 10, S_QUEUE_LENGTH = 11;
/** The queue's first and last rows (-1: empty), linked through the request table. */
export const S_QUEUE_HEAD = 12, S_QUEUE_TAIL = 13;
/** The single-pool model's chain of rows in service (-1: none); see AttemptFlow. */
export const S_SERVING = 14;
/** `Discipline` (the same as `discipline[s]`). */
export const S_DISCIPLINE = 15;
/** Line 1, Float64 slots 8-12 (f64[s * SERVER_ROW_F64 + BOOK + k]): time in each state (k = 0-3), since when in the current one (k = SINCE). */
const BOOK = 8, SINCE = 4;

/** The layout as this module's private constants (see request-table.ts: V8 folds these, not exports). */
const SF = SERVER_ROW_F64, SI = SERVER_ROW_I32, BUSY_AREA = S_BUSY_AREA, QUEUE_AREA = S_QUEUE_AREA, COMPLETED = S_COMPLETED;
const IN_SERVICE = S_IN_SERVICE, QUEUE_LENGTH = S_QUEUE_LENGTH, HEAD = S_QUEUE_HEAD, TAIL = S_QUEUE_TAIL, DISCIPLINE = S_DISCIPLINE;

export class ServerPool {
  readonly size: number;
  /**
   * What every arrival and departure reads or writes, one 64-byte line per server, and its time
   * per state in the next (in a pool of 100,000 servers each distinct line an event touches is a
   * cache miss: the fields as parallel arrays were ~9 lines per event). Field X of server s: `f64[s * SERVER_ROW_F64 + S_X]` or
   * `i32[s * SERVER_ROW_I32 + S_X]`; the accessors below read them for everyone else.
   */
  readonly rows: ArrayBuffer;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** Fixed per server (copies of the rows' slots, for readers of the whole array). */
  readonly concurrency: Int32Array;
  readonly queueLimit: Int32Array;
  readonly discipline: Uint8Array;
  readonly weight: Float64Array;
  readonly queueTargetMs: Float64Array;
  readonly queueIntervalMs: Float64Array;
  /**
   * In service + waiting per server, kept only once someone has read `load` (the oracle balancers'
   * `trueLoad`, reported views, a topology's services): until then each change would touch one
   * more line for nobody.
   */
  private readonly loads: Int32Array;
  private keepsLoad = false;
  /** When the queue last became non-empty (adaptive-lifo servers only: no one else reads it). */
  readonly queueBusySince: Float64Array;
  readonly state: Uint8Array;
  readonly dropped: Float64Array;
  /** Transition counts [from * 4 + to] over all servers. */
  readonly transitions = new Float64Array(NSTATES * NSTATES);
  statsSince = 0;
  /** The measurement window's figures once `closeWindow` froze them; null while it is open. */
  closed: PoolWindow | null = null;
  /** When true, every state change is checked against SERVER_MACHINE. */
  checked = false;
  /** Told of every change of `load` (set when a balancer indexes it); null: nobody is. */
  watch: { loadChanged(server: number): void } | null = null;

  /** `clock`: where the current time is read (the model's Simulation). */
  constructor(specs: readonly ServerSpec[], private readonly clock: { readonly now: number }) {
    const n = (this.size = specs.length);
    this.rows = lineAlignedBuffer(n * SERVER_ROW_BYTES);
    const f = (this.f64 = new Float64Array(this.rows, 0, n * SF)), i = (this.i32 = new Int32Array(this.rows, 0, n * SI));
    this.concurrency = Int32Array.from(specs, (s) => s.concurrency);
    this.weight = Float64Array.from(specs, (s) => s.weight);
    this.queueLimit = Int32Array.from(specs, (s) => s.queueLimit);
    this.loads = new Int32Array(n);
    this.discipline = Uint8Array.from(specs, (s) => DISCIPLINES.indexOf(s.discipline ?? 'fifo'));
    this.queueTargetMs = Float64Array.from(specs, (s) => s.queueTargetMs ?? 5);
    this.queueIntervalMs = Float64Array.from(specs, (s) => s.queueIntervalMs ?? 100);
    this.queueBusySince = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.dropped = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      f[s * SF + S_SPEED] = specs[s].speed;
      i[s * SI + S_CONCURRENCY] = this.concurrency[s];
      i[s * SI + S_QUEUE_LIMIT] = this.queueLimit[s];
      i[s * SI + S_QUEUE_HEAD] = -1;
      i[s * SI + S_QUEUE_TAIL] = -1;
      i[s * SI + S_SERVING] = -1;
      i[s * SI + S_DISCIPLINE] = this.discipline[s];
    }
  }

  /**
   * In service + waiting: the true load (only oracle balancers may read it). Live from the first
   * read on (filled from the rows then, kept in step after).
   */
  get load(): Int32Array {
    if (!this.keepsLoad) {
      const i = this.i32, loads = this.loads;
      for (let s = 0; s < this.size; s++) loads[s] = i[s * SI + IN_SERVICE] + i[s * SI + QUEUE_LENGTH];
      this.keepsLoad = true;
    }
    return this.loads;
  }

  /** Requests in service at server `s`. */
  inServiceOf(s: number): number {
    return this.i32[s * SI + IN_SERVICE];
  }

  /** Requests waiting at server `s`. */
  queueLengthOf(s: number): number {
    return this.i32[s * SI + QUEUE_LENGTH];
  }

  /** The first and the last waiting row of server `s` (-1: none). */
  queueHeadOf(s: number): number {
    return this.i32[s * SI + HEAD];
  }

  queueTailOf(s: number): number {
    return this.i32[s * SI + TAIL];
  }

  /** Server `s`'s speed factor now. */
  speedOf(s: number): number {
    return this.f64[s * SF + S_SPEED];
  }

  setSpeed(s: number, speed: number): void {
    this.f64[s * SF + S_SPEED] = speed;
  }

  /** Completions at server `s` since the warm-up. */
  completedOf(s: number): number {
    return this.f64[s * SF + COMPLETED];
  }

  /** A request completed at server `s` (the topology's count; the single pool's short path writes the row). */
  countCompleted(s: number): void {
    this.f64[s * SF + COMPLETED]++;
  }

  /** Time in each state, [server * 4 + state], ms (a copy; open intervals not included). */
  get stateTime(): Float64Array {
    const out = new Float64Array(this.size * NSTATES), books = this.f64;
    for (let s = 0; s < this.size; s++) for (let k = 0; k < NSTATES; k++) out[s * NSTATES + k] = books[s * SF + BOOK + k];
    return out;
  }

  /** ∫ inService dt over [statsSince, now]: busy slot-time of server `s`, ms. */
  busyTime(s: number): number {
    return this.f64[s * SF + BUSY_AREA] + this.i32[s * SI + IN_SERVICE] * this.clock.now;
  }

  /** ∫ queueLength dt over [statsSince, now], ms·requests. */
  queueTime(s: number): number {
    return this.f64[s * SF + QUEUE_AREA] + this.i32[s * SI + QUEUE_LENGTH] * this.clock.now;
  }

  setState(s: number, to: number): void {
    const from = this.state[s];
    if (from === to) return;
    const now = this.clock.now, books = this.f64, b = s * SF + BOOK;
    if (this.checked) checkTransition(SERVER_MACHINE, ALLOWED, from, to, s);
    books[b + from] += now - books[b + SINCE];
    books[b + SINCE] = now;
    this.state[s] = to;
    this.transitions[from * NSTATES + to]++;
  }

  /** Starts a request's service (slot accounting and idle → busy; a recovering server stays recovering). */
  startService(s: number): void {
    const f = this.f64, i = this.i32;
    f[s * SF + BUSY_AREA] -= this.clock.now;
    i[s * SI + IN_SERVICE]++;
    if (this.keepsLoad) this.loads[s]++;
    if (this.watch !== null) this.watch.loadChanged(s);
    if (this.state[s] === IDLE) this.setState(s, BUSY);
  }

  /** Ends a request's service; the slot is free (busy → idle when it was the last). */
  endService(s: number): void {
    const f = this.f64, i = this.i32, si = s * SI;
    f[s * SF + BUSY_AREA] += this.clock.now;
    const left = --i[si + IN_SERVICE];
    if (this.keepsLoad) this.loads[s]--;
    if (this.watch !== null) this.watch.loadChanged(s);
    if (left === 0 && this.state[s] === BUSY) this.setState(s, IDLE);
  }

  /** Appends request `r` to server `s`'s queue; the links are the request table's rows (`rowsI32`). */
  enqueue(s: number, r: number, rowsI32: Int32Array): void {
    const i = this.i32, si = s * SI, now = this.clock.now;
    this.f64[s * SF + QUEUE_AREA] -= now;
    const tail = i[si + TAIL], ri = r * ROW_I32;
    rowsI32[ri + NEXT] = -1;
    rowsI32[ri + PREV] = tail;
    if (tail < 0) {
      i[si + HEAD] = r;
      if (i[si + DISCIPLINE] === ADAPTIVE) this.queueBusySince[s] = now;
    } else rowsI32[tail * ROW_I32 + NEXT] = r;
    i[si + TAIL] = r;
    i[si + QUEUE_LENGTH]++;
    if (this.keepsLoad) this.loads[s]++;
    if (this.watch !== null) this.watch.loadChanged(s);
  }

  /** Unlinks request `r` from server `s`'s queue (wherever it is). */
  remove(s: number, r: number, rowsI32: Int32Array): void {
    const i = this.i32, si = s * SI;
    this.f64[s * SF + QUEUE_AREA] += this.clock.now;
    const ri = r * ROW_I32, n = rowsI32[ri + NEXT], p = rowsI32[ri + PREV];
    if (p < 0) i[si + HEAD] = n;
    else rowsI32[p * ROW_I32 + NEXT] = n;
    if (n < 0) i[si + TAIL] = p;
    else rowsI32[n * ROW_I32 + PREV] = p;
    rowsI32[ri + NEXT] = -1;
    rowsI32[ri + PREV] = -1;
    i[si + QUEUE_LENGTH]--;
    if (this.keepsLoad) this.loads[s]--;
    if (this.watch !== null) this.watch.loadChanged(s);
  }

  /** Puts request `g` in `r`'s place in server `s`'s queue (no change in length or load). */
  replace(s: number, r: number, g: number, rowsI32: Int32Array): void {
    const n = rowsI32[r * ROW_I32 + NEXT], p = rowsI32[r * ROW_I32 + PREV];
    rowsI32[g * ROW_I32 + NEXT] = n;
    rowsI32[g * ROW_I32 + PREV] = p;
    if (p < 0) this.i32[s * SI + HEAD] = g;
    else rowsI32[p * ROW_I32 + NEXT] = g;
    if (n < 0) this.i32[s * SI + TAIL] = g;
    else rowsI32[n * ROW_I32 + PREV] = g;
  }

  /** Forgets statistics gathered before now (end of warm-up); the current state carries on. */
  resetStats(): void {
    const now = this.clock.now, f = this.f64, i = this.i32;
    this.statsSince = now;
    this.dropped.fill(0);
    for (let s = 0; s < this.size; s++) {
      f[s * SF + COMPLETED] = 0;
      f[s * SF + BUSY_AREA] = -i[s * SI + IN_SERVICE] * now;
      f[s * SF + QUEUE_AREA] = -i[s * SI + QUEUE_LENGTH] * now;
      for (let k = 0; k < NSTATES; k++) f[s * SF + BOOK + k] = 0;
      f[s * SF + BOOK + SINCE] = now;
    }
    this.transitions.fill(0);
  }

  /**
   * The figures of the window [statsSince, endMs] as they stand, extended to `endMs` ≥ now as if
   * nothing changed until then (a run that ended before its window did); the frozen ones once closed.
   */
  window(endMs: number = this.clock.now): PoolWindow {
    if (this.closed) return this.closed;
    const n = this.size, end = Math.max(endMs, this.clock.now), f = this.f64, i = this.i32;
    const busyMs = new Float64Array(n), queueArea = new Float64Array(n), stateTimeMs = this.stateTime, completed = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      busyMs[s] = f[s * SF + BUSY_AREA] + i[s * SI + IN_SERVICE] * end;
      queueArea[s] = f[s * SF + QUEUE_AREA] + i[s * SI + QUEUE_LENGTH] * end;
      stateTimeMs[s * NSTATES + this.state[s]] += end - f[s * SF + BOOK + SINCE];
      completed[s] = f[s * SF + COMPLETED];
    }
    return {
      fromMs: Math.min(this.statsSince, end), toMs: end, busyMs, queueArea, stateTimeMs,
      completed, dropped: Float64Array.from(this.dropped),
    };
  }

  /**
   * Ends the measurement window at `endMs` (≥ now; later only when nothing changes until then):
   * its figures are frozen (see `window`). `empty`: nothing was measured (the window closed before
   * the warm-up ended); every figure is 0.
   */
  closeWindow(endMs: number = this.clock.now, empty = false): void {
    if (this.closed) return;
    if (empty) {
      const n = this.size, t = Math.max(endMs, this.clock.now);
      this.closed = {
        fromMs: t, toMs: t, busyMs: new Float64Array(n), queueArea: new Float64Array(n),
        stateTimeMs: new Float64Array(n * NSTATES), completed: new Float64Array(n), dropped: new Float64Array(n),
      };
    } else {
      this.closed = this.window(endMs);
    }
  }

  /** Closes the books now: every server's time in its current state is added up to now. */
  flush(): void {
    const now = this.clock.now, books = this.f64;
    for (let s = 0; s < this.size; s++) {
      books[s * SF + BOOK + this.state[s]] += now - books[s * SF + BOOK + SINCE];
      books[s * SF + BOOK + SINCE] = now;
    }
  }
}
