/**
 * The view-model of one animated simulation: it watches a `Model` (as its `ModelObserver`),
 * keeps one dot per attempt at a server (a request, or a retry or hedge of it) plus the dots
 * showing how attempts ended, and computes,
 * at the model's current time, where each dot is and how it looks. It knows nothing of pixi:
 * a renderer copies `particles` and reads `model.pool` each frame.
 *
 * A dot's life: dispatched → Travel (clients → balancer → its place at the server, `travelMs`)
 * → AtServer (in its queue place or concurrency slot, following the queue as it moves) → when
 * the request ends, Leaving (`leaveMs`: succeeded flies to the exit, dropped / failed fall,
 * timed out fades) → retired. An ending that happens mid-flight is shown on arrival, so the
 * order of what the reader sees is always the order of events.
 *
 * Work a client stopped waiting for (a timed-out attempt, a losing hedge) may carry on at its
 * server as a ghost row: its dot stays in its queue place or slot, faded, and when the work
 * ends it shows the outcome the client saw (timed out, cancelled), not the server's.
 *
 * Time is simulated ms throughout, so slow motion slows every motion alike. With
 * `reducedMotion` dots jump to their places and fade where they are: nothing moves.
 */
import type { Model, ModelObserver } from '../src/model/model.js';
import { AttemptState } from '../src/model/states.js';
import { computeLayout, queueX, sourceY, type Layout } from './layout.js';
import { Phase } from './particles.js';
import { IN_FLIGHT } from './palette.js';
import { DotScene, MAX_DOTS, type SceneOptions } from './dot-scene.js';
import { F_ARRIVAL, F_COST, F_END, F_START, I_CALL, I_MEASURED, I_STATE, ROW_F64, ROW_I32 } from '../src/model/request-table.js';

/** Share of a flight spent reaching the balancer. */
const TO_BALANCER = 0.4;
/** Queue places drawn for an unbounded queue, at least. */
const MIN_UNBOUNDED_PLACES = 16;
const GOLDEN = 0.6180339887498949;
/** Opacity of a dot whose work no client waits for any more (a ghost). */
const GHOST_ALPHA = 0.45;
export { MAX_DOTS, type SceneOptions } from './dot-scene.js';
/** Waiting places walked per server and frame; dots further back are drawn at the lane's tail. */
export const MAX_PLACES_WALKED = 2_048;
/** What a chart point costs against an event budget (see SceneClock). */
export { POINT_COST } from './scene-clock.js';
/** A dot's radius is the layout's `dotR` × √(work left / mean cost), within these bounds. */
export const MIN_DOT_SCALE = 0.45;
export const MAX_DOT_SCALE = 1.5;

export class SceneModel extends DotScene<Model, Layout> implements ModelObserver {
  /** A single pool (a TopologyScene says 'topology'). */
  readonly kind = 'pool';
  /** Requests the balancer found no server for (drawn). */
  rejectedDrawn = 0;
  /** Speed of each server as configured (`slow` divides it, `slow(s, 1)` brings it back). */
  readonly baseSpeed: Float64Array;
  /** Mean cost of a request at speed 1 (ms): a dot of that much work left is drawn at scale 1. */
  readonly meanCostMs: number;

  private readonly queueSlots: Int32Array;
  private laneSeq = 0;

  constructor(model: Model, options: SceneOptions) {
    super(model, options);
    const pool = model.pool;
    this.meanCostMs = options.timing.meanCostMs;
    this.baseSpeed = Float64Array.from({ length: pool.size }, (_, s) => pool.speedOf(s));
    this.queueSlots = Int32Array.from(pool.queueLimit, (q) => (q < 0 ? MIN_UNBOUNDED_PLACES : Math.max(1, q)));
    this.layout = this.buildLayout();
    this.freeSlots();
    model.observer = this;
  }

  // ---- server controls (by hand, as in the essay's "click a server") ----

  kill(s: number): void {
    this.model.failServer(s);
  }

  revive(s: number): void {
    this.model.repairServer(s);
  }

  /**
   * Divides server `s`'s configured speed by `factor` (1 restores it), as its normal speed:
   * requests that start service afterwards run at the new speed; those in service keep theirs.
   */
  slow(s: number, factor: number): void {
    this.model.setSpeed(s, this.baseSpeed[s] / factor);
  }

  isSlowed(s: number): boolean {
    return this.model.pool.speedOf(s) < this.baseSpeed[s];
  }

  // ---- ModelObserver ----

  dispatched(r: number, server: number): void {
    this.dispatchedTo[server]++;
    if (this.particles.count >= MAX_DOTS) {
      this.undrawn++;
      return;
    }
    const p = this.spawnDot(server);
    this.attach(r, p);
  }

  /** Row `r`'s work carries on as ghost row `g`: its dot goes on with it (`ended(r, …)` follows). */
  replaced(r: number, g: number): void {
    const p = r < this.particleOf.length ? this.particleOf[r] : -1;
    if (p >= 0) this.attach(g, p); // particleOf[r] still points at p, for ended(r, …)
  }

  ended(r: number, state: number, server: number): void {
    const now = this.model.sim.now, table = this.model.requests;
    const call = table.i32[r * ROW_I32 + I_CALL];
    // A succeeded attempt of a live request answers it: the request's latency, as the model counts it.
    if (state === AttemptState.Succeeded && call >= 0 && table.i32[call * ROW_I32 + I_MEASURED]) this.series.recordLatency(now - table.f64[call * ROW_F64 + F_ARRIVAL]);
    const ps = this.particles;
    let p = r < this.particleOf.length ? this.particleOf[r] : -1;
    if (p >= 0) {
      this.particleOf[r] = -1;
      if (ps.request[p] !== r) {
        ps.outcome[p] = state; // handed to a ghost by `replaced`: remember what the client saw
        return;
      }
    } else if (server < 0) {
      // Rejected (no server to go to): a dot flies to the balancer and falls there.
      if (this.particles.count >= MAX_DOTS) return;
      this.rejectedDrawn++;
      p = this.spawnDot(server);
    } else {
      return; // no dot drawn for this row
    }
    // A ghost's dot keeps the outcome its client saw (set when it was handed over).
    if (call >= 0) ps.outcome[p] = state;
    if (ps.phase[p] === Phase.AtServer) {
      ps.request[p] = -1;
      this.releaseSlot(p);
      this.leave(p, now);
    } else {
      // Still flying: fix where it lands (its slot, if it had one), since the request no longer says.
      const L = this.layout;
      const landsInSlot = ps.slot[p] !== -1;
      ps.fromX[p] = landsInSlot ? L.slotX[this.slotAt(p)] : this.landingX(p);
      ps.fromY[p] = landsInSlot ? L.slotY[this.slotAt(p)] : server < 0 ? L.balancerY : L.rowY[server];
      ps.request[p] = -1;
      this.releaseSlot(p);
    }
  }

  serverChanged(): void {}

  // ---- per frame ----

  /** Dot p this frame: flying to its place, at its server, or leaving (see DotScene.frameDot). */
  protected frameDot(p: number, now: number, follow: number, travel: number): number {
    const ps = this.particles, table = this.model.requests;
    let phase = ps.phase[p];
    if (phase === Phase.Travel) {
      const u = travel > 0 ? (now - ps.t0[p]) / travel : 1;
      if (u < 1) {
        this.fly(p, u);
      } else if (ps.request[p] >= 0) {
        ps.phase[p] = phase = Phase.AtServer;
        this.placeAtServer(p, 1);
      } else {
        ps.x[p] = ps.fromX[p];
        ps.y[p] = ps.fromY[p];
        this.leave(p, ps.t0[p] + travel);
        phase = Phase.Leaving;
      }
    } else if (phase === Phase.AtServer) {
      this.placeAtServer(p, follow);
    }
    if (phase === Phase.Leaving && this.animateLeaving(p, now)) return -1;
    const r = ps.request[p];
    if (r < 0) return 0;
    const call = table.i32[r * ROW_I32 + I_CALL];
    ps.alpha[p] = call >= 0 ? 1 : GHOST_ALPHA;
    ps.color[p] = this.ageColor(now - table.f64[(call >= 0 ? call : r) * ROW_F64 + F_ARRIVAL]);
    ps.shape[p] = IN_FLIGHT.shape;
    ps.scale[p] = this.workScale(r, now);
    return 1;
  }

  /**
   * Size of row r's dot: √(work left / mean cost), so its area is the work left; it shrinks while
   * served (work left = cost × the share of its service time still to run).
   */
  workScale(r: number, now: number): number {
    const table = this.model.requests;
    let left = table.f64[r * ROW_F64 + F_COST];
    if (!(left > 0)) left = this.meanCostMs;
    if (table.i32[r * ROW_I32 + I_STATE] === AttemptState.InService) {
      const span = table.f64[r * ROW_F64 + F_END] - table.f64[r * ROW_F64 + F_START];
      const done = span > 0 ? (now - table.f64[r * ROW_F64 + F_START]) / span : 1;
      left *= 1 - Math.min(1, Math.max(0, done));
    }
    return Math.min(MAX_DOT_SCALE, Math.max(MIN_DOT_SCALE, Math.sqrt(left / this.meanCostMs)));
  }

  /** In-flight dots: how many distinct colours and the range of sizes drawn (tests and the page hook). */
  dotStats(): { colours: number; minScale: number; maxScale: number } {
    const ps = this.particles, colours = new Set<number>();
    let minScale = Infinity, maxScale = 0;
    for (let i = 0; i < ps.count; i++) {
      const p = ps.live[i];
      if (ps.request[p] < 0) continue;
      colours.add(ps.color[p]);
      minScale = Math.min(minScale, ps.scale[p]);
      maxScale = Math.max(maxScale, ps.scale[p]);
    }
    return { colours: colours.size, minScale, maxScale };
  }

  // ---- internals ----

  protected buildLayout(): Layout {
    return computeLayout({
      width: this.width, height: this.height, concurrency: this.model.pool.concurrency, queueSlots: this.queueSlots,
    });
  }

  /** A dot from the clients (on its own lane) to `server` (-1: rejected at the balancer). */
  private spawnDot(server: number): number {
    const ps = this.particles, p = this.newDot(server);
    ps.lane[p] = (this.laneSeq = (this.laneSeq + GOLDEN) % 1);
    ps.x[p] = this.layout.sourceX;
    ps.y[p] = sourceY(this.layout, ps.lane[p]);
    return p;
  }

  /** Waiting place of every queued dot; an unbounded queue that outgrew its drawn places gets more (a new layout). */
  protected walkQueues(): void {
    const pool = this.model.pool;
    let grew = false;
    for (let s = 0; s < pool.size; s++) {
      const k = this.walkQueue(s, MAX_PLACES_WALKED);
      if (pool.queueLimit[s] < 0 && k > this.queueSlots[s]) {
        this.queueSlots[s] = 2 ** Math.ceil(Math.log2(k));
        grew = true;
      }
    }
    if (grew) {
      this.layout = this.buildLayout();
      this.layoutVersion++;
    }
  }

  /** Where dot p (still attached to its request) belongs at its server now. */
  private targetX(p: number): number {
    const ps = this.particles;
    if (ps.slot[p] === -1 && this.model.requests.i32[ps.request[p] * ROW_I32 + I_STATE] === AttemptState.InService) this.takeSlot(p);
    if (ps.slot[p] !== -1) return this.layout.slotX[this.slotAt(p)];
    // Not reached by the walk (-1): at the back of the drawn queue.
    return queueX(this.layout, ps.server[p], ps.place[p] < 0 ? this.layout.queueSlots[ps.server[p]] - 1 : ps.place[p]);
  }

  /** Call after targetX (which takes the slot). */
  private targetY(p: number): number {
    const ps = this.particles;
    return ps.slot[p] !== -1 ? this.layout.slotY[this.slotAt(p)] : this.layout.rowY[ps.server[p]];
  }

  /** Where a dot whose request ended before it landed comes down. */
  private landingX(p: number): number {
    const ps = this.particles, L = this.layout, s = ps.server[p];
    if (s < 0) return L.balancerX;
    switch (ps.outcome[p]) {
      case AttemptState.Dropped: return L.queueTailX[s] - L.dotR * 2;
      case AttemptState.Succeeded: return L.boxX[s] + L.boxW / 2;
      default: return L.boxX[s];
    }
  }

  /** Position along the flight at fraction u ∈ [0, 1). */
  private fly(p: number, u: number): void {
    const ps = this.particles, L = this.layout;
    const sx = L.sourceX, sy = sourceY(L, ps.lane[p]);
    if (u < TO_BALANCER || ps.server[p] < 0) {
      const v = Math.min(1, u / TO_BALANCER);
      ps.x[p] = sx + (L.balancerX - sx) * v;
      ps.y[p] = sy + (L.balancerY - sy) * v;
      return;
    }
    const v = (u - TO_BALANCER) / (1 - TO_BALANCER);
    const attached = ps.request[p] >= 0;
    const tx = attached ? this.targetX(p) : ps.fromX[p];
    const ty = attached ? this.targetY(p) : ps.fromY[p];
    ps.x[p] = L.balancerX + (tx - L.balancerX) * v;
    ps.y[p] = L.balancerY + (ty - L.balancerY) * v;
  }

  private placeAtServer(p: number, follow: number): void {
    const ps = this.particles;
    const tx = this.targetX(p), ty = this.targetY(p);
    ps.x[p] += (tx - ps.x[p]) * follow;
    ps.y[p] += (ty - ps.y[p]) * follow;
  }

  /** Moves a leaving dot; retires it (returning true) when its animation is over. */
  private animateLeaving(p: number, now: number): boolean {
    const ps = this.particles, L = this.layout;
    const u = this.leftAt(p, now);
    if (u >= 1) return true;
    ps.alpha[p] = u < 0.5 ? 1 : 2 * (1 - u);
    if (this.reducedMotion) return false;
    const s = ps.server[p];
    switch (ps.outcome[p]) {
      case AttemptState.Succeeded: {
        const ex = L.exitX, ey = s >= 0 ? L.rowY[s] : ps.fromY[p];
        ps.x[p] = ps.fromX[p] + (ex - ps.fromX[p]) * u;
        ps.y[p] = ps.fromY[p] + (ey - ps.fromY[p]) * u;
        break;
      }
      case AttemptState.TimedOut:
        break;
      default: // dropped, failed, rejected: fall away below the row
        ps.x[p] = ps.fromX[p];
        ps.y[p] = ps.fromY[p] + u * u * (L.boxH * 0.5 + 14);
    }
    return false;
  }
}
