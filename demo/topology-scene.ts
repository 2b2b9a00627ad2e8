/**
 * The view-model of an animated topology (services calling services): it watches a
 * `TopologyModel` (as its `TopologyObserver`), keeps one dot per attempt — a call from the
 * clients to the entry service or from a caller's server to a callee's — and computes, at the
 * model's current time, where each dot is and how it looks. It knows nothing of pixi: a renderer
 * (topology-view.ts) copies `particles` and reads `model.pool` and `model.edges` each frame.
 *
 * A dot's life: the attempt is sent → Travel (from its caller's server box, or the clients, to
 * its place at the callee: a waiting place above the box or a slot in it; `travelMs`) → AtServer
 * (following its queue place, or in its slot while it works and while it waits for its own
 * calls) → when the attempt ends, Leaving (`leaveMs`): an answer (succeeded, failed) flies back
 * to the caller in the outcome's colour and shape; a dropped or rejected attempt falls where it
 * was turned away; an attempt refused at its edge (circuit breaker open, bulkhead full) flies from
 * the caller to the edge's middle and falls there; an attempt nobody waits for any more (its
 * caller timed out, or no longer needs it) is drawn faded while it runs on, and fades out where
 * it ends, showing what its caller saw (timed out) or that it was withdrawn (cancelled).
 *
 * Time is simulated ms throughout; with `reducedMotion` dots jump to their places and fade where
 * they are. This module (and the topology engine with it) is loaded by the element only for a
 * topology scenario.
 */
import { TopologyModel } from '../src/model/topology.js';
import type { TopologyObserver } from '../src/model/topology-observer.js';
import { toTopologyConfig, type Scenario } from '../src/scenario/pool-scenario.js';
// A topology's parser and the presets of topologies and workflows travel in this file: the
// element loads it only for a topology (scenario-parse.ts, scenario-source.ts).
export { parseTopologyScenario } from '../src/scenario/topology-scenario.js';
export { preset, presetNames } from '../src/scenario/presets.js';
import { AttemptState } from '../src/model/states.js';
import { computeTopologyLayout, minTopologyHeight, shiftTopologyLayout, tiersOf, topologyQueueX, type TopologyLayout } from './topology-layout.js';
import { Phase } from './particles.js';
import { IN_FLIGHT } from './palette.js';
import { DotScene, MAX_DOTS, type SceneOptions } from './dot-scene.js';
import { TopologyView, type PixiKit } from './topology-view.js';
import type { Atlas } from './atlas.js';
import type { Theme } from './theme.js';
import type { Ending } from './outcomes.js';
import type { KeyWords } from './legend-view.js';
import { topologyEndings } from './topology-endings.js';
import { F_ARRIVAL, F_SENT, I_CALL, I_MEASURED, I_SERVER, I_STATE, ROW_F64, ROW_I32 } from '../src/model/request-table.js';

/** The key's words for a topology: dots are attempts, no power gauge, no server menu. */
export const TOPOLOGY_KEY: KeyWords = {
  power: false,
  note: '(colour-blind-safe) · faded: nobody waits for it',
  hint: 'A dot is an attempt: it flies from its caller\'s server to a server of the service it calls, and back with the answer. A badge on an edge shows its circuit breaker or bulkhead; crosses falling on an edge were refused there.',
};

const GHOST_ALPHA = 0.4;
const ORPHAN = -2;
/** Queue places walked per server and frame. */
const MAX_PLACES_WALKED = 512;
/** What a dot shows when it leaves: an answer flying back, a fall, a fade where it is, a refusal at the edge. */
const Exit = { Answer: 0, Fall: 1, Fade: 2, Refused: 3 } as const;

export class TopologyScene extends DotScene<TopologyModel, TopologyLayout> implements TopologyObserver {
  readonly kind = 'topology';
  readonly keyWords = TOPOLOGY_KEY;
  /**
   * What the scene saw of measured attempts (the engine's per-service and per-edge counters count
   * measured ones only): attempts sent to each service, their endings [service * 9 + AttemptState],
   * and attempts refused at each edge.
   */
  readonly sentSeen: Float64Array;
  readonly endedSeen: Float64Array;
  readonly refusedSeen: Float64Array;
  /** Entry requests whose latency went to the charts. */
  latenciesCharted = 0;
  /** Service of each server, and the number of tiers drawn. */
  readonly serviceOf: Int32Array;
  readonly tiers: number;

  /** Per dot: its caller's server (-1: the clients), its edge, where it goes when leaving, and how. */
  private home = new Int32Array(512);
  private edgeOf = new Int32Array(512);
  private toX = new Float32Array(512);
  private toY = new Float32Array(512);
  private exit = new Uint8Array(512);
  /** Per dot: the outcome its caller saw when it stopped waiting (0: none). */
  private saw = new Uint8Array(512);
  /** The part of the scene the topology is drawn in (null: all of it); a workflow's statechart takes the rest. */
  protected frame: ((width: number, height: number) => { x: number; y: number; w: number; h: number }) | null = null;
  private tx = 0;
  private ty = 0;

  constructor(
    model: TopologyModel,
    options: SceneOptions,
    /** Endings the key lists (topology-endings.ts). */
    readonly endings: ReadonlySet<Ending> = new Set<Ending>(['succeeded']),
  ) {
    super(model, options);
    const n = model.pool.size;
    this.serviceOf = new Int32Array(n);
    for (const svc of model.services) this.serviceOf.fill(svc.index, svc.lo, svc.hi);
    this.sentSeen = new Float64Array(model.services.length);
    this.endedSeen = new Float64Array(model.services.length * 9);
    this.refusedSeen = new Float64Array(model.edges.length);
    const tier = tiersOf(model.services.length, this.entryServices(), this.serviceEdges());
    this.tiers = Math.max(...tier) + 1;
    this.layout = this.buildLayout();
    this.freeSlots();
    model.observer = this;
  }

  /** A scene of a topology scenario (its own engine, at time 0). */
  static of(scenario: Scenario, options: SceneOptions): TopologyScene {
    return new TopologyScene(new TopologyModel(toTopologyConfig(scenario)), options, topologyEndings(scenario));
  }

  /** Its pixi view (made here so that it comes in this file, not the renderer's). */
  createView(kit: PixiKit, atlas: Atlas, theme: Theme, resolution: number): TopologyView {
    return new TopologyView(kit, this, atlas, theme, resolution);
  }

  /** Least height at which the scene stays readable (figure-layout's `minHeight`). */
  get minHeight(): number {
    return minTopologyHeight(this.tiers);
  }

  // ---- TopologyObserver ----

  attempt(a: number, state: number): void {
    const t = this.model.requests;
    let p = a < this.particleOf.length ? this.particleOf[a] : -1;
    if (p < 0) {
      // First news of this attempt: it was sent now.
      const s = state === AttemptState.Rejected ? -1 : t.i32[a * ROW_I32 + I_SERVER];
      const svc = t.service[a];
      if (s >= 0) this.dispatchedTo[s]++;
      if (t.i32[a * ROW_I32 + I_MEASURED]) this.sentSeen[svc]++;
      if (this.particles.count >= MAX_DOTS) {
        this.undrawn++;
        if (state > AttemptState.InService && t.i32[a * ROW_I32 + I_MEASURED]) this.endedSeen[svc * 9 + state]++;
        return;
      }
      p = this.spawnDot(this.callerServer(a), t.edge[a], s);
      if (state <= AttemptState.InService) {
        this.attach(a, p);
        return;
      }
    }
    if (state <= AttemptState.InService) return; // queued again, or started: the frame places it
    if (t.i32[a * ROW_I32 + I_MEASURED]) this.endedSeen[t.service[a] * 9 + state]++;
    // An entry request answered: its latency, as the engine counts it (an answer over a network edge arrives later).
    const c = t.i32[a * ROW_I32 + I_CALL];
    if (state === AttemptState.Succeeded && c >= 0 && t.parent[c] === -1 && t.i32[c * ROW_I32 + I_MEASURED]) {
      this.series.recordLatency(this.model.sim.now - t.f64[c * ROW_F64 + F_ARRIVAL]);
      this.latenciesCharted++;
    }
    if (this.particleOf[a] === p) this.particleOf[a] = -1;
    this.end(a, p, state);
  }

  refused(c: number): void {
    const t = this.model.requests, e = t.edge[c];
    if (t.i32[c * ROW_I32 + I_MEASURED]) this.refusedSeen[e]++;
    if (this.particles.count >= MAX_DOTS) return;
    const p = this.spawnDot(this.callerOfCall(c), e, -1);
    const ps = this.particles, L = this.layout, to = this.model.edges[e].to;
    this.homePoint(p);
    const x0 = this.tx, y0 = this.ty;
    ps.x[p] = x0;
    ps.y[p] = y0;
    ps.outcome[p] = AttemptState.Rejected;
    this.exit[p] = Exit.Refused;
    this.toX[p] = (x0 + L.groupCX[to]) / 2;
    this.toY[p] = (y0 + L.portInY[to]) / 2;
    this.leave(p, this.model.sim.now);
  }

  timedOut(a: number): void {
    const p = a < this.particleOf.length ? this.particleOf[a] : -1;
    if (p >= 0) this.saw[p] = AttemptState.TimedOut;
  }

  // ---- per frame ----

  /** Dot p this frame: flying to its place (or where it lands), at its server, or leaving (see DotScene.frameDot). */
  protected frameDot(p: number, now: number, follow: number, travel: number): number {
    const ps = this.particles, t = this.model.requests;
    let phase = ps.phase[p];
    if (phase === Phase.Travel) {
      const u = travel > 0 ? (now - ps.t0[p]) / travel : 1;
      const a = ps.request[p];
      if (u < 1) {
        if (a >= 0) this.target(p, a);
        else this.at(this.toX[p], this.toY[p]);
        ps.x[p] = ps.fromX[p] + (this.tx - ps.fromX[p]) * u;
        ps.y[p] = ps.fromY[p] + (this.ty - ps.fromY[p]) * u;
      } else if (a >= 0) {
        ps.phase[p] = phase = Phase.AtServer;
      } else {
        // It ended while flying: it lands, then shows how.
        ps.x[p] = this.toX[p];
        ps.y[p] = this.toY[p];
        this.leave(p, ps.t0[p] + travel);
        phase = Phase.Leaving;
      }
    }
    if (phase === Phase.AtServer) {
      this.target(p, ps.request[p]);
      ps.x[p] += (this.tx - ps.x[p]) * follow;
      ps.y[p] += (this.ty - ps.y[p]) * follow;
    }
    if (phase === Phase.Leaving) return this.animateLeaving(p, now) ? -1 : 0;
    const a = ps.request[p];
    const c = t.i32[a * ROW_I32 + I_CALL];
    ps.alpha[p] = c >= 0 && t.parent[c] !== ORPHAN && !t.wasted[a] ? 1 : GHOST_ALPHA;
    ps.color[p] = this.ageColor(now - this.arrivalOf(a));
    ps.shape[p] = IN_FLIGHT.shape;
    return 1;
  }

  /** Counters for tests and the page hook: the scene's, and the topology's shape and refusals. */
  override counters(): Record<string, number> {
    return {
      ...super.counters(),
      services: this.model.services.length, tiers: this.tiers, edges: this.model.edges.length,
      refusedAtEdges: this.refusedSeen.reduce((a, b) => a + b, 0),
    };
  }

  dotStats(): { colours: number; minScale: number; maxScale: number } {
    const ps = this.particles, colours = new Set<number>();
    for (let i = 0; i < ps.count; i++) if (ps.request[ps.live[i]] >= 0) colours.add(ps.color[ps.live[i]]);
    return { colours: colours.size, minScale: 1, maxScale: 1 };
  }

  // ---- internals ----

  private serviceEdges(): { from: number; to: number }[] {
    return this.model.edges.filter((e) => e.from >= 0);
  }

  /** The entry services: where the clients' edges go (edge k is entry k's; the first is the main one). */
  private entryServices(): number[] {
    return this.model.edges.filter((e) => e.from < 0).map((e) => e.to);
  }

  protected buildLayout(): TopologyLayout {
    const pool = this.model.pool, r = this.frame?.(this.width, this.height);
    const L = computeTopologyLayout({
      width: r ? r.w : this.width, height: r ? r.h : this.height, entries: this.entryServices(), edges: this.serviceEdges(),
      services: this.model.services.map((svc) => ({ name: svc.name, concurrency: pool.concurrency.subarray(svc.lo, svc.hi) })),
    });
    return r ? shiftTopologyLayout(L, r.x, r.y, this.width, this.height) : L;
  }

  /** Server of the attempt that made call `c` (-1: the external client). */
  private callerOfCall(c: number): number {
    const t = this.model.requests, parent = t.parent[c];
    return parent >= 0 ? t.i32[parent * ROW_I32 + I_SERVER] : -1;
  }

  private callerServer(a: number): number {
    const c = this.model.requests.i32[a * ROW_I32 + I_CALL];
    return c >= 0 ? this.callerOfCall(c) : -1;
  }

  /** When the entry request that attempt `a` works for arrived (walks up its chain of calls). */
  private arrivalOf(a: number): number {
    const t = this.model.requests;
    let c = t.i32[a * ROW_I32 + I_CALL];
    if (c < 0) return t.f64[a * ROW_F64 + F_SENT];
    for (let k = 0; k < 64 && t.parent[c] >= 0; k++) {
      const up = t.i32[t.parent[c] * ROW_I32 + I_CALL];
      if (up < 0) break;
      c = up;
    }
    return t.f64[c * ROW_F64 + F_ARRIVAL];
  }

  /** Where dot p's caller is (into tx, ty): its server box's centre, or the clients. */
  private homePoint(p: number): void {
    const L = this.layout, s = this.home[p];
    if (s < 0 || s >= L.servers) this.at(L.clientX, L.clientY);
    else this.at(L.boxX[s] + L.boxW[s] / 2, L.boxY[s] + L.boxH / 2);
  }

  /** The point computed last, by `target` and `homePoint` (no tuple per call). */
  private at(x: number, y: number): void {
    this.tx = x;
    this.ty = y;
  }

  /** A dot from caller server `home` (-1: the clients) over `edge` to `server` (-1: none took it). */
  private spawnDot(home: number, edge: number, server: number): number {
    const ps = this.particles, p = this.newDot(server);
    if (p >= this.home.length) this.grow(ps.size);
    this.home[p] = home;
    this.edgeOf[p] = edge;
    this.saw[p] = 0;
    this.homePoint(p);
    ps.x[p] = ps.fromX[p] = this.toX[p] = this.tx;
    ps.y[p] = ps.fromY[p] = this.toY[p] = this.ty;
    return p;
  }

  private grow(size: number): void {
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const f32 = (a: Float32Array) => {
      const b = new Float32Array(size);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(size);
      b.set(a);
      return b;
    };
    this.home = i32(this.home);
    this.edgeOf = i32(this.edgeOf);
    this.toX = f32(this.toX);
    this.toY = f32(this.toY);
    this.exit = u8(this.exit);
    this.saw = u8(this.saw);
  }

  /** Attempt `a` (dot `p`) ended in `state`: how its dot leaves. */
  private end(a: number, p: number, state: number): void {
    const ps = this.particles, t = this.model.requests, L = this.layout, s = ps.server[p];
    const c = t.i32[a * ROW_I32 + I_CALL];
    const awaited = c >= 0 && t.parent[c] !== ORPHAN && this.saw[p] === 0;
    ps.outcome[p] = this.saw[p] || state;
    ps.request[p] = -1;
    this.releaseSlot(p);
    if (!awaited || state === AttemptState.Cancelled) this.exit[p] = Exit.Fade;
    else if (state === AttemptState.Succeeded || state === AttemptState.Failed) this.exit[p] = Exit.Answer;
    else this.exit[p] = Exit.Fall;
    if (ps.phase[p] === Phase.AtServer) {
      this.leave(p, this.model.sim.now);
      return;
    }
    // Still flying: it lands where it was going (its place, or its group's name when no server took it).
    if (s >= 0) {
      this.toX[p] = ps.x[p] + (L.boxX[s] + L.boxW[s] / 2 - ps.x[p]) * 0.9;
      this.toY[p] = state === AttemptState.Dropped ? L.queueY[s] : L.boxY[s] + L.boxH / 2;
    } else {
      const to = this.model.edges[this.edgeOf[p]].to;
      this.toX[p] = L.groupCX[to];
      this.toY[p] = L.labelY[to];
    }
  }

  /** Dot p starts leaving at `t0` from where it is: where it goes depends on its exit. */
  protected override leave(p: number, t0: number): void {
    super.leave(p, t0);
    const ps = this.particles;
    ps.alpha[p] = this.exit[p] === Exit.Fade ? GHOST_ALPHA : 1;
    if (this.exit[p] === Exit.Answer) {
      this.homePoint(p);
      this.toX[p] = this.tx;
      this.toY[p] = this.ty;
    } else if (this.exit[p] === Exit.Fall) {
      this.toX[p] = ps.x[p];
      this.toY[p] = ps.y[p] + this.layout.dotR * 4 + 6;
    } else if (this.exit[p] === Exit.Fade) {
      this.toX[p] = ps.x[p];
      this.toY[p] = ps.y[p];
    }
    // Refused: toX/toY (the edge's middle) were set by `refused`, fromX/fromY is the caller.
  }

  /** Moves a leaving dot toward its exit and fades it; retires it (true) when done. */
  private animateLeaving(p: number, now: number): boolean {
    const ps = this.particles;
    const u = this.leftAt(p, now);
    if (u >= 1) return true;
    const faded = this.exit[p] === Exit.Fade;
    ps.alpha[p] = (faded ? GHOST_ALPHA : 1) * (u < 0.6 ? 1 : (1 - u) / 0.4);
    if (this.reducedMotion) return false;
    const v = this.exit[p] === Exit.Fall ? u * u : Math.min(1, u / 0.7);
    ps.x[p] = ps.fromX[p] + (this.toX[p] - ps.fromX[p]) * v;
    ps.y[p] = ps.fromY[p] + (this.toY[p] - ps.fromY[p]) * v;
    return false;
  }

  /** Where dot p of attempt a belongs now (into tx, ty): its slot while it holds one, else its waiting place. */
  private target(p: number, a: number): void {
    const ps = this.particles, L = this.layout, t = this.model.requests, s = ps.server[p];
    if (t.i32[a * ROW_I32 + I_STATE] === AttemptState.InService) {
      if (t.holding[a]) {
        if (ps.slot[p] === -1) this.takeSlot(p);
        const k = this.slotAt(p);
        return this.at(L.slotX[k], L.slotY[k]);
      }
      this.releaseSlot(p); // gave its slot up while it waits for its calls (hold: false): above its box
      return this.at(L.boxX[s] + L.boxW[s] - L.dotR * 1.5, L.queueY[s]);
    }
    this.releaseSlot(p);
    const k = ps.place[p];
    this.at(topologyQueueX(L, s, k < 0 ? L.queuePlaces[s] - 1 : k), L.queueY[s]);
  }

  protected walkQueues(): void {
    for (let s = 0; s < this.model.pool.size; s++) this.walkQueue(s, MAX_PLACES_WALKED);
  }
}
