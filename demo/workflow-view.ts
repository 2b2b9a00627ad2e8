/**
 * Draws a WorkflowScene: the topology as TopologyView draws it, and the statechart — boxes,
 * arrows, counts, invariant badges — painted with the 2D canvas into one CanvasLayer. The layer
 * is repainted when the layout or theme changed, and otherwise at most every PAINT_MS of wall
 * time when a count or a violation moved or an arrow's flash begins or ends (an arrow flashes,
 * thick in the accent colour, for FLASH_MS after instances took it; under reduced motion arrows
 * do not flash and counts are repainted at most twice a second). A box whose state is part of
 * an open `never` violation, and that invariant's badge, turn the warning colour.
 */
import type { CanvasLayer } from './canvas-layer.js';
import type { Atlas } from './atlas.js';
import { TopologyView, fit, type PixiKit } from './topology-view.js';
import type { WorkflowScene } from './workflow-scene.js';
import type { ChartArrow, ChartBox } from './workflow-layout.js';
import { INK, OKABE_ITO, css } from './palette.js';
import type { Theme } from './theme.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const PAINT_MS = 125;
const CALM_PAINT_MS = 500;
const FLASH_MS = 350;
const WARN = OKABE_ITO.vermillion;
const FLASH = OKABE_ITO.orange;

export class WorkflowView extends TopologyView {
  private readonly chartLayer: CanvasLayer;
  private theme2: Theme;
  private builtChart: unknown = null;
  private paintedAt = -Infinity;
  private seen = -1;
  private violationsSeen = -1;
  /** Per arrow: the count painted, and when (wall ms) its flash ends. */
  private taken: Float64Array;
  private flashUntil: Float64Array;
  private flashing = 0;

  constructor(kit: PixiKit, private readonly wf: WorkflowScene, atlas: Atlas, theme: Theme, private readonly res = 1) {
    super(kit, wf, atlas, theme, res);
    this.theme2 = theme;
    this.chartLayer = new kit.CanvasLayer();
    this.root.addChild(this.chartLayer.sprite);
    this.taken = new Float64Array(wf.arrowTaken.length);
    this.flashUntil = new Float64Array(wf.arrowTaken.length);
  }

  override setTheme(theme: Theme): void {
    super.setTheme(theme);
    this.theme2 = theme;
    this.builtChart = null;
  }

  override draw(): void {
    super.draw();
    const wf = this.wf, now = performance.now();
    let violations = 0;
    for (let i = 0; i < wf.world.invariants.length; i++) violations += wf.world.invariants[i].count * 31 + wf.world.invariants[i].resolved;
    const force = this.builtChart !== wf.chart;
    const calm = wf.reducedMotion;
    const moved = wf.transitionsSeen !== this.seen || violations !== this.violationsSeen;
    let flashEnds = false;
    for (let k = 0; k < this.flashUntil.length; k++) if (this.flashUntil[k] > 0 && this.flashUntil[k] <= now) flashEnds = true;
    if (!force && !((moved || flashEnds) && now - this.paintedAt >= (calm ? CALM_PAINT_MS : PAINT_MS))) return;
    this.flashing = 0;
    for (let k = 0; k < this.taken.length; k++) {
      if (wf.arrowTaken[k] !== this.taken[k] && !calm && !force) this.flashUntil[k] = now + FLASH_MS;
      else if (this.flashUntil[k] <= now) this.flashUntil[k] = 0;
      this.taken[k] = wf.arrowTaken[k];
      if (this.flashUntil[k] > 0) this.flashing++;
    }
    this.seen = wf.transitionsSeen;
    this.violationsSeen = violations;
    this.paintedAt = now;
    this.builtChart = wf.chart;
    this.paintChart();
  }

  /** Arrows drawn in the flash colour at the last paint (for tests and the page hook). */
  get arrowsFlashing(): number {
    return this.flashing;
  }

  override destroy(): void {
    this.root.removeChild(this.chartLayer.sprite);
    this.chartLayer.destroy();
    super.destroy();
  }

  private paintChart(): void {
    const wf = this.wf, C = wf.chart, t = this.theme2, world = wf.world;
    // States in an open `never` violation.
    const warn = world.machines.map((inst) => new Uint8Array(inst.m.names.length));
    for (let i = 0; i < world.invariants.length; i++) {
      const v = world.invariants[i];
      if (v.kind !== 'never' || wf.violations(i).open <= 0) continue;
      for (let mi = 0; mi < v.states.length; mi++) if (v.states[mi] >= 0) warn[mi][v.states[mi]] = 1;
    }
    const fs = C.fontSize, ink = t.dark ? t.ink : INK;
    this.chartLayer.paint(C.width, C.height, this.res, (g) => {
      g.textBaseline = 'middle';
      g.lineJoin = 'round';
      for (const b of C.boxes) this.paintBox(g, b, warn, fs, ink);
      for (let k = 0; k < C.arrows.length; k++) this.paintArrow(g, C.arrows[k], this.flashUntil[k] > 0);
      for (const init of C.initials) {
        const b = C.boxes[init.box];
        g.fillStyle = css(ink);
        g.beginPath();
        g.arc(init.x, init.y, 3 * C.scale, 0, Math.PI * 2);
        g.fill();
        g.strokeStyle = css(ink);
        g.lineWidth = 1.1;
        g.beginPath();
        g.moveTo(init.x, init.y);
        g.lineTo(b.x - 1, init.y);
        g.stroke();
      }
      // Invariant badges, one line each.
      g.font = `600 ${Math.max(9, fs - 0.5)}px ${FONT}`;
      for (let i = 0; i < world.invariants.length; i++) {
        const v = world.invariants[i], { open, total } = wf.violations(i);
        const what = v.kind === 'never'
          ? `${v.text.replace(/^never /, '').replace(/ and /g, ' × ')}`
          : `late: ${v.text.replace(/^eventually /, '').replace(/ or /g, '/').replace(/ within (\d+) ms$/, (_, ms) => ` within ${Number(ms) / 1000} s`)}`;
        // The counts always show; the words are cut to the room left.
        const counts = ` — now ${open} · ${total} in all`;
        const label = `${fit(g, what, C.width - 16 - g.measureText(counts).width)}${counts}`;
        const w = g.measureText(label).width + 12, h = C.badgeH - 4, x = 6, y = C.badgeY + i * C.badgeH;
        g.beginPath();
        g.roundRect(x, y, w, h, h / 2);
        g.fillStyle = css(open > 0 ? WARN : t.bg);
        g.fill();
        g.lineWidth = 1.25;
        g.strokeStyle = css(open > 0 ? WARN : total > 0 ? OKABE_ITO.orange : OKABE_ITO.bluishGreen);
        g.stroke();
        g.fillStyle = open > 0 ? '#ffffff' : css(t.ink);
        g.textAlign = 'left';
        g.fillText(label, x + 6, y + h / 2 + 0.5);
      }
    });
  }

  private paintBox(g: CanvasRenderingContext2D, b: ChartBox, warn: Uint8Array[], fs: number, ink: number): void {
    const t = this.theme2, wf = this.wf, s = wf.chart.scale;
    const hot = b.state >= 0 && warn[b.machine][b.state] === 1;
    const n = b.state >= 0 ? wf.count(b.machine, b.state) : -1;
    const r = Math.min(8, b.h / 3) * s;
    g.beginPath();
    g.roundRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1, r);
    g.fillStyle = css(hot ? WARN : b.container ? t.lane : t.bg);
    g.globalAlpha = hot ? 0.16 : 1;
    g.fill();
    g.globalAlpha = 1;
    if (!b.container && n > 0 && !b.final && !hot) {
      g.fillStyle = css(OKABE_ITO.skyBlue);
      g.globalAlpha = Math.min(0.45, 0.12 + 0.05 * Math.log2(n));
      g.fill();
      g.globalAlpha = 1;
    }
    g.lineWidth = hot ? 2.5 : b.state < 0 ? 1 : 1.25;
    g.strokeStyle = css(hot ? WARN : b.state < 0 ? t.muted : ink);
    if (b.state < 0) g.setLineDash([4, 3]);
    g.stroke();
    g.setLineDash([]);
    if (b.final) {
      g.beginPath();
      g.roundRect(b.x + 3, b.y + 3, b.w - 6, b.h - 6, Math.max(1, r - 2));
      g.lineWidth = 1;
      g.stroke();
    }
    const pad = 7 * s;
    if (b.container) {
      g.font = `600 ${fs}px ${FONT}`;
      g.fillStyle = css(b.state < 0 ? t.muted : t.ink);
      g.textAlign = 'left';
      const title = b.state < 0 ? `${b.label} (invoked)` : b.label;
      const cy = b.y + 8.5 * s;
      const countText = n >= 0 ? String(n) : '';
      g.font = `700 ${fs}px ${FONT}`;
      const cw = countText ? g.measureText(countText).width : 0;
      g.font = `600 ${fs}px ${FONT}`;
      g.fillText(fit(g, title, b.w - pad * 2 - cw - 6), b.x + pad, cy);
      if (countText) {
        g.font = `700 ${fs}px ${FONT}`;
        g.textAlign = 'right';
        g.fillStyle = css(hot ? WARN : t.ink);
        g.fillText(countText, b.x + b.w - pad, cy);
      }
      return;
    }
    const cy = b.y + b.h / 2 + 0.5, countText = String(n);
    g.font = `700 ${fs}px ${FONT}`;
    const cw = g.measureText(countText).width;
    g.textAlign = 'right';
    g.fillStyle = css(hot ? WARN : b.final ? t.muted : t.ink);
    g.fillText(countText, b.x + b.w - pad, cy);
    g.font = `${fs}px ${FONT}`;
    g.textAlign = 'left';
    g.fillStyle = css(t.ink);
    g.fillText(fit(g, b.label, b.w - pad * 2 - cw - 4), b.x + pad, cy);
  }

  private paintArrow(g: CanvasRenderingContext2D, a: ChartArrow, flash: boolean): void {
    const t = this.theme2, s = this.wf.chart.scale, color = css(flash ? FLASH : t.muted);
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = flash ? 2.6 : 1.2;
    g.globalAlpha = flash ? 1 : 0.85;
    g.beginPath();
    g.moveTo(a.x0, a.y0);
    g.bezierCurveTo(a.c1x, a.c1y, a.c2x, a.c2y, a.x1, a.y1);
    g.stroke();
    // The head, along the curve's last tangent.
    let dx = a.x1 - a.c2x, dy = a.y1 - a.c2y;
    if (Math.hypot(dx, dy) < 1e-6) {
      dx = a.x1 - a.x0;
      dy = a.y1 - a.y0;
    }
    const len = Math.hypot(dx, dy) || 1, ux = dx / len, uy = dy / len, hl = (flash ? 7 : 6) * s, hw = (flash ? 4 : 3.2) * s;
    g.beginPath();
    g.moveTo(a.x1, a.y1);
    g.lineTo(a.x1 - ux * hl - uy * hw, a.y1 - uy * hl + ux * hw);
    g.lineTo(a.x1 - ux * hl + uy * hw, a.y1 - uy * hl - ux * hw);
    g.closePath();
    g.fill();
    g.globalAlpha = 1;
  }
}
