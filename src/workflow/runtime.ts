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
import { ScenarioError } from '../input/check.js';
import {
  ACT_INC, ACT_SEND, ACT_SET, ALWAYS, GUARD_CHANCE, GUARD_COUNTER, GUARD_IN, type CompiledMachine,
} from './machine.js';

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
  leaf = new Int32Array(16);
  /** 1 while the instance runs, 0 once done (final) or free. */
  alive = new Uint8Array(16);
  counters: Float64Array;
  /** When each active state was entered, by depth. */
  since: Float64Array;
  private free: number[] = [];
  private next = 0;
  live = 0;
  now = 0;
  private readonly path = new Int32Array(257);
  /** Set when a microstep changed the snapshot beyond the active states: a counter set, an invoke started or stopped. */
  private changed = false;
  /** XState's internal `xstate.done.state.*` events of this macrostep: each makes it select `always` transitions once more. */
  private doneEvents = 0;

  constructor(readonly m: CompiledMachine, readonly index: number, readonly host: MachineHost) {
    this.counters = new Float64Array(16 * Math.max(1, m.counters.length));
    this.since = new Float64Array(16 * m.maxDepth);
  }

  private grow(): void {
    const n = this.leaf.length * 2, nc = Math.max(1, this.m.counters.length);
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, w: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n * w);
      b.set(a);
      return b;
    };
    this.leaf = g(this.leaf, 1);
    this.alive = g(this.alive, 1);
    this.counters = g(this.counters, nc);
    this.since = g(this.since, this.m.maxDepth);
  }

  /** A row for a new instance (start it with `start` once the host knows it). */
  alloc(): number {
    const row = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (row >= this.leaf.length) this.grow();
    this.live++;
    this.alive[row] = 0;
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
    const m = this.m, nc = m.counters.length;
    for (let k = 0; k < nc; k++) this.counters[row * nc + k] = m.counterInit[k];
    this.alive[row] = 1;
    this.leaf[row] = 0;
    this.doneEvents = 0;
    this.enter(row, 0);
    let s = 0;
    while (m.initial[s] >= 0) {
      s = m.initial[s];
      this.leaf[row] = s;
      this.enter(row, s);
    }
    this.settle(row);
  }

  /** Frees row `row` (its instance is over and nobody refers to it any more). */
  release(row: number): void {
    this.alive[row] = 0;
    this.leaf[row] = -1;
    this.live--;
    this.free.push(row);
  }

  /** Whether state `s` is active in instance `row`. */
  isIn(row: number, s: number): boolean {
    const parent = this.m.parent;
    for (let x = this.leaf[row]; x >= 0; x = parent[x]) if (x === s) return true;
    return false;
  }

  /**
   * Delivers event `e` to instance `row`: one macrostep. Returns whether a transition was taken for
   * it. As in XState, `always` transitions are selected after every event, taken or not (a chance
   * guard draws again).
   */
  send(row: number, e: number): boolean {
    if (this.alive[row] !== 1 || e <= 0) return false;
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
    let n = 0;
    while (this.alive[row] === 1) {
      const t = this.select(row, ALWAYS);
      if (t < 0) {
        if (this.doneEvents === 0) return;
        this.doneEvents--;
        continue;
      }
      if (++n > MAX_MICROSTEPS) throw new ScenarioError('workflows', this.m.id, `machines whose always transitions end (machine ${this.m.id} took more than ${MAX_MICROSTEPS} in a row: guards that stay true loop)`);
      const leaf = this.leaf[row];
      this.changed = false;
      this.microstep(row, t);
      if (!this.changed && this.leaf[row] === leaf) {
        if (this.doneEvents === 0) return;
        this.doneEvents--;
      }
    }
  }

  private select(row: number, e: number): number {
    const m = this.m, E = m.events.length;
    for (let s = this.leaf[row]; s >= 0; s = m.parent[s]) {
      for (let k = m.first[s * E + e], end = m.first[s * E + e + 1]; k < end; k++) if (this.guard(row, k)) return k;
    }
    return -1;
  }

  private guard(row: number, k: number): boolean {
    const m = this.m;
    switch (m.guardKind[k]) {
      case GUARD_CHANCE: return this.host.chance() < m.guardValue[k];
      case GUARD_COUNTER: {
        const v = this.counters[row * m.counters.length + m.guardA[k]], x = m.guardValue[k];
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
    const m = this.m, parent = m.parent, src = m.source[t], tgt = m.target[t];
    this.host.took(this.index, row, t);
    if (tgt < 0) {
      this.actions(row, m.actionFirst[t], m.actionFirst[t + 1]);
      return;
    }
    // The domain (XState's getTransitionDomain, single target, no parallel states).
    let domain: number;
    if (m.reenter[t] === 0 && this.contains(src, tgt)) domain = src;
    else {
      // No proper ancestor of the target holds the source (a transition of the root, or to it):
      // XState's domain is the root, or above it when reentering (the root is exited and entered).
      domain = m.reenter[t] === 1 ? -1 : 0;
      for (let a = parent[tgt]; a >= 0; a = parent[a]) {
        if (a !== src && this.contains(a, src)) {
          domain = a;
          break;
        }
      }
    }
    for (let s = this.leaf[row]; s !== domain && s >= 0; s = parent[s]) this.exit(row, s);
    this.leaf[row] = domain;
    this.actions(row, m.actionFirst[t], m.actionFirst[t + 1]);
    let n = 0;
    for (let s = tgt; s !== domain; s = parent[s]) this.path[n++] = s;
    for (let i = n - 1; i >= 0; i--) {
      this.leaf[row] = this.path[i];
      this.enter(row, this.path[i]);
    }
    let s = tgt;
    while (m.initial[s] >= 0) {
      s = m.initial[s];
      this.leaf[row] = s;
      this.enter(row, s);
    }
    if (m.final[s] === 1 && parent[s] === 0) {
      // Done: XState runs the exit actions of the final state and the root (the states stay active).
      for (let x = s; x >= 0; x = parent[x]) this.actions(row, m.exitFirst[x], m.exitFirst[x + 1]);
      this.alive[row] = 2;
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
    this.since[row * m.maxDepth + m.depth[s]] = this.now;
    if (m.invokeSrc[s] !== '') this.changed = true;
    if (m.final[s] === 1 && m.parent[s] > 0) this.doneEvents++;
    this.actions(row, m.entryFirst[s], m.entryFirst[s + 1]);
    this.host.entered(this.index, row, s);
  }

  private exit(row: number, s: number): void {
    const m = this.m;
    if (m.invokeSrc[s] !== '') this.changed = true;
    this.actions(row, m.exitFirst[s], m.exitFirst[s + 1]);
    this.host.exiting(this.index, row, s);
    this.leaf[row] = m.parent[s];
  }

  private actions(row: number, from: number, to: number): void {
    const m = this.m, nc = m.counters.length;
    for (let a = from; a < to; a++) {
      const kind = m.actKind[a];
      if (kind === ACT_INC) {
        this.counters[row * nc + m.actA[a]] += m.actValue[a];
        this.changed = true;
      } else if (kind === ACT_SET) {
        this.counters[row * nc + m.actA[a]] = m.actValue[a];
        this.changed = true;
      }
      else if (kind === ACT_SEND) this.host.send(this.index, row, a);
    }
  }
}
