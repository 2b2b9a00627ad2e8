/**
 * Colours and shapes of the animation. Colours are the Okabe–Ito palette (Okabe & Ito 2008,
 * "Color Universal Design"), distinguishable by readers with the common colour-vision
 * deficiencies; every state is also told apart by a second channel (a label, a shape or a mark),
 * so no meaning rests on colour alone. Colours are 0xRRGGBB numbers.
 */
import { AttemptState, RequestState, ServerState } from '../src/model/states.js';

export const OKABE_ITO = {
  black: 0x000000,
  orange: 0xe69f00,
  skyBlue: 0x56b4e9,
  bluishGreen: 0x009e73,
  yellow: 0xf0e442,
  blue: 0x0072b2,
  vermillion: 0xd55e00,
  reddishPurple: 0xcc79a7,
} as const;

/** Ink for text and outlines, and the neutral greys of lanes and empty slots. */
export const INK = 0x1d2430;
export const MUTED = 0x6b7280;
export const LANE = 0xe5e7eb;
export const PAPER = 0xffffff;

/** Particle shapes: textures in one atlas, so every dot is drawn in one batch. */
export const Shape = { Dot: 0, Cross: 1, Square: 2, Ring: 3 } as const;
export const SHAPE_COUNT = 4;

export interface Style {
  label: string;
  color: number;
  /** Colour of text drawn on `color`. */
  ink: number;
}

/** Server fill and label by ServerState (index = state). */
export const SERVER_STYLES: readonly Style[] = [
  { label: 'idle', color: OKABE_ITO.skyBlue, ink: INK },
  { label: 'busy', color: OKABE_ITO.orange, ink: INK },
  { label: 'failed', color: OKABE_ITO.vermillion, ink: INK },
  { label: 'recovering', color: OKABE_ITO.yellow, ink: INK },
];

export function serverStyle(state: number): Style {
  return SERVER_STYLES[state] ?? SERVER_STYLES[ServerState.Idle];
}

export interface OutcomeStyle extends Style {
  shape: number;
}

/**
 * Colours of in-flight dots by age (time since their request arrived), youngest first: samples
 * of the plasma colour map (van der Walt & Smith, matplotlib 2015), whose lightness rises
 * steadily, so the order reads in greyscale and with every common colour-vision deficiency.
 * On a dark background the lighter part of the map is used.
 */
export const AGE_COLORS_LIGHT: readonly number[] = [0x41049d, 0x8f0da4, 0xcc4778, 0xf2844b];
export const AGE_COLORS_DARK: readonly number[] = [0xb12a90, 0xe16462, 0xfca636, 0xf0f921];

/** A request still in flight (travelling, waiting or in service). */
export const IN_FLIGHT: OutcomeStyle = { label: 'request', color: OKABE_ITO.blue, ink: PAPER, shape: Shape.Dot };

/** Terminal request states (RequestState), in the order charts stack them, with the Model counter of each. */
export const OUTCOMES: readonly (OutcomeStyle & { state: number; counter: OutcomeCounter })[] = [
  { state: RequestState.Succeeded, counter: 'succeeded', label: 'succeeded', color: OKABE_ITO.bluishGreen, ink: PAPER, shape: Shape.Dot },
  { state: RequestState.Dropped, counter: 'dropped', label: 'dropped', color: OKABE_ITO.vermillion, ink: PAPER, shape: Shape.Cross },
  { state: RequestState.Failed, counter: 'failed', label: 'failed', color: OKABE_ITO.reddishPurple, ink: INK, shape: Shape.Square },
  { state: RequestState.TimedOut, counter: 'timedOut', label: 'timed out', color: OKABE_ITO.black, ink: PAPER, shape: Shape.Ring },
  { state: RequestState.Rejected, counter: 'rejected', label: 'rejected', color: OKABE_ITO.orange, ink: INK, shape: Shape.Cross },
];

export type OutcomeCounter = 'succeeded' | 'dropped' | 'failed' | 'timedOut' | 'rejected';

/** A hedge that lost the race and was withdrawn: not a failure, it just fades. */
export const CANCELLED: OutcomeStyle = { label: 'cancelled', color: MUTED, ink: PAPER, shape: Shape.Ring };

// AttemptState shares RequestState's numbers for succeeded .. rejected.
const BY_ATTEMPT: OutcomeStyle[] = [];
for (const o of OUTCOMES) BY_ATTEMPT[o.state] = o;
BY_ATTEMPT[AttemptState.Cancelled] = CANCELLED;

/** The style of a dot whose attempt is in state `state` (an AttemptState); in-flight states share one. */
export function attemptStyle(state: number): OutcomeStyle {
  return BY_ATTEMPT[state] ?? IN_FLIGHT;
}

/** Latency percentile lines: colour and dash pattern (dashes keep them apart in greyscale). */
export const PERCENTILES: readonly { q: number; label: string; color: number; dash: readonly number[] }[] = [
  { q: 0.5, label: 'p50', color: OKABE_ITO.blue, dash: [] },
  { q: 0.95, label: 'p95', color: OKABE_ITO.orange, dash: [6, 3] },
  { q: 0.99, label: 'p99', color: OKABE_ITO.vermillion, dash: [2, 2] },
];

/** '#rrggbb' for CSS and canvas. */
export function css(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

/** 0xRRGGBB → 0xBBGGRR, the byte order of pixi particle colours. */
export function toBgr(color: number): number {
  return ((color & 0xff) << 16) | (color & 0xff00) | ((color >> 16) & 0xff);
}
