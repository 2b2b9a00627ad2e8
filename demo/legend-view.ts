/**
 * The key to the scene's colours and shapes (DOM, built from the palette): a `<details>` whose
 * summary is "Key", so on narrow screens it folds to one line the reader can open.
 */
import { CANCELLED, IN_FLIGHT, OUTCOMES, SERVER_STYLES, Shape, css, type OutcomeStyle } from './palette.js';

const SVG = 'http://www.w3.org/2000/svg';

export function createLegend(): HTMLDetailsElement {
  const el = document.createElement('details');
  el.className = 'legend';
  const summary = document.createElement('summary');
  summary.textContent = 'Key';
  const servers = group('servers');
  for (const s of SERVER_STYLES) servers.append(item(swatch(s.color), s.label));
  const requests = group('requests');
  requests.append(item(glyph(IN_FLIGHT), 'in flight'));
  for (const o of OUTCOMES) requests.append(item(glyph(o), o.label));
  requests.append(item(glyph(CANCELLED), 'cancelled hedge'));
  const hint = document.createElement('span');
  hint.className = 'hint';
  hint.textContent = 'Click a server to kill, revive or slow it (keyboard: Tab to the animation, ↑↓ or 1–9, Enter).';
  const body = document.createElement('div');
  body.className = 'key';
  body.append(servers, requests, hint);
  el.append(summary, body);
  return el;
}

function group(title: string): HTMLElement {
  const g = document.createElement('span');
  g.className = 'group';
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

function icon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 12 12');
  svg.setAttribute('width', '12');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  return svg;
}
