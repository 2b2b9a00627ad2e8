/**
 * The simulated world of a workflow: machines living in the services of a topology. An entry
 * arrival creates an instance of the start machine (an Order); a state with `invoke` makes a call
 * through the topology over the edge from its service to the invoked machine's (that edge's
 * timeout, retries, loss and breaker apply) and `onDone`/`onError` fire once, on the call's final
 * outcome, if the state is still active; an attempt of that call at the callee creates the child
 * instance (the Payment of that Order; with `idempotencyKey` every attempt of the family meets the
 * same child, without it each attempt is a new operation), sends it the `request` events when the
 * attempt begins, the `respond` event when its handler is done, and succeeds if the child is then
 * in one of its `ok` states. The world fires user events (`events`: after a delay, with a
 * probability, while a state is active) and samples named delays.
 *
 * A family (the start instance, its children) is kept until the start instance is final and no
 * call, timer or attempt (on its way over the edge, queued or running at the callee) of the family is pending: then its rows are recycled (memory flat in completed
 * instances). Measured: per machine, entries and time in each state, transitions, end states;
 * per family, the occupancy of each pair (start state, current child's state), double successes
 * of a child machine, and invariants (`never`, `eventually … withinMs`) with their first
 * counterexample's timeline.
 */
import type { TopologyHooks, TopologyModel } from '../model/topology.js';
import { EventKind } from '../model/event-kind.js';
import * as simulation from '../engine/simulation.js';
import { createStream, type Rng } from '../random/rng.js';
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { Histogram } from '../metrics/histogram.js';
import { ScenarioError } from '../input/check.js';
import { compileMachine, stateByPath, within, type CompiledMachine } from './machine.js';
import { MachineInstances, type MachineHost } from './runtime.js';
import type { WorkflowObserver } from './workflow-observer.js';
import * as rows from '../model/request-table.js';

/** Imported values as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { MAX_TARGET, MAX_TIME_MS } = simulation;
const { I_KEY, ROW_I32 } = rows;
const WORKFLOW = EventKind.Workflow;

/** A machine of the workflow as configured (after validation, see workflow-spec.ts). */
export interface WorkflowMachineConfig {
  service: string;
  machine: Record<string, unknown>;
  /** Callee machines: events sent when an attempt begins, the event when its handler is done, the states that answer "ok". */
  request?: string[];
  respond?: string;
  ok?: string[];
  idempotencyKey?: boolean;
  /** User events: sent while state `in` is active, `after` its entry, with probability `p`. */
  events?: Record<string, { in: string; after: DistributionSpec; p?: number }>;
  delays?: Record<string, DistributionSpec>;
}

export interface WorkflowConfig {
  start: string;
  machines: Record<string, WorkflowMachineConfig>;
  invariants?: {
    never?: Record<string, string>[];
    eventually?: ({ withinMs: number } & Record<string, string | string[] | number>)[];
  };
}

/**
 * The world's columns in an instance's row (MachineInstances' host columns, Int32 from `xi`):
 * every instance's family's start row (itself for a start instance); a child's next sibling of
 * its family. A start instance's row is its family's: its id, pending calls, attempts and timers,
 * pair, ok states reached, invoke call, transitions recorded, what changed since its pair and
 * `never` invariants were last checked (R_DIRTY: S_NEVER a state an invariant names was entered or
 * left, S_PAIR the leaf of the start instance or its paired child; both when a child became
 * current), then per machine its current instance (C_CUR + mi) and first child (C_CUR + C + mi),
 * per invariant whether reached, per other invoked machine (morePaired) its pair and its ok states
 * entered (cOk + k; R_OK counts the first invoked machine's). As Float64 from `xf`: a start row's since when in its pair
 * (F_PAIR_SINCE), then every instance's timers (`fTimer`), then a start row's per invariant since
 * when violated (`fOpen` + i, NaN: not) and its pairs with `morePaired` (`fPairs`; Int32 `cPairs`).
 *
 * Timers live in their instance's row, one Float64 slot each holding the id of its pending event
 * (-1: none): state s's `after` delays, then its user events, from slot tBase[s] (after its
 * ancestors' slots, so the active states' slots never overlap); a start row's `eventually`
 * invariants' deadlines after them (slot tDeadline + i for invariant i, the `never` ones first in
 * `invariants` having none). Its event's target is (row · tSlots + slot) · M + machine.
 */
const X_ROOT = 0, X_NEXT = 1;
/**
 * What entering or leaving a state involves: timers (`after`, user events), an invoke, an
 * `eventually` target, an ok state of an invoked child, a `never` invariant, the pair (a state of
 * the start machine or the paired child), a state of the paired machine (S_CHILD: the pair's
 * child part may have changed; without it the start machine's step reuses R_PAIR's and does not
 * read the child's row). S_NEVER, S_PAIR and S_CHILD are also the bits of R_DIRTY.
 */
const S_NEVER = 1, S_PAIR = 2, S_TIMED = 4, S_INVOKE = 8, S_REACHES = 16, S_OK = 32, S_CHILD = 64;
const DIRTY = S_NEVER | S_PAIR | S_CHILD;
/** R_DIRTY's bit for a family in `toCheck`: checked once the model's event is over (`settle`). */
const R_QUEUED = 128;
const R_FID = 1, R_PENDING = 2, R_PAIR = 3, R_OK = 4, R_CALL = 5, R_TL = 6, R_DIRTY = 7, C_CUR = 8;
const F_PAIR_SINCE = 0;
/** Messages and calls one instant's steps may set off, at most. */
const MAX_AT_ONCE = 1_000_000;
/** Occupancy over time: this many buckets, whose width doubles whenever the run outgrows them. */
const NB = 64;
export const BUCKETS = NB;
const TIMELINE = 32;
/** Times in a state recorded into its histogram at once (WorkflowMachineStats.timeBuf). */
const TIME_BUF = 4096;
const NO_TIMES = new Float64Array(0);

interface Invariant {
  kind: 'never' | 'eventually';
  text: string;
  /** never: per machine (0 the start, else a child machine index + 1), the state that must hold (-1 any). */
  states: Int32Array;
  /** eventually: the start machine's states, any of which ends it, and the time bound. */
  targets: number[];
  withinMs: number;
  /** Violations begun; of them ended (the state left, or reached), and still violating when their instance or the run ended. */
  count: number;
  resolved: number;
  unresolved: number;
  /** Over the resolved ones. */
  totalMs: number;
  maxMs: number;
  example: { instance: number; atMs: number; timeline: string[] } | null;
}

export interface WorkflowMachineStats {
  m: CompiledMachine;
  service: number;
  entries: Float64Array;
  stateTimeMs: Float64Array;
  /** Time in each state; values wait in `timeBuf` until `flushTimes` (read them after it). */
  timeHistograms: Histogram[];
  /**
   * Times in state s not yet in timeHistograms[s]: timeBuf[s][0 .. timeN[s]). They are recorded
   * TIME_BUF at a time, so that the part of the histogram's buckets and of its scale's lookup
   * tables (166 + 245 KB at 3 digits) they fall in is loaded once for the batch, where a value
   * recorded alone, between other work, missed in each (the counts do not depend on when or in
   * which order values are recorded). Sorting the batch first cost more than it saved.
   */
  timeBuf: Float64Array[];
  timeN: Int32Array;
  transitions: Float64Array;
  ended: Float64Array;
  created: number;
}

export class WorkflowWorld implements TopologyHooks, MachineHost {
  readonly machines: MachineInstances[] = [];
  readonly stats: WorkflowMachineStats[] = [];
  /** Per machine, per state: instances in it now; and its occupancy integrated per bucket (instance·ms; S × BUCKETS). */
  readonly inState: Float64Array[] = [];
  /** Told every transition taken (the animation's statechart); null: none. */
  observer: WorkflowObserver | null = null;
  readonly series: Float64Array[] = [];
  bucketMs = 1000;
  /** Time integrated up to, ms. */
  seriesAt = 0;
  readonly names: string[] = [];
  readonly invariants: Invariant[] = [];
  /** Families: the start instance's row indexes these (its columns, X_* R_* C_* F_*; the start row's offsets of the per-machine and per-invariant columns). */
  private readonly cChild: number;
  private readonly cReached: number;
  /** Float64 offsets from `xf`: timers (every machine's, see X_ROOT), a start row's violations. */
  private readonly fTimer: Int32Array;
  private readonly fOpen: number;
  /** The transitions families record (while `recording`), TIMELINE per start row: as pairs (time, machine << 16 | transition). */
  private tl = new Float64Array(16 * TIMELINE * 2);
  /** Whether families record their transitions: only until every invariant has its example (only the first violation's timeline is shown). */
  private recording = false;
  /** The `never` invariants' indexes; per machine, per state, what entering or leaving it involves (S_* bits). */
  private readonly neverIdx: Int32Array;
  private readonly flags: Uint8Array[] = [];
  /**
   * Live families by id: the start row of family `fid` at famSlot[fid & (length − 1)] (ids are
   * consecutive, so live ones rarely share a slot; one that finds its slot taken goes to
   * `famOverflow`); a released row's familyId is 0. The table doubles as families outgrow half of it.
   */
  private famSlot = new Int32Array(1024).fill(-1);
  private readonly famOverflow = new Map<number, number>();
  private liveFamilies = 0;
  private nextFamily = 1;
  /** The entry whose arrivals create families: the start machine's service's (its index in `entries`; 0 with one entry). */
  private readonly startEntry: number;
  /** The first family measured: created at or after the warm-up's end (`stop.warmupMs`; 0 without warm-up). Earlier ones run but count in no figure. */
  private fromFamily: number;
  /** Per machine: timer slots per row (the start machine's deadlines included), per state its first slot; the start row's first deadline slot. */
  private readonly tSlots: Int32Array;
  private readonly tBase: Int32Array[] = [];
  private readonly tDeadline: number;
  /** Calls and attempts of the topology (by row): the family, the invoking state; the child an attempt met and whether it took the request. */
  private callRoot = new Int32Array(16);
  private attemptChild = new Int32Array(16);
  private attemptTook = new Uint8Array(16);
  /**
   * 1 while a started attempt of a family runs at the callee (the family waits for it: it may still
   * succeed, a double charge); 2 while one is on its way over an edge with latency or waits in the
   * callee's queue (the family waits for it too: when it begins it meets the family's child, or
   * makes one, as any attempt).
   */
  private attemptLive = new Uint8Array(16);
  /** Messages between machines, delivered in order after the current step. */
  private qMachine = new Int32Array(64);
  private qRow = new Int32Array(64);
  private qEvent = new Int32Array(64);
  private qHead = 0;
  private qTail = 0;
  /** Calls an invoke made during a step: sent once the step is over (an answer may come at once). */
  private readonly toSend: number[] = [];
  private draining = false;
  /** Families that may end, once the messages and calls in hand are through. */
  private readonly toRelease: number[] = [];
  /** Families whose pair or `never` invariants may have changed in this event (the first `nCheck`): checked once it is over (`settle`, `check`). */
  private toCheck = new Int32Array(64);
  private nCheck = 0;
  /** Edges that invokes call over (1). */
  private invokeEdges = new Uint8Array(0);
  private readonly rng: Rng;
  private readonly delayRng: Rng;
  /** Per machine: named delays by after-entry index; user events by state (event index, delay, p). */
  private readonly afterDist: (Distribution | null)[][] = [];
  /** Per machine, per after-entry: the event queue's FIFO lane for its fixed delay (-1: a sampled delay, the heap); per invariant, its deadline's lane. */
  private readonly afterLane: Int32Array[] = [];
  private readonly deadlineLane: Int32Array;
  private readonly userFirst: Int32Array[] = [];
  private readonly userEvent: Int32Array[] = [];
  private readonly userDist: Distribution[][] = [];
  private readonly userP: Float64Array[] = [];
  /** Per child machine (index ≥ 1): request events, respond event, ok states, idempotency key; by service. */
  private readonly request: Int32Array[] = [];
  private readonly respond: Int32Array = new Int32Array(0);
  private readonly okStates: Int32Array[] = [];
  private readonly keyed: Uint8Array;
  private readonly childOfService: Int32Array;
  private readonly invokeEdge: Int32Array;
  private readonly invokeChild: Int32Array;
  /** Cross-machine references: per machine, per transition (guards) or action (sends): target machine and state/event. */
  private readonly guardMachine: Int32Array[] = [];
  private readonly guardState: Int32Array[] = [];
  private readonly sendMachine: Int32Array[] = [];
  private readonly sendEvent: Int32Array[] = [];
  /** The child machine paired with the start machine for pair occupancy (the first it invokes). */
  readonly paired: number;
  pairTimeMs: Float64Array;
  pairEntries: Float64Array;
  /**
   * The other machines the start machine invokes (after `paired`, in the order of its states),
   * each paired with it as `paired` is: its pair per family in the start row's Int32 column
   * cPairs + k, since when in Float64 column fPairs + k; occupancy per pair in pairsTimeMs[k],
   * pairsEntries[k] (start state × (its states + 1)).
   */
  readonly morePaired: number[] = [];
  readonly morePairTimeMs: Float64Array[] = [];
  readonly morePairEntries: Float64Array[] = [];
  private readonly cPairs: number;
  private readonly fPairs: number;
  /**
   * Per machine, the start row's Int32 column counting its family's entries into the machine's ok
   * states (-1: none counted): R_OK for `paired`, cOk + k for the k-th of `morePaired`.
   */
  private readonly okCol: Int32Array;
  private readonly cOk: number;
  started = 0;
  completed = 0;
  /** Per invoked machine (`paired` and `morePaired`): families in which it reached an ok state more than once, and the entries after each family's first. */
  readonly duplicateFamilies: Float64Array;
  readonly extraOk: Float64Array;

  constructor(readonly model: TopologyModel, readonly config: WorkflowConfig) {
    const names = Object.keys(config.machines);
    const order = [config.start, ...names.filter((n) => n !== config.start)];
    this.names.push(...order);
    const serviceIndex = new Map(model.services.map((s) => [s.name, s.index]));
    const C = order.length, I = (config.invariants?.never?.length ?? 0) + (config.invariants?.eventually?.length ?? 0);
    this.cChild = C_CUR + C;
    this.cReached = C_CUR + 2 * C;
    this.cPairs = C_CUR + 2 * C + I;
    this.tSlots = new Int32Array(C);
    this.fTimer = new Int32Array(C);
    // Columns sized to what a family uses, so that a small family's start row fits two cache lines:
    // deadlines of the `eventually` invariants (listed after the `never` ones), pairs with the other
    // machines the start machine invokes (after the first, see morePaired).
    const nNever = config.invariants?.never?.length ?? 0, nDeadlines = I - nNever;
    let tDeadline = 0, nPairs = 0;
    order.forEach((name, i) => {
      const mc = config.machines[name];
      const m = compileMachine(mc.machine, `workflows.machines.${name}.machine`);
      const S = m.names.length;
      // Timer slots: a state's after its ancestors'.
      const users = new Int32Array(S);
      for (const w of Object.values(mc.events ?? {})) users[stateByPath(m, w.in, '')]++;
      const base = new Int32Array(S);
      let slots = 0;
      for (let s = 0; s < S; s++) {
        const p = m.parent[s];
        if (p >= 0) base[s] = base[p] + (m.afterFirst[p + 1] - m.afterFirst[p]) + users[p];
        slots = Math.max(slots, base[s] + (m.afterFirst[s + 1] - m.afterFirst[s]) + users[s]);
      }
      this.tBase.push(base);
      if (i === 0) {
        tDeadline = slots - nNever; // invariant i's deadline: slot tDeadline + i
        nPairs = Math.max(0, new Set(m.invokeSrc.filter((x) => x !== '')).size - 1);
      }
      this.tSlots[i] = i === 0 ? slots + nDeadlines : slots;
      this.fTimer[i] = i === 0 ? F_PAIR_SINCE + 1 : 0;
      this.machines.push(i === 0 ? new MachineInstances(m, i, this, C_CUR + 2 * C + I + 2 * nPairs, 1 + slots + nDeadlines + I + nPairs) : new MachineInstances(m, i, this, X_NEXT + 1, slots));
      this.machines[i].clock = model.sim;
      this.stats.push({
        m, service: serviceIndex.get(mc.service)!, entries: new Float64Array(S), stateTimeMs: new Float64Array(S),
        timeHistograms: m.names.map(() => new Histogram(model.config.metrics?.significantDigits)), timeBuf: m.names.map(() => NO_TIMES), timeN: new Int32Array(S), transitions: new Float64Array(m.source.length), ended: new Float64Array(S), created: 0,
      });
      this.inState.push(new Float64Array(S));
      this.series.push(new Float64Array(S * BUCKETS));
      this.afterDist.push(m.afterName.map((d) => (d ? createDistribution(mc.delays![d]) : null)));
      const events = Object.entries(mc.events ?? {}).map(([e, w]) => ({ e: m.eventIndex.get(e)!, s: stateByPath(m, w.in, ''), d: createDistribution(w.after), p: w.p ?? 1 }));
      events.sort((a, b) => a.s - b.s);
      const first = new Int32Array(S + 1);
      let j = 0;
      for (let s = 0; s <= S; s++) {
        first[s] = j;
        while (j < events.length && events[j].s === s) j++;
      }
      this.userFirst.push(first);
      this.userEvent.push(Int32Array.from(events, (x) => x.e));
      this.userDist.push(events.map((x) => x.d));
      this.userP.push(Float64Array.from(events, (x) => x.p));
      this.request.push(Int32Array.from(mc.request ?? [], (e) => m.eventIndex.get(e)!));
      this.okStates.push(Int32Array.from(mc.ok ?? [], (s) => stateByPath(m, s, '')));
    });
    const M = order.length;
    this.tDeadline = tDeadline;
    this.fOpen = this.fTimer[0] + this.tSlots[0];
    this.fPairs = this.fOpen + I;
    this.respond = Int32Array.from(order, (n) => (config.machines[n].respond ? this.machines[order.indexOf(n)].m.eventIndex.get(config.machines[n].respond!)! : -1));
    this.keyed = Uint8Array.from(order, (n) => (config.machines[n].idempotencyKey ? 1 : 0));
    this.childOfService = new Int32Array(model.services.length).fill(-1);
    for (let i = 1; i < M; i++) this.childOfService[this.stats[i].service] = i;
    // Invokes of the start machine: per state, the edge and the child machine.
    const root = this.machines[0].m;
    this.invokeEdge = new Int32Array(root.names.length).fill(-1);
    this.invokeChild = new Int32Array(root.names.length).fill(-1);
    let paired = -1;
    root.invokeSrc.forEach((src, s) => {
      if (!src) return;
      const ci = order.indexOf(src);
      this.invokeChild[s] = ci;
      this.invokeEdge[s] = model.edgeBetween(this.stats[0].service, this.stats[ci].service);
      if (paired < 0) paired = ci;
      else if (ci !== paired && !this.morePaired.includes(ci)) this.morePaired.push(ci);
    });
    this.paired = paired;
    this.cOk = this.cPairs + this.morePaired.length;
    this.okCol = new Int32Array(M).fill(-1);
    if (paired > 0) this.okCol[paired] = R_OK;
    this.morePaired.forEach((ci, k) => (this.okCol[ci] = this.cOk + k));
    this.duplicateFamilies = new Float64Array(M);
    this.extraOk = new Float64Array(M);
    for (const ci of this.morePaired) {
      this.morePairTimeMs.push(new Float64Array(root.names.length * (this.machines[ci].m.names.length + 1)));
      this.morePairEntries.push(new Float64Array(root.names.length * (this.machines[ci].m.names.length + 1)));
    }
    this.invokeEdges = new Uint8Array(model.edges.length);
    for (const e of this.invokeEdge) if (e >= 0) this.invokeEdges[e] = 1;
    const P = root.names.length * (paired > 0 ? this.machines[paired].m.names.length + 1 : 1);
    this.pairTimeMs = new Float64Array(P);
    this.pairEntries = new Float64Array(P);
    // Links between machines: `in` guards and sends name machines; the start machine is "parent" to its children.
    const resolve = (from: number, name: string): number => (name === 'parent' ? (from === 0 ? -1 : 0) : order.indexOf(name));
    this.machines.forEach((inst, i) => {
      const m = inst.m;
      const gm = new Int32Array(m.source.length).fill(-1), gs = new Int32Array(m.source.length).fill(-1);
      for (const [k, ref] of m.guardRefs) {
        gm[k] = resolve(i, ref.machine);
        gs[k] = stateByPath(this.machines[gm[k]].m, ref.state!, `${ref.path}.state`);
      }
      const sm = new Int32Array(m.actKind.length).fill(-1), se = new Int32Array(m.actKind.length).fill(-1);
      for (const [a, ref] of m.sendRefs) {
        sm[a] = resolve(i, ref.machine);
        se[a] = this.machines[sm[a]].m.eventIndex.get(ref.event) ?? 0;
      }
      this.guardMachine.push(gm);
      this.guardState.push(gs);
      this.sendMachine.push(sm);
      this.sendEvent.push(se);
    });
    for (const never of config.invariants?.never ?? []) {
      const states = new Int32Array(M).fill(-1);
      for (const [name, state] of Object.entries(never)) states[order.indexOf(name)] = stateByPath(this.machines[order.indexOf(name)].m, state, '');
      this.invariants.push({ kind: 'never', text: `never ${Object.entries(never).map(([k, v]) => `${k} ${v}`).join(' and ')}`, states, targets: [], withinMs: 0, count: 0, resolved: 0, unresolved: 0, totalMs: 0, maxMs: 0, example: null });
    }
    for (const ev of config.invariants?.eventually ?? []) {
      const [name, value] = Object.entries(ev).find(([k]) => k !== 'withinMs')!;
      const list = Array.isArray(value) ? value : [value as string];
      this.invariants.push({
        kind: 'eventually', text: `eventually ${name} ${list.join(' or ')} within ${ev.withinMs} ms`, states: new Int32Array(0),
        targets: list.map((s) => stateByPath(root, s, '')), withinMs: ev.withinMs, count: 0, resolved: 0, unresolved: 0, totalMs: 0, maxMs: 0, example: null,
      });
    }
    this.recording = this.invariants.length > 0;
    this.neverIdx = Int32Array.from(this.invariants.flatMap((v, i) => (v.kind === 'never' ? [i] : [])));
    this.machines.forEach(({ m }, mi) => this.flags.push(Uint8Array.from(m.names, (_, s) => (m.afterFirst[s] < m.afterFirst[s + 1] || this.userFirst[mi][s] < this.userFirst[mi][s + 1] ? S_TIMED : 0)
      | (mi === 0 && this.invokeEdge[s] >= 0 ? S_INVOKE : 0)
      | (mi === 0 && this.invariants.some((v) => v.targets.includes(s)) ? S_REACHES : 0)
      | (mi > 0 && this.okCol[mi] >= 0 && this.okStates[mi].includes(s) ? S_OK : 0)
      | (this.invariants.some((v) => v.kind === 'never' && v.states[mi] === s) ? S_NEVER : 0)
      | (this.paired > 0 && (mi === 0 || mi === this.paired || this.morePaired.includes(mi)) ? S_PAIR : 0)
      | (mi > 0 && mi === this.paired ? S_CHILD : 0))));
    // Timers a fixed delay after now come due in the order armed: one FIFO lane of the event queue per delay (same order as the heap, O(1)).
    const lanes = new Map<number, number>();
    const laneFor = (ms: number) => {
      if (!lanes.has(ms)) lanes.set(ms, model.sim.addLane());
      return lanes.get(ms)!;
    };
    this.deadlineLane = Int32Array.from(this.invariants, (v) => (v.kind === 'eventually' ? laneFor(v.withinMs) : -1));
    this.machines.forEach(({ m }, mi) => this.afterLane.push(Int32Array.from(m.afterMs, (ms, i) => (this.afterDist[mi][i] === null ? laneFor(ms) : -1))));
    this.fromFamily = model.config.stop.warmupMs > 0 ? 0x7fffffff : 0;
    this.startEntry = model.config.entries ? model.config.entries.findIndex((x) => x.name === model.services[this.stats[0].service].name) : 0;
    this.rng = createStream(model.config.seed, 'workflow');
    this.delayRng = createStream(model.config.seed, 'workflow-delays');
    const hosting = this.stats.slice(1).map((s) => s.service);
    model.setHooks(this, hosting);
  }

  // ------------------------------------------------------------ TopologyHooks

  live(): number {
    return this.liveFamilies;
  }

  arrived(entry: number): void {
    if (entry !== this.startEntry) return; // plain traffic at another entry
    const inst = this.machines[0], row = inst.alloc();
    this.growTimeline(row);
    const fid = this.nextFamily++;
    const c = row * inst.W2 + inst.xi, f = row * inst.W + inst.xf, C = this.machines.length, I = this.invariants.length;
    inst.i32[c + R_FID] = fid;
    if (fid < this.fromFamily && this.model.sim.now >= this.model.config.stop.warmupMs) this.fromFamily = fid;
    this.addFamily(fid, row);
    for (let k = 0; k < this.tSlots[0]; k++) inst.f64[f + this.fTimer[0] + k] = -1;
    inst.i32[c + X_ROOT] = row;
    inst.i32[c + R_PENDING] = 0;
    inst.i32[c + R_OK] = 0;
    inst.i32[c + R_CALL] = -1;
    inst.i32[c + R_PAIR] = -1;
    for (let k = 0; k < this.morePaired.length; k++) {
      inst.i32[c + this.cPairs + k] = -1;
      inst.i32[c + this.cOk + k] = 0;
    }
    inst.i32[c + R_TL] = 0;
    inst.i32[c + R_DIRTY] = 0;
    for (let i = 0; i < C; i++) {
      inst.i32[c + C_CUR + i] = -1;
      inst.i32[c + this.cChild + i] = -1;
    }
    for (let i = 0; i < I; i++) {
      inst.f64[f + this.fOpen + i] = NaN;
      inst.i32[c + this.cReached + i] = 0;
    }
    if (this.measured(0, row)) {
      this.started++;
      this.stats[0].created++;
    }
    for (let i = 0; i < I; i++) {
      const v = this.invariants[i];
      if (v.kind === 'eventually') this.arm(0, row, this.tDeadline + i, this.model.sim.now + v.withinMs, this.deadlineLane[i]);
    }
    inst.start(row);
    this.afterStep(row);
    this.drain();
    this.tryRelease(row);
  }

  timer(target: number): void {
    const M = this.machines.length, mi = target % M, n = this.tSlots[mi], q = (target - mi) / M, slot = q % n, row = (q - slot) / n;
    const inst = this.machines[mi];
    if (row >= inst.capacity || inst.f64[row * inst.W + inst.xf + this.fTimer[mi] + slot] !== this.model.sim.currentEventId) return; // cancelled
    const root = this.unlinkTimer(mi, row, slot);
    if (mi === 0 && slot >= this.tDeadline + this.neverIdx.length) {
      const r = this.machines[0], e = slot - this.tDeadline;
      if (r.i32[root * r.W2 + r.xi + this.cReached + e] === 0) this.openViolation(this.invariants[e], root, e);
    } else {
      // The state whose timer it is: the active one whose slots hold it.
      const m = inst.m, base = this.tBase[mi], uf = this.userFirst[mi];
      let s = inst.leafOf(row);
      while (slot < base[s] || slot >= base[s] + (m.afterFirst[s + 1] - m.afterFirst[s]) + (uf[s + 1] - uf[s])) s = m.parent[s];
      const k = slot - base[s], na = m.afterFirst[s + 1] - m.afterFirst[s];
      inst.send(row, k < na ? m.afterEvent[m.afterFirst[s] + k] : this.userEvent[mi][uf[s] + k - na]);
      this.afterStep(root);
      this.drain();
    }
    this.tryRelease(root);
  }

  callDone(c: number, ok: boolean): void {
    const root = this.callRoot[c], inst = this.machines[0], at = root * inst.W2 + inst.xi;
    inst.i32[at + R_PENDING]--;
    if (inst.i32[at + R_CALL] === c) {
      inst.i32[at + R_CALL] = -1;
      // The invoking state: the active state with an invoke.
      let s = inst.leafOf(root);
      while (s >= 0 && this.invokeEdge[s] < 0) s = inst.m.parent[s];
      if (s >= 0) {
        inst.send(root, ok ? inst.m.invokeDone[s] : inst.m.invokeError[s]);
        this.afterStep(root);
        this.drain();
      }
    }
    this.tryRelease(root);
  }

  attemptSent(a: number): void {
    this.growAttempts(a);
    this.awaitAttempt(a);
  }

  attemptQueued(a: number): void {
    this.growAttempts(a);
    if (this.attemptLive[a] !== 2) this.awaitAttempt(a); // else its family has waited for it since it was sent (attemptSent)
  }

  /** Attempt `a` of a family's call is on its way or queued at the callee: the family waits for it (attemptLive 2). */
  private awaitAttempt(a: number): void {
    const root = this.callerOf(a);
    if (root < 0) return;
    this.attemptLive[a] = 2;
    const r = this.machines[0];
    r.i32[root * r.W2 + r.xi + R_PENDING]++;
  }

  attemptStarted(a: number): void {
    this.growAttempts(a);
    const ci = this.childOfService[this.model.requests.service[a]], root = this.callerOf(a), queued = this.attemptLive[a] === 2;
    this.attemptChild[a] = -1;
    if (root < 0) return; // not a call of a workflow (or its family is over)
    const inst = this.machines[ci], r = this.machines[0], rc = root * r.W2 + r.xi;
    let child = this.keyed[ci] === 1 ? r.i32[rc + C_CUR + ci] : -1;
    if (child < 0) {
      child = inst.alloc();
      const x = child * inst.W2 + inst.xi;
      inst.i32[x + X_ROOT] = root;
      inst.i32[x + X_NEXT] = r.i32[rc + this.cChild + ci];
      for (let k = 0, f = child * inst.W + inst.xf + this.fTimer[ci]; k < this.tSlots[ci]; k++) inst.f64[f + k] = -1;
      r.i32[rc + this.cChild + ci] = child;
      r.i32[rc + C_CUR + ci] = child;
      r.i32[rc + R_DIRTY] |= DIRTY;
      if (this.measured(0, root)) this.stats[ci].created++;
      inst.start(child);
    }
    let took = 0;
    const req = this.request[ci];
    for (let k = 0; k < req.length; k++) if (inst.send(child, req[k])) took = 1;
    this.attemptChild[a] = child;
    this.attemptTook[a] = took;
    this.attemptLive[a] = 1;
    if (!queued) r.i32[rc + R_PENDING]++; // a queued attempt's family has waited for it since
    this.afterStep(root);
    this.drain();
    this.tryRelease(root);
  }

  attemptOutcome(a: number): boolean {
    const child = this.attemptChild[a];
    if (child < 0 || this.attemptLive[a] === 0) return true;
    const t = this.model.requests, ci = this.childOfService[t.service[a]], inst = this.machines[ci];
    const root = this.rootOf(ci, child);
    if (this.attemptTook[a] === 1) {
      inst.send(child, this.respond[ci]);
      this.afterStep(root);
      this.drain();
    }
    const ok = this.okStates[ci];
    let answer = false;
    for (let k = 0; k < ok.length; k++) if (inst.isIn(child, ok[k])) answer = true;
    this.tryRelease(root);
    return answer;
  }

  attemptEnded(a: number): void {
    if (a >= this.attemptLive.length || this.attemptLive[a] === 0) return;
    const root = this.attemptLive[a] === 2 ? this.callerOf(a) : this.rootOf(this.childOfService[this.model.requests.service[a]], this.attemptChild[a]), r = this.machines[0];
    this.attemptLive[a] = 0;
    r.i32[root * r.W2 + r.xi + R_PENDING]--;
    this.tryRelease(root);
  }

  /** The family whose invoke made attempt `a` (at a hooked service), -1 if none: not a workflow's call, or its family is over. */
  private callerOf(a: number): number {
    const t = this.model.requests;
    return this.childOfService[t.service[a]] > 0 && this.invokeEdges[t.edge[a]] === 1 ? this.familyRow(t.i32[a * ROW_I32 + I_KEY]) : -1;
  }

  // ------------------------------------------------------------ MachineHost

  chance(): number {
    return this.rng.next();
  }

  entered(mi: number, row: number, s: number): void {
    const st = this.stats[mi], now = this.model.sim.now;
    if (this.measured(mi, row)) st.entries[s]++;
    if (this.seriesAt < now) this.advance(now);
    this.inState[mi][s]++;
    const f = this.flags[mi][s];
    if (f === 0) return;
    if ((f & S_TIMED) !== 0) {
      const m = st.m;
      const a0 = m.afterFirst[s], b0 = this.tBase[mi][s];
      for (let i = a0; i < m.afterFirst[s + 1]; i++) {
        const d = this.afterDist[mi][i], at = now + (d === null ? m.afterMs[i] : d.sample(this.delayRng));
        if (d !== null && !(at <= MAX_TIME_MS)) this.beyondTime(`workflows.machines.${this.names[mi]}.delays.${m.afterName[i]}`, at - now);
        this.arm(mi, row, b0 + i - a0, at, this.afterLane[mi][i]);
      }
      const uf = this.userFirst[mi], u0 = b0 + m.afterFirst[s + 1] - a0 - uf[s];
      for (let i = uf[s]; i < uf[s + 1]; i++) {
        if (this.userP[mi][i] >= 1 || this.rng.next() < this.userP[mi][i]) {
          const at = now + this.userDist[mi][i].sample(this.delayRng);
          if (!(at <= MAX_TIME_MS)) this.beyondTime(`workflows.machines.${this.names[mi]}.events.${m.events[this.userEvent[mi][i]]}.after`, at - now);
          this.arm(mi, row, u0 + i, at, -1);
        }
      }
    }
    if ((f & S_INVOKE) !== 0) this.invoke(row, s);
    if ((f & S_REACHES) !== 0) {
      const I = this.invariants.length, r = this.machines[0], c = row * r.W2 + r.xi + this.cReached;
      for (let i = 0; i < I; i++) {
        const v = this.invariants[i];
        if (v.kind === 'eventually' && r.i32[c + i] === 0 && v.targets.includes(s)) {
          r.i32[c + i] = 1;
          if (this.isOpen(row, i)) this.closeViolation(v, row, i);
          else this.cancelDeadline(row, i);
        }
      }
    }
    if ((f & S_OK) !== 0) {
      const ok = this.okStates[mi];
      for (let k = 0; k < ok.length; k++) {
        if (ok[k] === s) {
          const root = this.rootOf(mi, row), r = this.machines[0], at = root * r.W2 + r.xi + this.okCol[mi];
          if (++r.i32[at] >= 2 && this.measured(0, root)) {
            if (r.i32[at] === 2) this.duplicateFamilies[mi]++;
            this.extraOk[mi]++;
          }
        }
      }
    }
    if ((f & DIRTY) !== 0) this.touched(mi, row, f & DIRTY);
  }

  exiting(mi: number, row: number, s: number): void {
    const st = this.stats[mi], m = st.m, inst = this.machines[mi], ms = this.model.sim.now - inst.sinceOf(row, m.depth[s]);
    if (this.measured(mi, row)) {
      st.stateTimeMs[s] += ms;
      recordTime(st, s, ms);
    }
    if (this.seriesAt < this.model.sim.now) this.advance(this.model.sim.now);
    this.inState[mi][s]--;
    const f = this.flags[mi][s];
    if (f === 0) return;
    // Timers of the state end with it.
    if ((f & S_TIMED) !== 0) {
      const b0 = this.tBase[mi][s], n = m.afterFirst[s + 1] - m.afterFirst[s] + this.userFirst[mi][s + 1] - this.userFirst[mi][s];
      const at = row * inst.W + inst.xf + this.fTimer[mi] + b0;
      for (let k = 0; k < n; k++) if (inst.f64[at + k] >= 0) this.unlinkTimer(mi, row, b0 + k);
    }
    if ((f & S_INVOKE) !== 0) inst.i32[row * inst.W2 + inst.xi + R_CALL] = -1; // its response, when it comes, is not awaited
    if ((f & DIRTY) !== 0) this.touched(mi, row, f & DIRTY);
  }

  took(mi: number, row: number, t: number): void {
    if (this.measured(mi, row)) this.stats[mi].transitions[t]++;
    if (this.observer !== null) this.observer.transition(mi, this.stats[mi].m.source[t], this.stats[mi].m.target[t]);
    if (!this.recording) return;
    const root = this.rootOf(mi, row), r = this.machines[0];
    const n = r.i32[root * r.W2 + r.xi + R_TL]++, at = (root * TIMELINE + (n % TIMELINE)) * 2;
    this.tl[at] = this.model.sim.now;
    this.tl[at + 1] = (mi << 16) | t;
  }

  send(mi: number, row: number, a: number): void {
    const to = this.sendMachine[mi][a], root = this.rootOf(mi, row);
    const target = to === 0 ? root : this.current(root, to);
    if (target < 0 || this.sendEvent[mi][a] <= 0) return;
    if (this.qTail - this.qHead >= this.qMachine.length) this.growQueue();
    const k = this.qTail++ & (this.qMachine.length - 1);
    this.qMachine[k] = to;
    this.qRow[k] = target;
    this.qEvent[k] = this.sendEvent[mi][a];
  }

  inOther(mi: number, row: number, t: number): boolean {
    const to = this.guardMachine[mi][t], root = this.rootOf(mi, row);
    const target = to === 0 ? root : this.current(root, to);
    return target >= 0 && this.machines[to].isIn(target, this.guardState[mi][t]);
  }

  done(mi: number, row: number): void {
    const st = this.stats[mi], inst = this.machines[mi];
    if (!this.measured(mi, row)) return;
    st.ended[inst.leafOf(row)]++;
    if (mi === 0) this.completed++;
  }

  // ------------------------------------------------------------ internals

  /** Instance `row` of machine `mi` entered or left a state that a `never` invariant names or that makes the pair (`bits`): its family's are checked once the model's event is over. */
  private touched(mi: number, row: number, bits: number): void {
    const root = mi === 0 ? row : this.rootOf(mi, row), r = this.machines[0];
    r.i32[root * r.W2 + r.xi + R_DIRTY] |= bits;
  }

  /** Whether instance `row` of machine `mi` counts in the figures: its family was created at or after the warm-up's end. */
  measured(mi: number, row: number): boolean {
    return this.fromFamily === 0 || this.familyIdOf(this.rootOf(mi, row)) >= this.fromFamily;
  }

  /** The start row of the family of instance `row` of machine `mi`. */
  private rootOf(mi: number, row: number): number {
    const inst = this.machines[mi];
    return inst.i32[row * inst.W2 + inst.xi + X_ROOT];
  }

  /** Family `root`'s current instance of machine `mi` (≥ 1), -1 none yet. */
  private current(root: number, mi: number): number {
    const r = this.machines[0];
    return r.i32[root * r.W2 + r.xi + C_CUR + mi];
  }

  /** Whether some instance of child machine `mi` in family `root` (not only its current one: earlier ones live on, e.g. a payment a retry replaced) is in state `s`. */
  private anyIn(root: number, mi: number, s: number): boolean {
    const r = this.machines[0], inst = this.machines[mi];
    for (let x = r.i32[root * r.W2 + r.xi + this.cChild + mi]; x >= 0; x = inst.i32[x * inst.W2 + inst.xi + X_NEXT]) if (inst.isIn(x, s)) return true;
    return false;
  }

  /** Whether invariant `i` is violated in family `root` now. */
  private isOpen(root: number, i: number): boolean {
    const r = this.machines[0], x = r.f64[root * r.W + r.xf + this.fOpen + i];
    return x === x;
  }

  private familyIdOf(root: number): number {
    const r = this.machines[0];
    return r.i32[root * r.W2 + r.xi + R_FID];
  }

  /**
   * Delivers the messages and sends the calls of the step just taken. A call may be answered at
   * once (refused by a breaker or bulkhead): its callDone runs here and may queue more, which
   * this loop (not a nested one) takes on; without end at one instant is refused.
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    let n = 0;
    while (this.qHead < this.qTail || this.toSend.length > 0) {
      if (++n > MAX_AT_ONCE) {
        this.draining = false;
        throw new ScenarioError('workflows', `${MAX_AT_ONCE} messages and calls at ${this.model.sim.now} ms`, 'machines that do not call or message each other without end at one instant (a loop through calls refused at once, or sends)');
      }
      if (this.qHead < this.qTail) {
        const k = this.qHead++ & (this.qMachine.length - 1);
        const mi = this.qMachine[k], row = this.qRow[k];
        this.machines[mi].send(row, this.qEvent[k]);
        this.afterStep(this.rootOf(mi, row));
        if (this.qHead === this.qTail) this.qHead = this.qTail = 0;
      } else {
        this.model.sendExternal(this.toSend.pop()!); // may answer at once: callDone runs here, after the step
      }
    }
    this.draining = false;
  }

  /**
   * The model's event is over (TopologyHooks.settle): every family a step touched is checked once
   * — what held only within the event (a state left again in the same event's cascades: a
   * `release` delivered in the cancel's drain, a callee's answer and its caller's onDone) was never
   * observable — and then the families that ended are released.
   */
  settle(): void {
    if (this.nCheck > 0) {
      for (let k = 0; k < this.nCheck; k++) this.check(this.toCheck[k]);
      this.nCheck = 0;
    }
    while (this.toRelease.length > 0) this.release(this.toRelease.pop()!);
  }

  private invoke(root: number, s: number): void {
    const model = this.model, c = model.externalCall(this.invokeEdge[s]), r = this.machines[0], at = root * r.W2 + r.xi;
    this.growCalls(c);
    this.callRoot[c] = root;
    model.requests.i32[c * ROW_I32 + I_KEY] = r.i32[at + R_FID];
    r.i32[at + R_CALL] = c;
    r.i32[at + R_PENDING]++;
    this.toSend.push(c);
  }

  /**
   * After a step of family `root`: if it touched its pair or a state a `never` invariant names,
   * the family is checked once, when the model's event is over (`settle`), so that a combined
   * state held only within the event (an order Cancelled whose `release` reaches its inventory in
   * the same drain; a payment's answer and its order's onDone) opens no violation and enters no
   * pair.
   */
  private afterStep(root: number): void {
    const inst = this.machines[0], at = root * inst.W2 + inst.xi, dirty = inst.i32[at + R_DIRTY];
    if (dirty === 0 || (dirty & R_QUEUED) !== 0) return;
    inst.i32[at + R_DIRTY] = dirty | R_QUEUED;
    if (this.nCheck === this.toCheck.length) this.toCheck = grow(this.toCheck, this.nCheck * 2);
    this.toCheck[this.nCheck++] = root;
  }

  /** At the end of the model's event, family `root`: its pair's occupancy and the `never` invariants. */
  private check(root: number): void {
    const C = this.machines.length, inst = this.machines[0], now = this.model.sim.now, at = root * inst.W2 + inst.xi;
    const dirty = inst.i32[at + R_DIRTY];
    if (dirty === 0) return; // neither the pair nor a state a `never` invariant names changed
    inst.i32[at + R_DIRTY] = 0;
    if ((dirty & S_PAIR) !== 0 && this.paired > 0) {
      const pm = this.machines[this.paired], width = pm.m.names.length + 1, was = inst.i32[at + R_PAIR];
      let part: number;
      if ((dirty & S_CHILD) === 0 && was >= 0) part = was % width; // the paired child did not move
      else {
        const child = inst.i32[at + C_CUR + this.paired];
        part = child >= 0 ? pm.leafOf(child) + 1 : 0;
      }
      const pair = inst.leafOf(root) * width + part;
      if (pair !== was) {
        const f = root * inst.W + inst.xf + F_PAIR_SINCE;
        const measured = this.measured(0, root);
        if (was >= 0 && measured) this.pairTimeMs[was] += now - inst.f64[f];
        inst.i32[at + R_PAIR] = pair;
        inst.f64[f] = now;
        if (measured) this.pairEntries[pair]++;
      }
      for (let k = 0; k < this.morePaired.length; k++) this.pairWith(root, k, now);
    }
    if ((dirty & S_NEVER) === 0) return;
    const never = this.neverIdx;
    for (let j = 0; j < never.length; j++) {
      const i = never[j], v = this.invariants[i];
      let holds = true;
      for (let mi = 0; mi < C && holds; mi++) {
        const s = v.states[mi];
        if (s < 0) continue;
        holds = mi === 0 ? inst.isIn(root, s) : this.anyIn(root, mi, s);
      }
      const open = this.isOpen(root, i);
      if (holds && !open) this.openViolation(v, root, i);
      else if (!holds && open) this.closeViolation(v, root, i);
    }
  }

  /** Family `root`'s pair with the k-th of `morePaired`, as the pair with `paired` above. */
  private pairWith(root: number, k: number, now: number): void {
    const inst = this.machines[0], at = root * inst.W2 + inst.xi, ci = this.morePaired[k], cm = this.machines[ci];
    const child = inst.i32[at + C_CUR + ci], width = cm.m.names.length + 1;
    const pair = inst.leafOf(root) * width + (child >= 0 ? cm.leafOf(child) + 1 : 0), was = inst.i32[at + this.cPairs + k];
    if (pair === was) return;
    const f = root * inst.W + inst.xf + this.fPairs + k, measured = this.measured(0, root);
    if (was >= 0 && measured) this.morePairTimeMs[k][was] += now - inst.f64[f];
    inst.i32[at + this.cPairs + k] = pair;
    inst.f64[f] = now;
    if (measured) this.morePairEntries[k][pair]++;
  }

  /** At the end of family `root` or of the run: the time in its current pairs with `morePaired`. */
  private closePairs(root: number, now: number): void {
    const inst = this.machines[0], at = root * inst.W2 + inst.xi, f = root * inst.W + inst.xf + this.fPairs;
    if (!this.measured(0, root)) return;
    for (let k = 0; k < this.morePaired.length; k++) {
      const pair = inst.i32[at + this.cPairs + k];
      if (pair >= 0) this.morePairTimeMs[k][pair] += now - inst.f64[f + k];
      inst.f64[f + k] = now;
    }
  }

  private openViolation(v: Invariant, root: number, i: number): void {
    if (!this.measured(0, root)) return; // a family of the warm-up: not counted (it never opens, so never closes)
    const now = this.model.sim.now, r = this.machines[0];
    r.f64[root * r.W + r.xf + this.fOpen + i] = now;
    v.count++;
    if (v.example === null) {
      v.example = { instance: this.familyIdOf(root), atMs: now, timeline: this.timeline(root) };
      this.recording = this.invariants.some((x) => x.example === null);
    }
  }

  private closeViolation(v: Invariant, root: number, i: number): void {
    const r = this.machines[0], f = root * r.W + r.xf + this.fOpen + i, ms = this.model.sim.now - r.f64[f];
    r.f64[f] = NaN;
    v.resolved++;
    v.totalMs += ms;
    if (ms > v.maxMs) v.maxMs = ms;
  }

  /** The family's last transitions, oldest first, as text. */
  timeline(root: number): string[] {
    const r = this.machines[0], n = r.i32[root * r.W2 + r.xi + R_TL], out: string[] = [];
    for (let k = Math.max(0, n - TIMELINE); k < n; k++) {
      const at = (root * TIMELINE + (k % TIMELINE)) * 2, code = this.tl[at + 1];
      const mi = code >>> 16, t = code & 0xffff, m = this.machines[mi].m;
      const target = m.target[t] >= 0 ? m.names[m.target[t]] : '(stays)';
      out.push(`${fmtMs(this.tl[at])} ms  ${this.names[mi]}: ${m.names[m.source[t]]} --${m.labels[t]}--> ${target}`);
    }
    if (n > TIMELINE) out.unshift(`(${n - TIMELINE} earlier transitions not kept)`);
    return out;
  }

  /** A delay drawn from the distribution at `path` would end past the last time a run can reach. */
  private beyondTime(path: string, ms: number): never {
    throw new ScenarioError(path, ms, `a delay that ends within ${MAX_TIME_MS} ms (≈ 317 years) of simulated time, where times in ms stop being exact (drawn at ${this.model.sim.now} ms): bound the distribution`);
  }

  /** A timer in slot `slot` of instance `row` of machine `mi` (see X_ROOT), pending in its family. */
  private arm(mi: number, row: number, slot: number, atMs: number, lane: number): void {
    const M = this.machines.length, inst = this.machines[mi], target = (row * this.tSlots[mi] + slot) * M + mi;
    if (target > MAX_TARGET) throw new RangeError(`workflows: more than ${Math.floor(MAX_TARGET / (this.tSlots[mi] * M))} live instances of machine ${this.names[mi]} with timers`);
    inst.f64[row * inst.W + inst.xf + this.fTimer[mi] + slot] = lane >= 0 ? this.model.sim.scheduleLane(lane, atMs, WORKFLOW, target) : this.model.sim.schedule(atMs, WORKFLOW, target);
    const root = inst.i32[row * inst.W2 + inst.xi + X_ROOT], r = this.machines[0];
    r.i32[root * r.W2 + r.xi + R_PENDING]++;
  }

  /** Timer `slot` of instance `row` of machine `mi` ends (came due or cancelled): no longer pending. Returns the instance's family (root row). */
  private unlinkTimer(mi: number, row: number, slot: number): number {
    const inst = this.machines[mi];
    inst.f64[row * inst.W + inst.xf + this.fTimer[mi] + slot] = -1;
    const root = inst.i32[row * inst.W2 + inst.xi + X_ROOT], r = this.machines[0];
    r.i32[root * r.W2 + r.xi + R_PENDING]--;
    return root;
  }

  private cancelDeadline(root: number, i: number): void {
    const r = this.machines[0], slot = this.tDeadline + i;
    if (r.f64[root * r.W + r.xf + this.fTimer[0] + slot] >= 0) this.unlinkTimer(0, root, slot);
  }

  /**
   * Family `root` ends once its start instance is final and nothing of it is pending: its rows are
   * recycled when the model's event is over (`settle`: it is checked first, and its rows may still
   * have messages in hand).
   */
  private tryRelease(root: number): void {
    const inst = this.machines[0], at = root * inst.W2 + inst.xi;
    if (inst.aliveOf(root) !== 2 || inst.i32[at + R_PENDING] > 0) return;
    this.toRelease.push(root);
  }

  /** Family `root`, ended (see tryRelease), leaves: its pairs and open violations are closed, its rows freed. */
  private release(root: number): void {
    const inst = this.machines[0], at = root * inst.W2 + inst.xi;
    if (inst.aliveOf(root) !== 2 || inst.i32[at + R_PENDING] > 0) return; // already released (listed twice)
    const now = this.model.sim.now, f = root * inst.W + inst.xf;
    if (inst.i32[at + R_PAIR] >= 0 && this.measured(0, root)) this.pairTimeMs[inst.i32[at + R_PAIR]] += now - inst.f64[f + F_PAIR_SINCE];
    if (this.morePaired.length > 0) this.closePairs(root, now);
    const I = this.invariants.length;
    for (let i = 0; i < I; i++) {
      if (inst.f64[f + this.fOpen + i] === inst.f64[f + this.fOpen + i]) {
        inst.f64[f + this.fOpen + i] = NaN;
        this.invariants[i].unresolved++; // the instance ended inconsistent
      }
    }
    for (let ci = 1; ci < this.machines.length; ci++) {
      const child = this.machines[ci];
      for (let x = inst.i32[at + this.cChild + ci]; x >= 0;) {
        const next = child.i32[x * child.W2 + child.xi + X_NEXT];
        for (let k = 0, f = x * child.W + child.xf + this.fTimer[ci]; k < this.tSlots[ci]; k++) if (child.f64[f + k] >= 0) this.unlinkTimer(ci, x, k);
        this.finishStates(ci, x);
        child.release(x);
        x = next;
      }
      inst.i32[at + this.cChild + ci] = -1;
    }
    this.finishStates(0, root);
    this.removeFamily(root);
    inst.release(root);
    if (this.liveFamilies === 0) this.model.maybeStop();
  }

  /** An instance leaves: the time in its active states is counted; a child not final counts where it ended. */
  private finishStates(mi: number, row: number): void {
    const inst = this.machines[mi], st = this.stats[mi], m = st.m, now = this.model.sim.now;
    for (let s = this.measured(mi, row) ? inst.leafOf(row) : 0; s > 0; s = m.parent[s]) {
      if (m.final[s] === 1) continue; // a final state is where it ended, not a state it waits in
      const ms = now - inst.sinceOf(row, m.depth[s]);
      st.stateTimeMs[s] += ms;
      recordTime(st, s, ms);
    }
    if (inst.aliveOf(row) === 1 && this.measured(mi, row)) st.ended[inst.leafOf(row)]++;
    if (this.seriesAt < now) this.advance(now);
    for (let s = inst.leafOf(row); s >= 0; s = m.parent[s]) this.inState[mi][s]--;
  }

  /** Records the times in state that wait in every machine's `timeBuf` (before its histograms are read). */
  flushTimes(): void {
    for (const st of this.stats) for (let s = 0; s < st.timeN.length; s++) flushTime(st, s);
  }

  /** Integrates the occupancy of every state up to `now`. */
  advance(now: number): void {
    while (this.seriesAt < now) {
      let b = Math.floor(this.seriesAt / this.bucketMs);
      if ((b + 1) * this.bucketMs <= this.seriesAt) b++; // rounding at a bucket's end
      if (b >= NB) {
        this.mergeBuckets();
        continue;
      }
      const end = Math.min(now, (b + 1) * this.bucketMs), dt = end - this.seriesAt;
      for (let mi = 0; mi < this.machines.length; mi++) {
        const live = this.inState[mi], series = this.series[mi];
        for (let s = 1; s < live.length; s++) if (live[s] !== 0) series[s * NB + b] += live[s] * dt;
      }
      this.seriesAt = end;
    }
  }

  /** Buckets twice as wide: neighbours summed. */
  private mergeBuckets(): void {
    for (const series of this.series) {
      for (let base = 0; base < series.length; base += BUCKETS) {
        for (let i = 0; i < BUCKETS / 2; i++) series[base + i] = series[base + 2 * i] + series[base + 2 * i + 1];
        series.fill(0, base + BUCKETS / 2, base + BUCKETS);
      }
    }
    this.bucketMs *= 2;
  }

  /** At the end of the run: families still live count where they are (their pairs, open violations stay open). */
  finish(): void {
    const now = this.model.sim.now;
    this.advance(now);
    const r = this.machines[0];
    for (const root of this.liveRoots()) {
      const pair = r.i32[root * r.W2 + r.xi + R_PAIR], f = root * r.W + r.xf;
      if (pair >= 0 && this.measured(0, root)) this.pairTimeMs[pair] += now - r.f64[f + F_PAIR_SINCE];
      r.f64[f + F_PAIR_SINCE] = now;
      if (this.morePaired.length > 0) this.closePairs(root, now);
      const I = this.invariants.length;
      for (let i = 0; i < I; i++) if (this.isOpen(root, i)) this.invariants[i].unresolved++;
    }
  }

  /** Families still live at the end, and the start machine's states they are in. */
  liveStates(): Map<number, number> {
    const out = new Map<number, number>();
    for (const root of this.liveRoots()) {
      const s = this.machines[0].leafOf(root);
      out.set(s, (out.get(s) ?? 0) + 1);
    }
    return out;
  }

  /** The start row of live family `fid`, -1 if none. */
  private familyRow(fid: number): number {
    const r = this.famSlot[fid & (this.famSlot.length - 1)];
    if (r >= 0 && this.familyIdOf(r) === fid) return r;
    return this.famOverflow.size > 0 ? this.famOverflow.get(fid) ?? -1 : -1;
  }

  private addFamily(fid: number, row: number): void {
    if (++this.liveFamilies * 2 > this.famSlot.length) {
      this.famSlot = new Int32Array(this.famSlot.length * 2).fill(-1);
      this.famOverflow.clear();
      for (const r of this.liveRoots()) if (r !== row) this.slotFamily(this.familyIdOf(r), r);
    }
    this.slotFamily(fid, row);
  }

  private slotFamily(fid: number, row: number): void {
    const k = fid & (this.famSlot.length - 1);
    if (this.famSlot[k] < 0) this.famSlot[k] = row;
    else this.famOverflow.set(fid, row);
  }

  private removeFamily(row: number): void {
    const fid = this.familyIdOf(row), k = fid & (this.famSlot.length - 1), r = this.machines[0];
    if (this.famSlot[k] === row) this.famSlot[k] = -1;
    else this.famOverflow.delete(fid);
    r.i32[row * r.W2 + r.xi + R_FID] = 0;
    this.liveFamilies--;
  }

  /** The start rows of the live families, oldest first. */
  private liveRoots(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.machines[0].capacity; r++) if (this.familyIdOf(r) > 0) out.push(r);
    return out.sort((a, b) => this.familyIdOf(a) - this.familyIdOf(b));
  }

  private growTimeline(row: number): void {
    const rows = this.tl.length / (TIMELINE * 2);
    if (row >= rows) this.tl = grow(this.tl, Math.max(row + 1, rows * 2) * TIMELINE * 2);
  }

  private growCalls(c: number): void {
    if (c >= this.callRoot.length) this.callRoot = grow(this.callRoot, Math.max(c + 1, this.callRoot.length * 2));
  }

  private growAttempts(a: number): void {
    if (a < this.attemptChild.length) return;
    const n = Math.max(a + 1, this.attemptChild.length * 2);
    this.attemptChild = grow(this.attemptChild, n);
    this.attemptTook = grow(this.attemptTook, n);
    this.attemptLive = grow(this.attemptLive, n);
  }

  private growQueue(): void {
    const n = this.qMachine.length, used = this.qTail - this.qHead;
    const qm = new Int32Array(n * 2), qr = new Int32Array(n * 2), qe = new Int32Array(n * 2);
    for (let i = 0; i < used; i++) {
      const k = (this.qHead + i) & (n - 1);
      qm[i] = this.qMachine[k];
      qr[i] = this.qRow[k];
      qe[i] = this.qEvent[k];
    }
    this.qMachine = qm;
    this.qRow = qr;
    this.qEvent = qe;
    this.qHead = 0;
    this.qTail = used;
  }
}

/** Time `ms` in state `s` for its histogram (WorkflowMachineStats.timeBuf). */
function recordTime(st: WorkflowMachineStats, s: number, ms: number): void {
  let buf = st.timeBuf[s];
  if (buf.length === 0) buf = st.timeBuf[s] = new Float64Array(TIME_BUF);
  buf[st.timeN[s]++] = ms;
  if (st.timeN[s] === TIME_BUF) flushTime(st, s);
}

function flushTime(st: WorkflowMachineStats, s: number): void {
  const n = st.timeN[s], buf = st.timeBuf[s], h = st.timeHistograms[s];
  if (n === 0) return;
  for (let k = 0; k < n; k++) h.record(buf[k]);
  st.timeN[s] = 0;
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

const fmtMs = (x: number) => (Math.round(x * 10) / 10).toString();

/** Whether state `a` of machine `m` is `b` or inside it (re-exported for summaries). */
export { within };
