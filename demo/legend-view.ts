/**
 * The key to the scene's colours and shapes (DOM, built from the palette): a `<details>` whose
 * summary is "Key", so on narrow screens it folds to one line the reader can open. It lists the
 * server states, what a request dot's colour (age) and size (work left) mean, and only the
 * endings a request can come to in this scenario (outcomes.ts), adding one when it first happens.
 */
import { AGE_COLORS_DARK, AGE_COLORS_LIGHT, CANCELLED, OUTCOMES, SERVER_STYLES, Shape, css, type OutcomeStyle } from './palette.js';
import type { Ending } from './outcomes.js';

const SVG = 'http://www.w3.org/2000/svg';

export class Legend {
  readonly el: HTMLDetailsElement;
  private readonly body: HTMLDivElement;
  private shown = new Set<Ending>();
  private ageBandsMs: readonly number[] = [];
  private words: KeyWords = POOL_KEY;

  constructor() {
    this.el = document.createElement('details');
    this.el.className = 'legend';
    const summary = document.createElement('summary');
    summary.textContent = 'Key';
    this.body = document.createElement('div');
    this.body.className = 'key';
    this.el.append(summary, this.body);
  }

  /** Rebuilds the key for a scenario: its age bands, the endings it can have, its words (a topology has its own). */
  show(ageBandsMs: readonly number[], endings: ReadonlySet<Ending>, dark: boolean, words: KeyWords = POOL_KEY): void {
    this.ageBandsMs = ageBandsMs;
    this.words = words;
    this.shown = new Set(endings);
    this.build(dark);
  }

  /** Adds endings that happened but were not listed (a server killed by hand); true if any was new. */
  add(endings: Iterable<Ending>, dark: boolean): boolean {
    let grew = false;
    for (const e of endings) if (!this.shown.has(e)) (this.shown.add(e), (grew = true));
    if (grew) this.build(dark);
    return grew;
  }

  /** The endings listed now (for tests). */
  get endings(): Ending[] {
    return [...this.shown];
  }

  private build(dark: boolean): void {
    const servers = group('servers');
    for (const s of SERVER_STYLES) servers.append(item(swatch(s.color), s.label));
    const power = document.createElement('span');
    power.className = 'item';
    power.append(gauge(), document.createTextNode('power'));
    if (this.words.power) servers.append(power);
    const age = group('request age');
    age.title = 'Colours from the plasma map: light rises with age, readable with every common colour-vision deficiency and in greyscale.';
    const colors = dark ? AGE_COLORS_DARK : AGE_COLORS_LIGHT;
    const edges = this.ageBandsMs;
    colors.forEach((c, k) => {
      const label = k < edges.length ? `< ${fmtAge(edges[k])}` : `≥ ${fmtAge(edges[edges.length - 1])}`;
      age.append(item(dot(c, 4.5), label));
    });
    const note = document.createElement('span');
    note.className = 'item note';
    note.textContent = this.words.note;
    age.append(note);
    const ended = group('ended');
    for (const o of OUTCOMES) if (this.shown.has(o.counter)) ended.append(item(glyph(o), o.label));
    if (this.shown.has('cancelled')) ended.append(item(glyph(CANCELLED), 'cancelled'));
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = this.words.hint;
    this.body.replaceChildren(servers, age, ended, hint);
  }
}

/** What the key says besides colours: the power gauge (or not), the note on dots, the hint below. */
export interface KeyWords {
  power: boolean;
  note: string;
  hint: string;
}

const POOL_KEY: KeyWords = {
  power: true,
  note: '(colour-blind-safe) · size = work left',
  hint: 'Click a server to kill, revive or slow it (keyboard: Tab to the animation; Space plays or pauses, ↑↓ or 1–9 and Enter open a server\'s menu).',
};

function fmtAge(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toPrecision(3)} s` : `${+ms.toPrecision(3)} ms`;
}

function group(title: string): HTMLElement {
  const g = document.createElement('span');
  g.className = 'group';
  g.dataset.group = title;
  const t = document.createElement('b');
  t.textContent = title;
  g.append(t);
  return g;
}

function item(mark: Element, text: string): HTMLElement {
  const s = document.createElement('span');
  s.className = 'item';
  s.append(mark, document.createTextNode(text));
  return s;
}

function swatch(color: number): Element {
  const svg = icon();
  const r = document.createElementNS(SVG, 'rect');
  for (const [k, v] of Object.entries({ x: '1', y: '1', width: '10', height: '10', rx: '2.5', fill: css(color), stroke: '#1d2430', 'stroke-opacity': '0.6' })) r.setAttribute(k, v);
  svg.append(r);
  return svg;
}

function glyph(style: OutcomeStyle): Element {
  // Black marks take the ink colour, so they show on a dark theme too.
  const svg = icon(), c = style.color === 0 ? 'currentColor' : css(style.color);
  const add = (tag: string, attrs: Record<string, string>) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    svg.append(e);
  };
  switch (style.shape) {
    case Shape.Cross: add('path', { d: 'M2.5 2.5L9.5 9.5M9.5 2.5L2.5 9.5', stroke: c, 'stroke-width': '2.4', 'stroke-linecap': 'round' }); break;
    case Shape.Square: add('rect', { x: '2', y: '2', width: '8', height: '8', fill: c }); break;
    case Shape.Ring: add('circle', { cx: '6', cy: '6', r: '3.6', fill: 'none', stroke: c, 'stroke-width': '1.8' }); break;
    default: add('circle', { cx: '6', cy: '6', r: '4.5', fill: c });
  }
  return svg;
}

function dot(color: number, r: number): Element {
  const svg = icon();
  const c = document.createElementNS(SVG, 'circle');
  for (const [k, v] of Object.entries({ cx: '6', cy: '6', r: String(r), fill: css(color) })) c.setAttribute(k, v);
  svg.append(c);
  return svg;
}

/** A server box with its power strip along the top. */
function gauge(): Element {
  const svg = icon();
  const add = (attrs: Record<string, string>) => {
    const e = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    svg.append(e);
  };
  add({ x: '1', y: '1', width: '10', height: '10', rx: '2.5', fill: 'none', stroke: 'currentColor', 'stroke-opacity': '0.6' });
  add({ x: '2.5', y: '2.5', width: '5', height: '1.8', fill: 'currentColor' });
  return svg;
}

function icon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 12 12');
  svg.setAttribute('width', '12');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  return svg;
}
