/**
 * The live charts beside a scene, on a 2D canvas: latency percentiles (p50, p95, p99 over the
 * trailing window) and, below, the requests that ended in each step, stacked by outcome. Every
 * mapping from data to pixels is a linear scale (scale.ts: d3's). Redrawn only when the series gains a point or the
 * size changes, not every frame.
 */
import { LinearScale } from './scale.js';
import type { Series } from './series.js';
import { OUTCOMES, PERCENTILES, Shape, css } from './palette.js';
import { LIGHT_THEME, onTheme, type Theme } from './theme.js';

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const BOLD = '600 11.5px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** Room for the y tick labels. */
const LEFT = 38;

export class ChartView {
  readonly canvas: HTMLCanvasElement;
  private width = 0;
  private height = 0;
  private drawnPoints = -1;
  private readonly ctx: CanvasRenderingContext2D;

  /** Colours from the element's custom properties (see theme.ts). */
  theme: Theme = LIGHT_THEME;
  /** Outcomes (OUTCOMES indices) the legend lists: those possible in the scenario, or seen. */
  listed: readonly number[] = OUTCOMES.map((_, o) => o);

  constructor(private readonly series: Series) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.ctx = this.canvas.getContext('2d')!;
  }

  resize(width: number, height: number): void {
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    this.width = width;
    this.height = height;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawnPoints = -1;
  }

  /** Redraws if the series has a new point (or `force`). */
  draw(force = false): void {
    if (!force && this.series.points === this.drawnPoints) return;
    this.drawnPoints = this.series.points;
    const g = this.ctx, w = this.width, h = this.height;
    g.clearRect(0, 0, w, h);
    if (w < 60 || h < 60) return;
    if (w >= 520 && w > h * 1.8) {
      // Wide and low (below a scene): the two charts side by side.
      const half = Math.floor(w / 2);
      this.latency(0, h, 0, half - 8);
      this.outcomes(0, h, half + 8, w);
    } else {
      const half = Math.floor(h * 0.55);
      this.latency(0, half - 6, 0, w);
      this.outcomes(half + 4, h, 0, w);
    }
    this.canvas.setAttribute('aria-label', this.describe());
  }

  /**
   * The x scale shared by both charts, in simulated seconds: it spans the points held (at least
   * 10 steps, so the first points are not squeezed into a corner) and scrolls once the ring is full.
   */
  private xScale(left: number, right: number): LinearScale {
    const s = this.series, step = s.sampleMs / 1000;
    const last = s.points === 0 ? 0 : s.timeMs[s.at(s.length - 1)] / 1000;
    const first = s.points === 0 ? 0 : s.timeMs[s.at(0)] / 1000 - step;
    return new LinearScale(first, Math.max(last, first + 10 * step), left, right);
  }

  /** Draws legend entries left to right from x0, wrapping before x1; returns the baseline of the last line. */
  private legend(entries: number, y: number, x0: number, x1: number, draw: (k: number, x: number, y: number) => number, measure: (k: number) => number): number {
    let x = x0 + 4;
    for (let k = 0; k < entries; k++) {
      const w = measure(k);
      if (x + w > x1 - 4 && x > x0 + 4) {
        x = x0 + 4;
        y += 14;
      }
      draw(k, x, y);
      x += w;
    }
    return y;
  }

  private latency(top: number, bottom: number, x0: number, x1: number): void {
    const g = this.ctx, s = this.series, cap = s.capacity;
    let max = 1;
    for (let j = 0; j < s.length; j++) {
      const v = s.percentiles[2 * cap + s.at(j)];
      if (v > max) max = v;
    }
    const plotTop = top + 36, plotBottom = bottom - 16;
    const y = new LinearScale(0, max * 1.05, plotBottom, plotTop).nice(4);
    const left = x0 + this.axisRoom(y, false), right = x1 - 10;
    const x = this.xScale(left, right);
    g.font = BOLD;
    g.fillStyle = css(this.theme.ink);
    g.textBaseline = 'alphabetic';
    g.fillText(`Latency (ms) over the last ${fmtSeconds(s.windowMs)}`, x0 + 4, top + 12);
    // Legend: current values.
    g.font = FONT;
    const label = (k: number) => `${PERCENTILES[k].label} ${fmtMs(s.latest(k))}`;
    const ly = this.legend(PERCENTILES.length, top + 28, x0, x1, (k, lx, ly) => {
      const p = PERCENTILES[k];
      g.strokeStyle = css(onTheme(this.theme, p.color));
      g.lineWidth = 2;
      g.setLineDash(p.dash as number[]);
      g.beginPath();
      g.moveTo(lx, ly - 4);
      g.lineTo(lx + 14, ly - 4);
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = css(this.theme.ink);
      g.fillText(label(k), lx + 18, ly);
      return 0;
    }, (k) => 30 + g.measureText(label(k)).width);
    y.r1 = Math.max(plotTop, ly + 12);
    this.axes(x, y, left, right, plotBottom, false);
    for (let k = 0; k < PERCENTILES.length; k++) {
      const p = PERCENTILES[k];
      g.strokeStyle = css(onTheme(this.theme, p.color));
      g.lineWidth = k === 0 ? 2 : 1.75;
      g.setLineDash(p.dash as number[]);
      g.beginPath();
      let pen = false;
      for (let j = 0; j < s.length; j++) {
        const i = s.at(j), v = s.percentiles[k * cap + i];
        if (Number.isNaN(v)) {
          pen = false;
          continue;
        }
        const px = x.at(s.timeMs[i] / 1000), py = y.at(v);
        if (pen) g.lineTo(px, py);
        else g.moveTo(px, py);
        pen = true;
      }
      g.stroke();
      g.setLineDash([]);
    }
  }

  private outcomes(top: number, bottom: number, x0: number, x1: number): void {
    const g = this.ctx, s = this.series, cap = s.capacity;
    let max = 1;
    for (let j = 0; j < s.length; j++) {
      let sum = 0;
      for (let o = 0; o < OUTCOMES.length; o++) sum += s.counts[o * cap + s.at(j)];
      if (sum > max) max = sum;
    }
    const plotTop = top + 30, plotBottom = bottom - 16;
    const y = new LinearScale(0, max, plotBottom, plotTop).nice(4);
    const left = x0 + this.axisRoom(y, true), right = x1 - 10;
    const x = this.xScale(left, right);
    g.font = BOLD;
    g.fillStyle = css(this.theme.ink);
    g.fillText(`Requests ended per ${fmtSeconds(s.sampleMs)}`, x0 + 4, top + 12);
    g.font = FONT;
    const listed = this.listed;
    const label = (k: number) => `${OUTCOMES[listed[k]].label} ${fmtCount(s.totals[listed[k]])}`;
    const ly = this.legend(listed.length, top + 26, x0, x1, (k, lx, ly) => {
      const o = OUTCOMES[listed[k]];
      marker(g, o.shape, onTheme(this.theme, o.color), lx + 5, ly - 4);
      g.fillStyle = css(this.theme.ink);
      g.fillText(label(k), lx + 13, ly);
      return 0;
    }, (k) => 24 + g.measureText(label(k)).width);
    y.r1 = Math.max(plotTop, ly + 12);
    this.axes(x, y, left, right, plotBottom, true);
    const barW = Math.max(1, x.at(s.sampleMs / 1000) - x.at(0) - 1);
    for (let j = 0; j < s.length; j++) {
      const i = s.at(j), px = x.at(s.timeMs[i] / 1000) - barW;
      let acc = 0;
      for (let o = 0; o < OUTCOMES.length; o++) {
        const c = s.counts[o * cap + i];
        if (c <= 0) continue;
        const y0 = y.at(acc), y1 = y.at(acc + c);
        g.fillStyle = css(onTheme(this.theme, OUTCOMES[o].color));
        g.fillRect(px, y1, barW, Math.max(1, y0 - y1));
        acc += c;
      }
    }
  }

  /** Room left of the plot for y's tick labels: the widest label (its domain's end) and a gap, at least LEFT. */
  private axisRoom(y: LinearScale, counts: boolean): number {
    const g = this.ctx, top = y.d1;
    g.font = FONT;
    const label = counts ? fmtCount(top) : y.tickFormat(3)(top);
    return Math.max(LEFT, Math.ceil(g.measureText(label).width) + 10);
  }

  private axes(
    x: LinearScale, y: LinearScale,
    left: number, right: number, bottom: number, counts: boolean,
  ): void {
    const g = this.ctx;
    g.font = FONT;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    g.strokeStyle = css(this.theme.line);
    g.lineWidth = 1;
    // Counts tick at whole numbers only; latencies with as many decimals as the step needs.
    const room = Math.abs(y.r0 - y.r1);
    const ticks = y.ticks(Math.max(1, Math.min(3, Math.floor(room / 20)))).filter((t) => !counts || Number.isInteger(t));
    const format = counts ? fmtCount : y.tickFormat(3);
    for (const t of ticks) {
      const py = Math.round(y.at(t)) + 0.5;
      g.beginPath();
      g.moveTo(left, py);
      g.lineTo(right, py);
      g.stroke();
      g.fillStyle = css(this.theme.muted);
      g.fillText(format(t), left - 4, py);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of x.ticks(Math.max(2, Math.min(4, Math.floor((right - left) / 60))))) {
      const px = x.at(t);
      if (px < left - 1 || px > right + 1) continue;
      g.fillStyle = css(this.theme.muted);
      g.fillText(`${fmtNumber(t)} s`, px, bottom + 3);
    }
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    g.strokeStyle = css(this.theme.ink);
    g.beginPath();
    g.moveTo(left, bottom + 0.5);
    g.lineTo(right, bottom + 0.5);
    g.stroke();
  }

  /** A text alternative for screen readers: the latest values. */
  private describe(): string {
    const s = this.series;
    const lat = PERCENTILES.map((p, k) => `${p.label} ${fmtMs(s.latest(k))}`).join(', ');
    const totals = OUTCOMES.map((o, k) => `${o.label} ${fmtCount(s.totals[k])}`).join(', ');
    return `Latency over the last ${fmtSeconds(s.windowMs)}: ${lat}. Requests: ${totals}.`;
  }
}

function marker(g: CanvasRenderingContext2D, shape: number, color: number, x: number, y: number): void {
  g.fillStyle = g.strokeStyle = css(color);
  g.lineWidth = 2;
  g.beginPath();
  switch (shape) {
    case Shape.Cross:
      g.moveTo(x - 3.5, y - 3.5); g.lineTo(x + 3.5, y + 3.5); g.moveTo(x + 3.5, y - 3.5); g.lineTo(x - 3.5, y + 3.5);
      g.stroke();
      break;
    case Shape.Square:
      g.fillRect(x - 4, y - 4, 8, 8);
      break;
    case Shape.Ring:
      g.arc(x, y, 3.5, 0, Math.PI * 2);
      g.stroke();
      break;
    default:
      g.arc(x, y, 4.5, 0, Math.PI * 2);
      g.fill();
  }
}

export function fmtMs(ms: number): string {
  if (Number.isNaN(ms)) return '–';
  if (ms >= 10_000) return `${fmtNumber(ms / 1000)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${+ms.toFixed(1)} ms`;
}

function fmtSeconds(ms: number): string {
  return ms >= 1000 ? `${fmtNumber(ms / 1000)} s` : `${fmtNumber(ms)} ms`;
}

function fmtCount(n: number): string {
  return n >= 10_000 ? `${+(n / 1000).toFixed(1)}k` : String(Math.round(n));
}

function fmtNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(+x.toFixed(2));
}
