/**
 * Instances of one compiled machine over typed arrays: one row per live instance (its leaf state,
 * its counters, when it entered each active state), rows recycled when an instance ends. Events
 * are taken as XState v5 takes them, restricted to the subset (no parallel or history states):
 * the transition is the first enabled one of the leaf, else of its parent, and so on; its domain,
 * exit set and entry set follow XState's `getTransitionDomain` (a `reenter: false` transition to
 * the source or inside it does not leave the source); after it, `always` transitions run until
 * none is enabled. What the config leaves open (timers, invoked calls, messages, chance) is the
 * host's (`MachineHost`).
 */
import { ScenarioError, join } from '../input/check.js';
import * as machine from './machine.js';
import type { CompiledMachine } from './machine.js';

/** machine.ts's codes as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { ACT_INC, ACT_SEND, ACT_SET, ALWAYS, GUARD_CHANCE, GUARD_COUNTER, GUARD_IN } = machine;

/** What the world provides to a machine's instances. */
export interface MachineHost {
  /** A uniform draw in [0, 1) (chance guards). */
  chance(): number;
  /** Instance `row` of machine `m` entered state `s` (timers of `after`, invokes start here). */
  entered(m: number, row: number, s: number): void;
  /** Instance `row` leaves state `s` (its timers and invoke end). */
  exiting(m: number, row: number, s: number): void;
  /** Transition `t` was taken (counts, timelines). */
  took(m: number, row: number, t: number): void;
  /** Action send (index `a` in the machine's action table) from instance `row`. */
  send(m: number, row: number, a: number): void;
  /** `in` guard on another machine (transition `t` of instance `row`). */
  inOther(m: number, row: number, t: number): boolean;
  /** Instance `row` reached a top-level final state. */
  done(m: number, row: number): void;
}

const MAX_MICROSTEPS = 1000;

export class MachineInstances {
  /**
   * One row per instance in one buffer, `W` Float64 words each, so that an event touches one or
   * two cache lines of its instance: as Int32 at row·2W its leaf state (-1 free) and whether it
   * runs (1; 2 once done, 0 free); as Float64 from row·W + 1 its counters, then when each active
   * state was entered, by depth; then the host's columns (`hostInt` Int32 from Int32 index row·2W
   * + `xi`, `hostF64` Float64 from Float64 index row·W + `xf`).
   */
  i32: Int32Array;
  f64: Float64Array;
  readonly W: number;
  readonly W2: number;
  /** Offsets in a row: counters and since (Float64), the host's columns (xi Int32, xf Float64). */
  private readonly cOff: number;
  private readonly sOff: number;
  readonly xi: number;
  readonly xf: number;
  /** Rows the buffer holds. */
  capacity = 16;
  private free: number[] = [];
  private next = 0;
  live = 0;
  /** The clock states are entered by (the host's: a WorkflowWorld's is its simulation). */
  clock: { now: number } = { now: 0 };
  private readonly path = new Int32Array(257);
  /** Per transition, its domain (XState's getTransitionDomain: fixed by source, target and reenter). */
  private readonly domain: Int32Array;
  /** Per state: whether it or an ancestor has `always` transitions; whether it invokes. */
  private readonly alwaysUp: Uint8Array;
  private readonly invokes: Uint8Array;
  /** Set when a microstep changed the snapshot beyond the active states: a counter set, an invoke started or stopped. */
  private changed = false;
  /** XState's internal `xstate.done.state.*` events of this macrostep: each makes it select `always` transitions once more. */
  private doneEvents = 0;

  constructor(readonly m: CompiledMachine, readonly index: number, readonly host: MachineHost, hostInt = 0, hostF64 = 0) {
    const S = m.names.length, E = m.events.length, nc = m.counters.length;
    this.cOff = 1;
    this.sOff = 1 + nc;
    this.xi = 2 * (1 + nc + m.maxDepth);
    this.xf = (this.xi + hostInt + 1) >> 1;
    const w = this.xf + hostF64;
    this.W = w <= 2 ? 2 : w <= 4 ? 4 : (w + 7) & ~7; // a row within one 64-byte line when it fits in one
    this.W2 = 2 * this.W;
    this.f64 = new Float64Array(this.capacity * this.W);
    this.i32 = new Int32Array(this.f64.buffer);
    this.domain = new Int32Array(m.source.length);
    for (let t = 0; t < m.source.length; t++) if (m.target[t] >= 0) this.domain[t] = this.domainOf(t);
    this.alwaysUp = new Uint8Array(S);
    this.invokes = Uint8Array.from(m.invokeSrc, (x) => (x !== '' ? 1 : 0));
    for (let s = 0; s < S; s++) {
      for (let x = s; x >= 0; x = m.parent[x]) if (m.first[x * E + ALWAYS] < m.first[x * E + ALWAYS + 1]) this.alwaysUp[s] = 1;
    }
  }

  /** The domain of transition `t` (XState's getTransitionDomain, single target, no parallel states). */
  private domainOf(t: number): number {
    const m = this.m, parent = m.parent, src = m.source[t], tgt = m.target[t];
    if (m.reenter[t] === 0 && this.contains(src, tgt)) return src;
    // No proper ancestor of the target holds the source (a transition of the root, or to it):
    // XState's domain is the root, or above it when reentering (the root is exited and entered).
    for (let a = parent[tgt]; a >= 0; a = parent[a]) if (a !== src && this.contains(a, src)) return a;
    return m.reenter[t] === 1 ? -1 : 0;
  }

  private grow(): void {
    const f = new Float64Array(this.capacity * 2 * this.W);
    f.set(this.f64);
    this.f64 = f;
    this.i32 = new Int32Array(f.buffer);
    this.capacity *= 2;
  }

  /** Instance `row`'s leaf state (-1: free). */
  leafOf(row: number): number {
    return this.i32[row * this.W2];
  }

  /** 1 while instance `row` runs, 2 once done (final), 0 free. */
  aliveOf(row: number): number {
    return this.i32[row * this.W2 + 1];
  }

  /** Counter `k` of instance `row`. */
  counter(row: number, k: number): number {
    return this.f64[row * this.W + this.cOff + k];
  }

  /** When instance `row` entered its active state at depth `d`. */
  sinceOf(row: number, d: number): number {
    return this.f64[row * this.W + this.sOff + d];
  }

  /** A row for a new instance (start it with `start` once the host knows it). */
  alloc(): number {
    const row = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (row >= this.capacity) this.grow();
    this.live++;
    this.i32[row * this.W2 + 1] = 0;
    return row;
  }

  /** A new instance, allocated and started. */
  create(): number {
    const row = this.alloc();
    this.start(row);
    return row;
  }

  /** Starts instance `row`: counters from the context, its initial states entered. */
  start(row: number): void {
    const m = this.m, nc = m.counters.length, at = row * this.W2;
    for (let k = 0; k < nc; k++) this.f64[row * this.W + this.cOff + k] = m.counterInit[k];
    this.i32[at + 1] = 1;
    this.i32[at] = 0;
    this.doneEvents = 0;
    this.enter(row, 0);
    let s = 0;
    while (m.initial[s] >= 0) {
      s = m.initial[s];
      this.i32[at] = s;
      this.enter(row, s);
    }
    this.settle(row);
  }

  /** Frees row `row` (its instance is over and nobody refers to it any more). */
  release(row: number): void {
    this.i32[row * this.W2 + 1] = 0;
    this.i32[row * this.W2] = -1;
    this.live--;
    this.free.push(row);
  }

  /** Whether state `s` is active in instance `row`. */
  isIn(row: number, s: number): boolean {
    const parent = this.m.parent;
    for (let x = this.i32[row * this.W2]; x >= 0; x = parent[x]) if (x === s) return true;
    return false;
  }

  /**
   * Delivers event `e` to instance `row`: one macrostep. Returns whether a transition was taken for
   * it. As in XState, `always` transitions are selected after every event, taken or not (a chance
   * guard draws again).
   */
  send(row: number, e: number): boolean {
    if (this.i32[row * this.W2 + 1] !== 1 || e <= 0) return false;
    this.doneEvents = 0;
    const t = this.select(row, e);
    if (t < 0) {
      this.settle(row);
      return false;
    }
    this.microstep(row, t);
    this.settle(row);
    return true;
  }

  /**
   * `always` transitions until none is enabled, or until one changed nothing (the same state, no
   * counter set, no invoke started or stopped): XState then keeps its snapshot and selects no
   * more eventless transitions in this macrostep.
   */
  private settle(row: number): void {
    const at = row * this.W2;
    let n = 0;
    while (this.i32[at + 1] === 1) {
      // No `always` transition of the leaf or above it: nothing to select (nor a chance to draw).
      const t = this.alwaysUp[this.i32[at]] === 1 ? this.select(row, ALWAYS) : -1;
      if (t < 0) {
        if (this.doneEvents === 0) return;
        this.doneEvents--;
        continue;
      }
      if (++n > MAX_MICROSTEPS) this.alwaysLoop(t);
      const leaf = this.i32[at];
      this.changed = false;
      this.microstep(row, t);
      if (!this.changed && this.i32[at] === leaf) {
        if (this.doneEvents === 0) return;
        this.doneEvents--;
      }
    }
  }

  /** More than MAX_MICROSTEPS `always` transitions in a row, the last `t`: the error names the state it loops in (t's source). */
  private alwaysLoop(t: number): never {
    const m = this.m, s = m.source[t];
    throw new ScenarioError(join(m.at[s], 'always'), undefined, 'always transitions that end (guards that stay true loop)',
      `more than ${MAX_MICROSTEPS} in a row in machine ${m.id}, the last from state ${m.names[s]}`);
  }

  private select(row: number, e: number): number {
    const m = this.m, E = m.events.length, first = m.first;
    for (let s = this.i32[row * this.W2]; s >= 0; s = m.parent[s]) {
      for (let k = first[s * E + e], end = first[s * E + e + 1]; k < end; k++) if (m.guardKind[k] === 0 || this.guard(row, k)) return k;
    }
    return -1;
  }

  private guard(row: number, k: number): boolean {
    const m = this.m;
    switch (m.guardKind[k]) {
      case GUARD_CHANCE: return this.host.chance() < m.guardValue[k];
      case GUARD_COUNTER: {
        const v = this.f64[row * this.W + this.cOff + m.guardA[k]], x = m.guardValue[k];
        switch (m.guardB[k]) {
          case 0: return v < x;
          case 1: return v <= x;
          case 2: return v > x;
          case 3: return v >= x;
          case 4: return v === x;
          default: return v !== x;
        }
      }
      case GUARD_IN: return m.guardA[k] === -1 ? this.isIn(row, m.guardB[k]) : this.host.inOther(this.index, row, k);
      default: return true;
    }
  }

  private microstep(row: number, t: number): void {
    const m = this.m, parent = m.parent, tgt = m.target[t], at = row * this.W2;
    this.host.took(this.index, row, t);
    if (tgt < 0) {
      if (m.actionFirst[t] < m.actionFirst[t + 1]) this.actions(row, m.actionFirst[t], m.actionFirst[t + 1]);
      return;
    }
    const domain = this.domain[t];
    for (let s = this.i32[at]; s !== domain && s >= 0; s = parent[s]) this.exit(row, s);
    this.i32[at] = domain;
    if (m.actionFirst[t] < m.actionFirst[t + 1]) this.actions(row, m.actionFirst[t], m.actionFirst[t + 1]);
    let n = 0;
    for (let s = tgt; s !== domain; s = parent[s]) this.path[n++] = s;
    for (let i = n - 1; i >= 0; i--) {
      this.i32[at] = this.path[i];
      this.enter(row, this.path[i]);
    }
    let s = tgt;
    while (m.initial[s] >= 0) {
      s = m.initial[s];
      this.i32[at] = s;
      this.enter(row, s);
    }
    if (m.final[s] === 1 && parent[s] === 0) {
      // Done: XState runs the exit actions of the final state and the root (the states stay active).
      for (let x = s; x >= 0; x = parent[x]) if (m.exitFirst[x] < m.exitFirst[x + 1]) this.actions(row, m.exitFirst[x], m.exitFirst[x + 1]);
      this.i32[at + 1] = 2;
      this.host.done(this.index, row);
    }
  }

  /** `a` is `b` or an ancestor of `b`. */
  private contains(a: number, b: number): boolean {
    const parent = this.m.parent;
    for (let x = b; x >= 0; x = parent[x]) if (x === a) return true;
    return false;
  }

  private enter(row: number, s: number): void {
    const m = this.m;
    this.f64[row * this.W + this.sOff + m.depth[s]] = this.clock.now;
    if (this.invokes[s] === 1) this.changed = true;
    if (m.final[s] === 1 && m.parent[s] > 0) this.doneEvents++;
    if (m.entryFirst[s] < m.entryFirst[s + 1]) this.actions(row, m.entryFirst[s], m.entryFirst[s + 1]);
    this.host.entered(this.index, row, s);
  }

  private exit(row: number, s: number): void {
    const m = this.m;
    if (this.invokes[s] === 1) this.changed = true;
    if (m.exitFirst[s] < m.exitFirst[s + 1]) this.actions(row, m.exitFirst[s], m.exitFirst[s + 1]);
    this.host.exiting(this.index, row, s);
    this.i32[row * this.W2] = m.parent[s];
  }

  private actions(row: number, from: number, to: number): void {
    const m = this.m, base = row * this.W + this.cOff;
    for (let a = from; a < to; a++) {
      const kind = m.actKind[a];
      if (kind === ACT_INC) {
        this.f64[base + m.actA[a]] += m.actValue[a];
        this.changed = true;
      } else if (kind === ACT_SET) {
        this.f64[base + m.actA[a]] = m.actValue[a];
        this.changed = true;
      }
      else if (kind === ACT_SEND) this.host.send(this.index, row, a);
    }
  }
}
