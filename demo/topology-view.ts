/**
 * Draws a TopologyScene with pixi.js, as SceneView draws a single pool: what changes only with
 * the layout or the theme is painted with the 2D canvas into CanvasLayers (the backdrop: the
 * clients, the edges, the queue strips; the box outlines and slots; the service names), what
 * changes every frame is sprites (per server a box tinted by its state and a queue-depth bar) and
 * the dots (one ParticleContainer). Each edge with a circuit breaker or a bulkhead carries a badge
 * ("breaker closed / open / half-open", "bulkhead 3/8"), repainted only when its text changes
 * (a bulkhead's count at most 4 times a second). `draw()` runs every frame and allocates nothing
 * unless a badge changed.
 *
 * Layers, bottom to top: backdrop, queue bars, box fills, outlines, dots, names, badges.
 *
 * It lives in the topology's own file of the built element (with the scene and the engine), so
 * pages without a topology never download it; the renderer hands it pixi's classes and the dots'
 * ParticlePool (`PixiKit`), which stay in the renderer's file.
 */
import type { Container, Sprite } from './pixi.js';
import type * as Pixi from './pixi.js';
import type { CanvasLayer } from './canvas-layer.js';
import type { TopologyScene } from './topology-scene.js';
import type { TopologyLayout } from './topology-layout.js';
import type { Atlas } from './atlas.js';
import { INK, OKABE_ITO, SERVER_STYLES, css } from './palette.js';
import type { Theme } from './theme.js';
import type { ParticlePool } from './particle-pool.js';
import { BREAKER_STATE_NAMES, BreakerState } from '../src/model/circuit-breaker.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const BADGE_MS = 250;

/** The pixi classes the view draws with, handed over by the renderer. */
export interface PixiKit {
  Container: typeof Pixi.Container;
  Sprite: typeof Pixi.Sprite;
  Texture: typeof Pixi.Texture;
  CanvasLayer: typeof CanvasLayer;
  /** The dots, drawn as SceneView draws them. */
  ParticlePool: typeof ParticlePool;
}

export class TopologyView {
  readonly root: Container;
  private readonly backdrop: CanvasLayer;
  private readonly outlines: CanvasLayer;
  private readonly names: CanvasLayer;
  private readonly badges: CanvasLayer;
  private readonly serversLayer: Container;
  private readonly dots: ParticlePool;
  private fills: Sprite[] = [];
  private queues: Sprite[] = [];
  private lastState = new Int32Array(0);
  private builtVersion = -1;
  /** Per edge, as last painted: its breaker's state and its bulkhead's count (-1: none). */
  private badgeState = new Int32Array(0);
  private badgeCount = new Int32Array(0);
  private badgeAt = -Infinity;
  private namesShown = 0;

  constructor(
    private readonly kit: PixiKit,
    private readonly scene: TopologyScene,
    private readonly atlas: Atlas,
    private theme: Theme,
    private readonly resolution = 1,
  ) {
    this.root = new kit.Container();
    this.serversLayer = new kit.Container();
    this.backdrop = new kit.CanvasLayer();
    this.outlines = new kit.CanvasLayer();
    this.names = new kit.CanvasLayer();
    this.badges = new kit.CanvasLayer();
    this.dots = new kit.ParticlePool(atlas, theme);
    this.root.addChild(this.backdrop.sprite, this.serversLayer, this.outlines.sprite, this.dots.container, this.names.sprite, this.badges.sprite);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.dots.setTheme(theme);
    this.builtVersion = -1;
  }

  draw(): void {
    const scene = this.scene;
    if (scene.layoutVersion !== this.builtVersion) this.build();
    const L = scene.layout, pool = scene.model.pool;
    for (let s = 0; s < L.servers; s++) {
      const state = pool.state[s];
      if (state !== this.lastState[s]) {
        this.lastState[s] = state;
        this.fills[s].tint = SERVER_STYLES[state].color;
      }
      const len = pool.queueLengthOf(s), q = this.queues[s];
      q.width = len === 0 ? 0 : Math.min(L.boxW[s], (Math.min(len, L.queuePlaces[s]) * 2.4 + 0.6) * L.dotR);
      const full = pool.queueLimit[s] >= 0 && len >= pool.queueLimit[s];
      q.tint = full ? OKABE_ITO.vermillion : OKABE_ITO.skyBlue;
    }
    this.paintBadges(false);
    this.dots.draw(scene.particles, L.dotR);
  }

  /** Service names drawn (for tests and the page hook; servers are not named one by one here). */
  labelsShown(): { names: number; powers: number; states: number } {
    return { names: this.namesShown, powers: 0, states: 0 };
  }

  destroy(): void {
    this.root.removeChildren();
    for (const layer of [this.backdrop, this.outlines, this.names, this.badges]) layer.destroy();
    this.root.destroy({ children: true });
    this.serversLayer.destroy({ children: true });
    this.dots.container.destroy({ children: true });
  }

  private build(): void {
    const scene = this.scene, L = scene.layout;
    this.builtVersion = scene.layoutVersion;
    this.serversLayer.removeChildren().forEach((c) => c.destroy());
    this.fills = [];
    this.queues = [];
    this.lastState = new Int32Array(L.servers).fill(-1);
    const laneH = L.dotR * 2 + 2;
    for (let s = 0; s < L.servers; s++) {
      const queue = new this.kit.Sprite(this.kit.Texture.WHITE);
      queue.x = L.boxX[s];
      queue.y = L.queueY[s] - laneH / 2;
      queue.height = laneH;
      queue.width = 0;
      queue.alpha = 0.4;
      const fill = new this.kit.Sprite(this.kit.Texture.WHITE);
      fill.x = L.boxX[s];
      fill.y = L.boxY[s];
      fill.width = L.boxW[s];
      fill.height = L.boxH;
      this.serversLayer.addChild(queue, fill);
      this.queues.push(queue);
      this.fills.push(fill);
    }
    this.paintBackdrop(L);
    this.paintOutlines(L);
    this.paintNames(L);
    this.paintBadges(true);
    this.dots.container.update();
  }

  /** The clients, the edges (clients → entry, caller → callee), the queue strips. */
  private paintBackdrop(L: TopologyLayout): void {
    const t = this.theme, model = this.scene.model;
    this.backdrop.paint(L.width, L.height, this.resolution, (g) => {
      g.lineWidth = 1.5;
      g.strokeStyle = css(t.muted);
      g.globalAlpha = 0.55;
      g.beginPath();
      for (const e of model.edges) {
        const x0 = e.from < 0 ? L.clientX : L.groupCX[e.from], y0 = e.from < 0 ? L.clientY + 7 : L.portOutY[e.from];
        g.moveTo(x0, y0);
        g.lineTo(L.groupCX[e.to], L.portInY[e.to]);
      }
      g.stroke();
      g.globalAlpha = 1;
      // The clients: three small screens side by side, "clients" at their left.
      g.lineWidth = 1.25;
      for (let k = -1; k <= 1; k++) {
        g.beginPath();
        g.roundRect(L.clientX + k * 13 - 5, L.clientY - 6, 10, 12, 2);
        g.fillStyle = css(t.bg);
        g.fill();
        g.strokeStyle = css(t.muted);
        g.stroke();
      }
      g.font = `11px ${FONT}`;
      g.fillStyle = css(t.muted);
      g.textBaseline = 'middle';
      g.textAlign = 'right';
      g.fillText('clients', L.clientX - 24, L.clientY);
      g.textAlign = 'left';
      // Queue strips above the boxes.
      const laneH = L.dotR * 2 + 2;
      g.fillStyle = css(t.lane);
      for (let s = 0; s < L.servers; s++) {
        g.beginPath();
        g.roundRect(L.boxX[s], L.queueY[s] - laneH / 2, L.boxW[s], laneH, laneH / 2);
        g.fill();
      }
    });
  }

  private paintOutlines(L: TopologyLayout): void {
    const t = this.theme;
    this.outlines.paint(L.width, L.height, this.resolution, (g) => {
      const r = Math.max(2, Math.min(6, L.boxH / 5));
      for (let s = 0; s < L.servers; s++) {
        const x = L.boxX[s], y = L.boxY[s], w = L.boxW[s], h = L.boxH;
        // Outside the rounded outline, the background hides the fill's square corners.
        g.beginPath();
        g.rect(x - 1, y - 1, w + 2, h + 2);
        g.roundRect(x + 0.5, y + 0.5, w - 1, h - 1, r);
        g.fillStyle = css(t.bg);
        g.fill('evenodd');
        g.beginPath();
        g.roundRect(x + 0.5, y + 0.5, w - 1, h - 1, r);
        g.lineWidth = 1.25;
        g.strokeStyle = css(t.dark ? t.bg : INK);
        g.globalAlpha = 0.8;
        g.stroke();
        for (let i = 0; i < L.slotsDrawn[s]; i++) {
          const k = L.slotBase[s] + i, half = L.slotSize / 2;
          g.beginPath();
          g.roundRect(L.slotX[k] - half, L.slotY[k] - half, L.slotSize, L.slotSize, Math.min(2, half));
          g.globalAlpha = 0.85;
          g.fillStyle = '#ffffff';
          g.fill();
        }
        g.globalAlpha = 1;
      }
    });
  }

  /** Each service's name (bold) and balancer (muted) above its group, cut to the group's width. */
  private paintNames(L: TopologyLayout): void {
    const t = this.theme, model = this.scene.model;
    let shown = 0;
    this.names.paint(L.width, L.height, this.resolution, (g) => {
      g.textBaseline = 'middle';
      for (const svc of model.services) {
        const i = svc.index, x = L.groupX0[i], room = L.groupX1[i] - x;
        const balancer = model.config.services[i].balancer.name;
        g.font = `700 ${L.fontSize}px ${FONT}`;
        const name = fit(g, svc.name, room);
        if (name === '') continue;
        const nameW = g.measureText(name).width;
        g.font = `${L.fontSize}px ${FONT}`;
        const rest = fit(g, ` · ${balancer}`, room - nameW);
        const w = nameW + (rest ? g.measureText(rest).width : 0);
        // A background behind the text: an edge passing under it does not cross the letters.
        g.fillStyle = css(t.bg);
        g.fillRect(x - 2, L.labelY[i] - L.fontSize * 0.7, w + 4, L.fontSize * 1.4);
        g.fillStyle = css(t.ink);
        g.font = `700 ${L.fontSize}px ${FONT}`;
        g.fillText(name, x, L.labelY[i]);
        if (rest) {
          g.font = `${L.fontSize}px ${FONT}`;
          g.fillStyle = css(t.muted);
          g.fillText(rest, x + nameW, L.labelY[i]);
        }
        shown++;
      }
    });
    this.namesShown = shown;
  }

  /** The badges of edges with a breaker or a bulkhead, repainted when a breaker changed state or (at most every BADGE_MS) a count changed. */
  private paintBadges(force: boolean): void {
    const edges = this.scene.model.edges;
    if (force) {
      this.badgeState = new Int32Array(edges.length).fill(-2);
      this.badgeCount = new Int32Array(edges.length).fill(-2);
    }
    let state = false, count = false;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      if ((e.breaker ? e.breaker.state : -1) !== this.badgeState[i]) state = true;
      if ((e.maxConcurrent > 0 ? e.inFlight : -1) !== this.badgeCount[i]) count = true;
    }
    const now = performance.now();
    if (!state && !(count && now - this.badgeAt >= BADGE_MS)) return;
    this.badgeAt = now;
    for (let i = 0; i < edges.length; i++) {
      this.badgeState[i] = edges[i].breaker ? edges[i].breaker!.state : -1;
      this.badgeCount[i] = edges[i].maxConcurrent > 0 ? edges[i].inFlight : -1;
    }
    const L = this.scene.layout, t = this.theme;
    this.badges.paint(L.width, L.height, this.resolution, (g) => {
      g.font = `600 ${Math.min(11, L.fontSize)}px ${FONT}`;
      g.textBaseline = 'middle';
      g.textAlign = 'center';
      for (const e of edges) {
        if (e.from < 0 || (!e.breaker && e.maxConcurrent === 0)) continue;
        const words: string[] = [];
        if (e.breaker) words.push(`breaker ${BREAKER_STATE_NAMES[e.breaker.state]}`);
        if (e.maxConcurrent > 0) words.push(`bulkhead ${e.inFlight}/${e.maxConcurrent}`);
        const label = words.join(' · ');
        const x0 = L.groupCX[e.from], y0 = L.portOutY[e.from], x1 = L.groupCX[e.to], y1 = L.portInY[e.to];
        const w = g.measureText(label).width + 10, h = Math.min(11, L.fontSize) + 6;
        const cx = Math.min(L.width - w / 2 - 2, Math.max(w / 2 + 2, (x0 + x1) / 2)), cy = (y0 + y1) / 2;
        const state = e.breaker?.state ?? BreakerState.Closed;
        const fill = state === BreakerState.Open ? OKABE_ITO.vermillion : state === BreakerState.HalfOpen ? OKABE_ITO.orange : t.bg;
        g.beginPath();
        g.roundRect(cx - w / 2, cy - h / 2, w, h, h / 2);
        g.fillStyle = css(fill);
        g.fill();
        g.lineWidth = 1.25;
        g.strokeStyle = css(state === BreakerState.Closed ? OKABE_ITO.bluishGreen : fill);
        g.stroke();
        g.fillStyle = css(state === BreakerState.Closed ? t.ink : state === BreakerState.Open ? 0xffffff : INK);
        g.fillText(label, cx, cy + 0.5);
      }
    });
  }
}

/** `text` cut (with "…") to at most `room` px in the context's font; '' when not even one letter fits. */
export function fit(g: CanvasRenderingContext2D, text: string, room: number): string {
  if (g.measureText(text).width <= room) return text;
  for (let n = text.length - 1; n > 0; n--) {
    const cut = `${text.slice(0, n)}…`;
    if (g.measureText(cut).width <= room) return cut;
  }
  return '';
}
