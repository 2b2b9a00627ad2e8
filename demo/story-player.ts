/**
 * Plays a scenario's story (src/scenario/story.ts) against the simulated clock: as the clock
 * passes each step it reports the step once, as the event `<lbsim-view>` dispatches
 * (`lbsim:event`), and keeps the caption in effect — the latest caption at or before the clock.
 * The actions themselves are already in the model (compiled into outages, slowdowns and arrival
 * changes); this only tells the page and the reader. Pure: no DOM, unit-tested in Node.
 */
import { parseStory, type StoryStep } from '../src/scenario/story.js';
import type { Scenario } from '../src/scenario/pool-scenario.js';

/** `detail` of an `lbsim:event`: a story step the simulated clock just passed. */
export interface StoryEvent {
  /** Position of the step in the story as written. */
  index: number;
  atMs: number;
  kind: StoryStep['kind'];
  /** The server acted on, as drawn ("S2"). */
  server?: string;
  caption?: string;
  factor?: number;
  forMs?: number;
  ratePerSec?: number;
}

export class StoryPlayer {
  /** The caption in effect (null before the first one). */
  caption: string | null = null;
  private readonly steps: { index: number; step: StoryStep }[];
  private next = 0;

  constructor(steps: readonly StoryStep[]) {
    this.steps = steps.map((step, index) => ({ index, step })).sort((a, b) => a.step.atMs - b.step.atMs || a.index - b.index);
  }

  /** The player for a scenario's story (an empty one when it has none). */
  static of(scenario: Scenario): StoryPlayer {
    const servers = scenario.servers.reduce((n, g) => n + g.count, 0);
    return new StoryPlayer(scenario.story ? parseStory(scenario.story, servers) : []);
  }

  get length(): number {
    return this.steps.length;
  }

  /**
   * Reports, in order, every step at or before `nowMs` not reported yet; returns true when the
   * caption changed.
   */
  advance(nowMs: number, emit: (e: StoryEvent) => void): boolean {
    const before = this.caption;
    while (this.next < this.steps.length && this.steps[this.next].step.atMs <= nowMs) {
      const { index, step } = this.steps[this.next++];
      if (step.caption !== undefined) this.caption = step.caption;
      emit(eventOf(index, step));
    }
    return this.caption !== before;
  }

  /** Back to before the first step (the run restarts). */
  reset(): void {
    this.next = 0;
    this.caption = null;
  }

  /**
   * A simulated time worth showing as a still picture (reduced motion): `settleMs` after the
   * story's first action — the moment it tells — but before the next action undoes it (at three
   * quarters of the way to it); without actions, `settleMs` after the start.
   */
  posterMs(settleMs: number): number {
    const actions = this.steps.filter(({ step }) => step.kind !== 'caption').map(({ step }) => step.atMs);
    if (actions.length === 0) return settleMs;
    const next = actions.find((t) => t > actions[0]);
    return actions[0] + (next === undefined ? settleMs : Math.min(settleMs, (next - actions[0]) * 0.75));
  }
}

function eventOf(index: number, step: StoryStep): StoryEvent {
  const e: StoryEvent = { index, atMs: step.atMs, kind: step.kind };
  if (step.caption !== undefined) e.caption = step.caption;
  switch (step.kind) {
    case 'kill':
    case 'revive':
      e.server = `S${step.server + 1}`;
      break;
    case 'slow':
      e.server = `S${step.server + 1}`;
      e.factor = step.factor;
      if (step.forMs !== undefined) e.forMs = step.forMs;
      break;
    case 'rate':
      e.ratePerSec = step.ratePerSec;
      break;
  }
  return e;
}
