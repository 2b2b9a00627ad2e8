/**
 * What the two view-models of an animated run share (SceneModel for a single pool,
 * TopologyScene for services calling services): the dots (`particles`), which dot shows which
 * row of the engine's table, who holds each drawn concurrency slot, the waiting places found by
 * walking each server's queue, the clock that advances the engine and takes chart points, and a
 * frame's walk over the live dots. Each scene says where its dots go (`frameDot`) and how they
 * are laid out (`buildLayout`). It knows nothing of pixi.
 */
import type { Simulation } from '../src/engine/simulation.js';
import type { Stats } from '../src/model/stats.js';
import type { ServerPool } from '../src/model/server-pool.js';
import { AttemptState } from '../src/model/states.js';
import { I_NEXT_IN_QUEUE, ROW_I32 } from '../src/model/request-table.js';
import { Particles, Phase } from './particles.js';
import { Series } from './series.js';
import { AGE_COLORS_LIGHT, IN_FLIGHT, attemptStyle } from './palette.js';
import type { Timing } from './timing.js';
import { SceneClock } from './scene-clock.js';
import { slotIndex, type SlotLayout } from './slots.js';

/** Most dots alive at once: attempts sent beyond it are simulated but not drawn (`undrawn`). */
export const MAX_DOTS = 8_192;
/** `slot` of an in-service dot when every drawn slot of its server is taken. */
const OVERFLOW = -2;

export interface SceneOptions {
  timing: Timing;
  reducedMotion?: boolean;
  /** Points kept by the charts' series. */
  chartPoints?: number;
}

/** What a scene reads of its engine (a single pool's Model, a TopologyModel). */
export interface DotModel {
  readonly sim: Simulation;
  readonly stats: Stats;
  readonly pool: ServerPool;
  readonly requests: { readonly i32: Int32Array };
  finished(): boolean;
}

export abstract class DotScene<M extends DotModel, L extends SlotLayout> {
  readonly particles = new Particles(512);
  readonly series: Series;
  layout!: L;
  /** Bumped when `layout` is replaced (resize, or an unbounded queue outgrew its lane). */
  layoutVersion = 0;
  /** Attempts sent to each server. */
  readonly dispatchedTo: Float64Array;
  /** Attempts not drawn because MAX_DOTS dots were alive. */
  undrawn = 0;
  /** Dots spawned, and dots retired per AttemptState they showed. */
  spawned = 0;
  readonly retired = new Float64Array(9);
  /** Dots of attempts in flight at the last `update`. */
  inFlightDrawn = 0;
  reducedMotion: boolean;
  readonly travelMs: number;
  readonly leaveMs: number;
  /** Upper edges of the age bands (ms), one fewer than AGE_COLORS_LIGHT. */
  readonly ageBandsMs: readonly number[];

  /** Dot of each row of the engine's table (-1: none). */
  protected particleOf = new Int32Array(1024).fill(-1);
  /** Dot holding each drawn slot (-1: free), indexed as the layout's slotX. */
  protected slotOwner = new Int32Array(0);
  protected width = 640;
  protected height = 360;
  private readonly clock: SceneClock;
  private lastUpdateMs: number;

  constructor(
    readonly model: M,
    options: SceneOptions,
  ) {
    this.reducedMotion = options.reducedMotion ?? false;
    this.travelMs = options.timing.travelMs;
    this.leaveMs = options.timing.leaveMs;
    this.ageBandsMs = options.timing.ageBandsMs;
    this.series = new Series(options.timing.sampleMs, options.timing.windowMs, options.chartPoints);
    this.clock = new SceneClock(model.sim, model.stats, this.series);
    this.lastUpdateMs = model.sim.now;
    this.dispatchedTo = new Float64Array(model.pool.size);
  }

  /** Lays the scene out for a new size (CSS px). */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.layout = this.buildLayout();
    this.layoutVersion++;
  }

  /** Advances the simulation by `ms` of simulated time (see `advanceTo`); returns events handled. */
  advance(ms: number, maxEvents = Infinity): number {
    return this.advanceTo(this.model.sim.now + ms, maxEvents);
  }

  /** Advances the simulation to `targetMs`, taking chart points on the way, within `maxEvents` of work (SceneClock). */
  advanceTo(targetMs: number, maxEvents = Infinity): number {
    return this.clock.advanceTo(targetMs, maxEvents);
  }

  /** True when the run is over: nothing in flight and no arrival to come. */
  get finished(): boolean {
    return this.model.finished();
  }

  /** Positions and styles of every dot at the model's current time. Allocates nothing. */
  update(): void {
    const now = this.model.sim.now, dt = Math.max(0, now - this.lastUpdateMs);
    this.lastUpdateMs = now;
    this.walkQueues();
    const ps = this.particles;
    const follow = this.reducedMotion ? 1 : 1 - Math.exp(-dt / Math.max(1e-9, this.travelMs * 0.12));
    const travel = this.reducedMotion ? 0 : this.travelMs;
    let inFlight = 0;
    for (let i = 0; i < ps.count; i++) {
      const seen = this.frameDot(ps.live[i], now, follow, travel);
      if (seen < 0) i--; // retired: the last live dot moved into slot i
      else inFlight += seen;
    }
    this.inFlightDrawn = inFlight;
  }

  /** Colour of an in-flight dot whose request is `ageMs` old: its band in AGE_COLORS_LIGHT. */
  ageColor(ageMs: number): number {
    const edges = this.ageBandsMs;
    let band = 0;
    while (band < edges.length && ageMs >= edges[band]) band++;
    return AGE_COLORS_LIGHT[band];
  }

  /** Counters for tests and the page hook. */
  counters(): Record<string, number> {
    const m = this.model.stats;
    return {
      simMs: this.model.sim.now, arrived: m.arrived, succeeded: m.succeeded, dropped: m.dropped, failed: m.failed,
      timedOut: m.timedOut, rejected: m.rejected, inFlight: m.inFlight, inFlightDrawn: this.inFlightDrawn,
      dotsLive: this.particles.count, spawned: this.spawned, undrawn: this.undrawn, completedDrawn: this.retired[AttemptState.Succeeded],
    };
  }

  protected abstract buildLayout(): L;

  /** Sets the waiting place of every queued dot (walkQueue per server). */
  protected abstract walkQueues(): void;

  /** Moves and styles live dot `p` for this frame: -1 when it retired, 1 when it counts as in flight, else 0. */
  protected abstract frameDot(p: number, now: number, follow: number, travel: number): number;

  /** Free slots for every slot of the current layout. */
  protected freeSlots(): void {
    this.slotOwner = new Int32Array(this.layout.slotX.length).fill(-1);
  }

  /** A new dot flying to `server` (-1: none), from now, in the in-flight style; its places and position are the caller's. */
  protected newDot(server: number): number {
    const ps = this.particles, p = ps.spawn();
    ps.phase[p] = Phase.Travel;
    ps.t0[p] = this.model.sim.now;
    ps.server[p] = server;
    ps.request[p] = -1;
    ps.outcome[p] = 0;
    ps.slot[p] = -1;
    ps.place[p] = -1;
    ps.alpha[p] = 1;
    ps.scale[p] = 1;
    ps.color[p] = AGE_COLORS_LIGHT[0];
    ps.shape[p] = IN_FLIGHT.shape;
    this.spawned++;
    return p;
  }

  /** Dot `p` shows row `r` from now on. */
  protected attach(r: number, p: number): void {
    if (r >= this.particleOf.length) {
      const next = new Int32Array(Math.max(r + 1, this.particleOf.length * 2)).fill(-1);
      next.set(this.particleOf);
      this.particleOf = next;
    }
    this.particleOf[r] = p;
    this.particles.request[p] = r;
  }

  /** Waiting place of every dot queued at server `s`, by walking its FIFO (at most `max` places); returns the places walked. */
  protected walkQueue(s: number, max: number): number {
    const rows = this.model.requests.i32, of = this.particleOf;
    let k = 0;
    for (let r = this.model.pool.queueHeadOf(s); r >= 0 && k < max; r = rows[r * ROW_I32 + I_NEXT_IN_QUEUE]) {
      const p = r < of.length ? of[r] : -1;
      if (p >= 0) this.particles.place[p] = k;
      k++;
    }
    return k;
  }

  /** Dot p starts leaving at `t0` from where it is, in its outcome's colour and shape. */
  protected leave(p: number, t0: number): void {
    const ps = this.particles;
    ps.phase[p] = Phase.Leaving;
    ps.t0[p] = t0;
    ps.fromX[p] = ps.x[p];
    ps.fromY[p] = ps.y[p];
    const style = attemptStyle(ps.outcome[p]);
    ps.scale[p] = 1;
    ps.color[p] = style.color;
    ps.shape[p] = style.shape;
  }

  /** How far leaving dot p is at `now` (0 to 1); at 1 or more it is retired (counted in `retired`). */
  protected leftAt(p: number, now: number): number {
    const ps = this.particles;
    const u = this.leaveMs > 0 ? (now - ps.t0[p]) / this.leaveMs : 1;
    if (u >= 1) {
      this.retired[ps.outcome[p]]++;
      ps.retire(p);
    }
    return u;
  }

  /** Index into the layout's slotX/slotY of dot p's slot (an overflowing dot shares the last). */
  protected slotAt(p: number): number {
    const ps = this.particles, L = this.layout, s = ps.server[p], i = ps.slot[p];
    return slotIndex(L, s, i === OVERFLOW ? L.slotsDrawn[s] - 1 : i);
  }

  /** Dot p takes the first free slot drawn at its server (OVERFLOW when none is). */
  protected takeSlot(p: number): void {
    const ps = this.particles, L = this.layout, s = ps.server[p];
    const base = L.slotBase[s], n = L.slotsDrawn[s];
    for (let i = 0; i < n; i++) {
      if (this.slotOwner[base + i] < 0) {
        this.slotOwner[base + i] = p;
        ps.slot[p] = i;
        return;
      }
    }
    ps.slot[p] = OVERFLOW;
  }

  protected releaseSlot(p: number): void {
    const ps = this.particles, i = ps.slot[p];
    if (i >= 0) {
      const at = this.layout.slotBase[ps.server[p]] + i;
      if (this.slotOwner[at] === p) this.slotOwner[at] = -1;
    }
    ps.slot[p] = -1;
  }
}
