/**
 * The servers, as parallel typed arrays indexed by server id. Each server has `concurrency`
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
const IDLE = ServerState.Idle, BUSY = ServerState.Busy;

export class ServerPool {
  readonly size: number;
  readonly concurrency: Int32Array;
  readonly speed: Float64Array;
  readonly weight: Float64Array;
  readonly queueLimit: Int32Array;
  /** Requests in service. */
  readonly inService: Int32Array;
  /** Requests waiting. */
  readonly queueLength: Int32Array;
  /** In service + waiting: the true load (only oracle balancers may read it). */
  readonly load: Int32Array;
  readonly queueHead: Int32Array;
  readonly queueTail: Int32Array;
  readonly discipline: Uint8Array;
  readonly queueTargetMs: Float64Array;
  readonly queueIntervalMs: Float64Array;
  /** When the queue last became non-empty. */
  readonly queueBusySince: Float64Array;
  readonly state: Uint8Array;
  readonly completed: Float64Array;
  readonly dropped: Float64Array;
  /** ∫ inService dt and ∫ queueLength dt without their open intervals (see `busyTime`). */
  private readonly busyArea: Float64Array;
  private readonly queueArea: Float64Array;
  /** Time in each state, [server * 4 + state], ms. */
  readonly stateTime: Float64Array;
  /** Transition counts [from * 4 + to] over all servers. */
  readonly transitions = new Float64Array(NSTATES * NSTATES);
  private readonly stateSince: Float64Array;
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
    this.concurrency = Int32Array.from(specs, (s) => s.concurrency);
    this.speed = Float64Array.from(specs, (s) => s.speed);
    this.weight = Float64Array.from(specs, (s) => s.weight);
    this.queueLimit = Int32Array.from(specs, (s) => s.queueLimit);
    this.inService = new Int32Array(n);
    this.queueLength = new Int32Array(n);
    this.load = new Int32Array(n);
    this.queueHead = new Int32Array(n).fill(-1);
    this.queueTail = new Int32Array(n).fill(-1);
    this.discipline = Uint8Array.from(specs, (s) => DISCIPLINES.indexOf(s.discipline ?? 'fifo'));
    this.queueTargetMs = Float64Array.from(specs, (s) => s.queueTargetMs ?? 5);
    this.queueIntervalMs = Float64Array.from(specs, (s) => s.queueIntervalMs ?? 100);
    this.queueBusySince = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.completed = new Float64Array(n);
    this.dropped = new Float64Array(n);
    this.busyArea = new Float64Array(n);
    this.queueArea = new Float64Array(n);
    this.stateTime = new Float64Array(n * NSTATES);
    this.stateSince = new Float64Array(n);
  }

  /** Requests in service at server `s`. */
  inServiceOf(s: number): number {
    return this.inService[s];
  }

  /** Requests waiting at server `s`. */
  queueLengthOf(s: number): number {
    return this.queueLength[s];
  }

  /** The first and the last waiting row of server `s` (-1: none). */
  queueHeadOf(s: number): number {
    return this.queueHead[s];
  }

  queueTailOf(s: number): number {
    return this.queueTail[s];
  }

  /** Server `s`'s speed factor now. */
  speedOf(s: number): number {
    return this.speed[s];
  }

  setSpeed(s: number, speed: number): void {
    this.speed[s] = speed;
  }

  /** Completions at server `s` since the warm-up. */
  completedOf(s: number): number {
    return this.completed[s];
  }

  /** A request completed at server `s`. */
  countCompleted(s: number): void {
    this.completed[s]++;
  }

  /** ∫ inService dt over [statsSince, now]: busy slot-time of server `s`, ms. */
  busyTime(s: number): number {
    return this.busyArea[s] + this.inService[s] * this.clock.now;
  }

  /** ∫ queueLength dt over [statsSince, now], ms·requests. */
  queueTime(s: number): number {
    return this.queueArea[s] + this.queueLength[s] * this.clock.now;
  }

  setState(s: number, to: number): void {
    const from = this.state[s];
    if (from === to) return;
    const now = this.clock.now;
    if (this.checked) checkTransition(SERVER_MACHINE, ALLOWED, from, to, s);
    this.stateTime[s * NSTATES + from] += now - this.stateSince[s];
    this.stateSince[s] = now;
    this.state[s] = to;
    this.transitions[from * NSTATES + to]++;
  }

  /** Starts a request's service (slot accounting and idle → busy; a recovering server stays recovering). */
  startService(s: number): void {
    this.busyArea[s] -= this.clock.now;
    this.inService[s]++;
    this.load[s]++;
    if (this.watch !== null) this.watch.loadChanged(s);
    if (this.state[s] === IDLE) this.setState(s, BUSY);
  }

  /** Ends a request's service; the slot is free (busy → idle when it was the last). */
  endService(s: number): void {
    this.busyArea[s] += this.clock.now;
    this.inService[s]--;
    this.load[s]--;
    if (this.watch !== null) this.watch.loadChanged(s);
    if (this.inService[s] === 0 && this.state[s] === BUSY) this.setState(s, IDLE);
  }

  /** Appends request `r` to server `s`'s queue; the links are the request table's rows (`i32`). */
  enqueue(s: number, r: number, i32: Int32Array): void {
    this.queueArea[s] -= this.clock.now;
    const tail = this.queueTail[s], ri = r * ROW_I32;
    i32[ri + NEXT] = -1;
    i32[ri + PREV] = tail;
    if (tail < 0) {
      this.queueHead[s] = r;
      this.queueBusySince[s] = this.clock.now;
    } else i32[tail * ROW_I32 + NEXT] = r;
    this.queueTail[s] = r;
    this.queueLength[s]++;
    this.load[s]++;
    if (this.watch !== null) this.watch.loadChanged(s);
  }

  /** Unlinks request `r` from server `s`'s queue (wherever it is). */
  remove(s: number, r: number, i32: Int32Array): void {
    this.queueArea[s] += this.clock.now;
    const ri = r * ROW_I32, n = i32[ri + NEXT], p = i32[ri + PREV];
    if (p < 0) this.queueHead[s] = n;
    else i32[p * ROW_I32 + NEXT] = n;
    if (n < 0) this.queueTail[s] = p;
    else i32[n * ROW_I32 + PREV] = p;
    i32[ri + NEXT] = -1;
    i32[ri + PREV] = -1;
    this.queueLength[s]--;
    this.load[s]--;
    if (this.watch !== null) this.watch.loadChanged(s);
  }

  /** Puts request `g` in `r`'s place in server `s`'s queue (no change in length or load). */
  replace(s: number, r: number, g: number, i32: Int32Array): void {
    const n = i32[r * ROW_I32 + NEXT], p = i32[r * ROW_I32 + PREV];
    i32[g * ROW_I32 + NEXT] = n;
    i32[g * ROW_I32 + PREV] = p;
    if (p < 0) this.queueHead[s] = g;
    else i32[p * ROW_I32 + NEXT] = g;
    if (n < 0) this.queueTail[s] = g;
    else i32[n * ROW_I32 + PREV] = g;
  }

  /** Forgets statistics gathered before now (end of warm-up); the current state carries on. */
  resetStats(): void {
    const now = this.clock.now;
    this.statsSince = now;
    this.completed.fill(0);
    this.dropped.fill(0);
    for (let s = 0; s < this.size; s++) {
      this.busyArea[s] = -this.inService[s] * now;
      this.queueArea[s] = -this.queueLength[s] * now;
    }
    this.stateTime.fill(0);
    this.transitions.fill(0);
    this.stateSince.fill(now);
  }

  /**
   * The figures of the window [statsSince, endMs] as they stand, extended to `endMs` ≥ now as if
   * nothing changed until then (a run that ended before its window did); the frozen ones once closed.
   */
  window(endMs: number = this.clock.now): PoolWindow {
    if (this.closed) return this.closed;
    const n = this.size, end = Math.max(endMs, this.clock.now);
    const busyMs = new Float64Array(n), queueArea = new Float64Array(n), stateTimeMs = Float64Array.from(this.stateTime);
    for (let s = 0; s < n; s++) {
      busyMs[s] = this.busyArea[s] + this.inService[s] * end;
      queueArea[s] = this.queueArea[s] + this.queueLength[s] * end;
      stateTimeMs[s * NSTATES + this.state[s]] += end - this.stateSince[s];
    }
    return {
      fromMs: Math.min(this.statsSince, end), toMs: end, busyMs, queueArea, stateTimeMs,
      completed: Float64Array.from(this.completed), dropped: Float64Array.from(this.dropped),
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
    const now = this.clock.now;
    for (let s = 0; s < this.size; s++) {
      this.stateTime[s * NSTATES + this.state[s]] += now - this.stateSince[s];
      this.stateSince[s] = now;
    }
  }
}
