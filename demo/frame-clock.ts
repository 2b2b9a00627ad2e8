/**
 * The animation's clock under a budget. Each frame asks for `wall ms × speed` of simulated time,
 * but the panels may handle at most `EVENTS_PER_FRAME` events between them, so a scenario with a
 * huge arrival rate or a huge playback speed slows the simulated clock, not the page. The budget
 * counts events, not wall time, so the same frames always give the same animation.
 *
 * `record` takes what each frame achieved; every `WINDOW_MS` of wall time the clock publishes
 * the speed actually reached (simulated ms per wall ms) and whether the budget held it back.
 */

/** Events all panels of one element may handle in one frame. */
export const EVENTS_PER_FRAME = 20_000;
/** Wall ms over which the effective speed is measured. */
export const WINDOW_MS = 500;

export class FrameClock {
  /** Simulated ms per wall ms over the last window (NaN before the first window closes). */
  effectiveSpeed = NaN;
  /**
   * The speed chosen was not reached in the last window: the budget cut a frame short, or the
   * runs were so short for the speed that restarting them lost more than half the time asked.
   */
  limited = false;
  private simMs = 0;
  private askedMs = 0;
  private wallMs = 0;
  private hit = false;

  /** Events each of `panels` panels may handle this frame. */
  static budget(panels: number): number {
    return Math.max(1, Math.floor(EVENTS_PER_FRAME / Math.max(1, panels)));
  }

  /**
   * One frame: `wallMs` of wall time asked for `askedMs` of simulated time and moved the slowest
   * panel `simMs`; `budgetSpent` when some panel stopped short of its target for want of budget.
   * True when a window closed (the published values changed).
   */
  record(wallMs: number, askedMs: number, simMs: number, budgetSpent: boolean): boolean {
    this.wallMs += wallMs;
    this.askedMs += askedMs;
    this.simMs += simMs;
    this.hit ||= budgetSpent;
    if (this.wallMs < WINDOW_MS) return false;
    this.effectiveSpeed = this.simMs / this.wallMs;
    this.limited = this.hit || this.simMs < this.askedMs / 2;
    this.simMs = this.wallMs = this.askedMs = 0;
    this.hit = false;
    return true;
  }

  /** Forgets the running window (after a pause, a reset or a speed change). */
  restart(): void {
    this.simMs = this.wallMs = this.askedMs = 0;
    this.hit = false;
    this.limited = false;
    this.effectiveSpeed = NaN;
  }
}

/** "0.3×", "0.0004×", "12×": two significant digits. */
export function formatSpeed(x: number): string {
  return `${+x.toPrecision(x >= 10 ? 3 : 2)}×`;
}
