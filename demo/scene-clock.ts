/**
 * The simulated clock of an animated scene, a single pool's (SceneModel) or a topology's
 * (TopologyScene): it advances the model's simulation, taking a chart point every
 * `series.sampleMs` from the model's end-to-end counters, within an event budget.
 */
import type { Simulation } from '../src/engine/simulation.js';
import type { Stats } from '../src/model/stats.js';
import { OUTCOMES } from './palette.js';
import type { Series } from './series.js';

/**
 * What a chart point costs against an event budget, in events: taking one merges the window's
 * histograms (~10 × 2,100 buckets), about the work of a thousand events.
 */
export const POINT_COST = 1_000;

export class SceneClock {
  /** Model counters in palette OUTCOMES order, for chart points. */
  private readonly totals = new Float64Array(OUTCOMES.length);
  private nextSampleMs: number;

  constructor(
    private readonly sim: Simulation,
    private readonly stats: Stats,
    private readonly series: Series,
  ) {
    this.nextSampleMs = sim.now + series.sampleMs;
  }

  /**
   * Advances the simulation to `targetMs`, taking chart points on the way, but does at most
   * `maxEvents` of work (an event counts 1, a chart point POINT_COST): when it runs out the clock
   * stays at the last event handled or point taken, and the next call carries on from there (so
   * a budgeted run passes through the same states as an unbudgeted one, only in more frames).
   * Returns the work done.
   */
  advanceTo(targetMs: number, maxEvents = Infinity): number {
    const sim = this.sim;
    let used = 0;
    for (;;) {
      const until = Math.min(targetMs, this.nextSampleMs);
      if (maxEvents === Infinity) {
        used += sim.runUntil(until);
      } else {
        sim.stopped = false;
        while (used < maxEvents && !sim.stopped && sim.peek() <= until) {
          sim.step();
          used++;
        }
        if (sim.stopped) return used; // the model ended its run
        if (sim.peek() <= until) return used; // budget spent: the rest next time
        used += sim.runUntil(until); // nothing left before `until`: moves the clock there
      }
      if (sim.now < until) return used; // the model stopped: nothing left to happen
      if (until === this.nextSampleMs) {
        this.takePoint();
        used += POINT_COST;
      }
      if (until === targetMs || used >= maxEvents) return used;
    }
  }

  private takePoint(): void {
    const m = this.stats, t = this.totals;
    for (let o = 0; o < OUTCOMES.length; o++) t[o] = m[OUTCOMES[o].counter];
    this.series.sample(this.nextSampleMs, t);
    this.nextSampleMs += this.series.sampleMs;
  }
}
