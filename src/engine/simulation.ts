/**
 * The simulation kernel: a clock and an event queue. It knows nothing of servers, requests or
 * balancers; a `Handler` (the model) receives each event as two small integers and dispatches
 * them in one `switch`. Time is milliseconds, float64.
 */
import { EventQueue } from './event-queue.js';

/** Event kinds occupy the low KIND_BITS bits of an event's data; the target the rest. */
export const KIND_BITS = 5;
export const KIND_MASK = (1 << KIND_BITS) - 1;
/** Largest target index an event can carry. */
export const MAX_TARGET = (1 << (31 - KIND_BITS)) - 1;

/** Events in a row at one instant before a run is declared stalled (a zero-delay loop). */
export const STALL_LIMIT = 10_000_000;

/** Thrown when simulated time stops advancing: STALL_LIMIT events in a row at the same instant. */
export class SimulationStalledError extends Error {
  constructor(readonly atMs: number) {
    super(
      `simulated time stopped advancing at ${atMs} ms: ${STALL_LIMIT.toLocaleString('en')} events in a row at the same instant ` +
        '(a loop with zero delays, e.g. closed-loop clients with zero think time whose requests fail at once)',
    );
    this.name = 'SimulationStalledError';
  }
}

/**
 * Latest time an event may be scheduled at, ms (≈ 317 years). Beyond it float64 ms lose the
 * precision a simulation needs (the spacing of doubles near 10¹³ ms is 2 µs, near 10¹⁶ a whole
 * ms): a 1 ms service after a 10¹⁶ ms one would vanish. Scenario times (stop.timeMs, traces) are
 * bounded by 10¹², leaving room for the work that follows them.
 */
export const MAX_TIME_MS = 1e13;

/** Private copies for this module's hot code: V8 loads an exported binding from its module cell, with a hole check, at every use (see e15c31d); a private const is folded. */
const BITS = KIND_BITS, MASK = KIND_MASK, MAX_TIME = MAX_TIME_MS, STALL = STALL_LIMIT;

/** Thrown when an event would be scheduled after MAX_TIME_MS. */
export class TimeLimitError extends Error {
  constructor(readonly atMs: number, readonly nowMs: number) {
    super(`an event at ${atMs} ms is beyond ${MAX_TIME_MS} ms (≈ 317 years), where times in ms stop being exact`);
    this.name = 'TimeLimitError';
  }
}

/** Thrown when a run reaches `Simulation.eventLimit` events (a bound against runs that never end). */
export class EventLimitError extends Error {
  constructor(readonly limit: number, readonly atMs: number) {
    super(`the run reached its limit of ${limit.toLocaleString('en')} events at ${atMs} ms`);
    this.name = 'EventLimitError';
  }
}

export interface Handler {
  /** Called for every event, with `sim.now` already advanced to the event's time. */
  handle(kind: number, target: number): void;
}

export class Simulation {
  /** Current simulated time in ms. */
  now = 0;
  /** Number of events handled so far. */
  events = 0;
  readonly queue = new EventQueue();
  /**
   * Events a run may handle in all; the next one throws EventLimitError. Its owner may raise it
   * as the run goes (e.g. per arrival).
   */
  eventLimit = Infinity;
  /** Set by `stop()`; a run loop ends after the event being handled when it is true. */
  stopped = false;
  /** Events handled in a row at the current instant (stall detection). */
  private sameTime = 0;
  private handler: Handler | null = null;

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  /** Schedules event `kind` (0..31) for `target` at absolute time `atMs` (≥ now); returns its id. */
  schedule(atMs: number, kind: number, target: number): number {
    if (!(atMs >= this.now && atMs <= MAX_TIME)) this.refuse(atMs);
    return this.queue.push(atMs, (target << BITS) | kind);
  }

  /** A FIFO lane for events due a fixed delay after now (see EventQueue.pushLane); returns its number. */
  addLane(): number {
    return this.queue.addLane();
  }

  /**
   * `schedule`, through FIFO lane `lane`: for events due a fixed delay after now, in the order
   * scheduled. Returns the id; the event's position in the lane, for `cancelLane`, is `lanePos`.
   */
  scheduleLane(lane: number, atMs: number, kind: number, target: number): number {
    if (!(atMs >= this.now && atMs <= MAX_TIME)) this.refuse(atMs);
    return this.queue.pushLane(lane, atMs, (target << BITS) | kind);
  }

  /** Position in its lane of the event the last `scheduleLane` scheduled (a small integer). */
  get lanePos(): number {
    return this.queue.lanePos;
  }

  /**
   * Cancels event `id` scheduled through lane `lane` at position `pos` (see
   * EventQueue.cancelLane; O(1)): it is never handled nor counted in `events`. False when it
   * cannot (already handled, sent to the heap, not of this lane): keep ignoring it by its id when
   * it comes, as for any event.
   */
  cancelLane(lane: number, id: number, pos: number): boolean {
    return this.queue.cancelLane(lane, id, pos);
  }

  /** Id of the event being handled (for lazy cancellation: compare with an id you kept). */
  get currentEventId(): number {
    return this.queue.lastId;
  }

  /** Time of the next event, Infinity when none is left. */
  peek(): number {
    return this.queue.peekTime();
  }

  /** Handles the next event; false when the queue is empty. */
  step(): boolean {
    const q = this.queue;
    if (q.size === 0) return false;
    const data = this.nextEvent();
    this.handler!.handle(data & MASK, data >>> BITS);
    return true;
  }

  /**
   * Handles every event with time ≤ `tMs`, then sets the clock to `tMs` (so an animation can
   * advance in slices and read a consistent state between them). Returns events handled.
   * `handler` replaces the one set for this run (a model's short path).
   */
  runUntil(tMs: number, handler: Handler = this.handler!): number {
    const q = this.queue, h = handler;
    if (Number.isNaN(tMs)) throw new RangeError('runUntil: the time is NaN');
    const start = this.events;
    const bounded = tMs !== Infinity;
    this.stopped = false;
    while (q.size > 0 && !this.stopped) {
      if (bounded && q.peekTime() > tMs) break;
      const data = this.nextEvent();
      h.handle(data & MASK, data >>> BITS);
    }
    if (!this.stopped && tMs > this.now && tMs !== Infinity) this.now = tMs;
    return this.events - start;
  }

  /**
   * Takes the next event off the queue (not empty): the clock moves to its time, it is counted,
   * and STALL_LIMIT events in a row at one instant throw SimulationStalledError (`eventLimit`
   * events in all, EventLimitError; the event stays queued). Returns its data.
   */
  private nextEvent(): number {
    const q = this.queue;
    if (this.events >= this.eventLimit) throw new EventLimitError(this.eventLimit, this.now);
    const data = q.pop();
    // The count is read and compared on every event, not only at equal times: those may first come
    // long after V8 optimized this loop, and a read it never executed would discard that code.
    let same = this.sameTime + 1;
    if (q.lastTime !== this.now) same = 0;
    if (same > STALL) throw new SimulationStalledError(this.now);
    this.sameTime = same;
    this.now = q.lastTime;
    this.events++;
    return data;
  }

  /** Why an event cannot be scheduled at `atMs`: before now (a bug), or beyond MAX_TIME_MS. */
  private refuse(atMs: number): never {
    if (atMs > MAX_TIME_MS) throw new TimeLimitError(atMs, this.now);
    throw new RangeError(`cannot schedule at ${atMs} ms, before now (${this.now} ms)`);
  }

  /** Ends the current `runUntil` / `run` after the event being handled. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs until no event is left or the model calls `stop()`. */
  run(): number {
    return this.runUntil(Infinity);
  }
}
