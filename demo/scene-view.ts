/**
 * Draws a SceneModel with pixi.js. What changes only with the layout, the theme or a server's
 * power is drawn with the 2D canvas API into four CanvasLayers, repainted only then: the backdrop
 * (clients, paths, queue lanes, exits, the balancer and its name), the box outlines and slots,
 * the failure crosses (repainted when a server fails or comes back), and the labels (name and
 * power, and the power gauge). What changes every frame is pixi sprites: per server a box tinted
 * by its state (square; the outlines layer rounds its corners), a queue-depth bar and its state word (a frame of a word list, so a state change
 * re-rasterises nothing); request dots as one ParticleContainer. `draw()` runs every frame and
 * allocates nothing.
 *
 * Layers, bottom to top: backdrop, queue bars, box fills, crosses, outlines, dots, labels, words.
 */
import { Container, Sprite, Texture } from './pixi.js';
import { ParticlePool } from './particle-pool.js';
import type { SceneModel } from './scene-model.js';
import type { Layout } from './layout.js';
import { queueX } from './layout.js';
import { BOX_CORNER, type Atlas } from './atlas.js';
import { INK, OKABE_ITO, SERVER_STYLES, css } from './palette.js';
import type { Theme } from './theme.js';
import { CanvasLayer } from './canvas-layer.js';
import { ServerState } from '../src/model/states.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

interface ServerSprites {
  /** The box, tinted by state (a rectangle; the outlines layer rounds its corners). */
  fill: Sprite;
  queue: Sprite;
  /** The state word, a frame of the word list (hidden where it does not fit). */
  word: Sprite;
  lastState: number;
  lastFull: number;
  lastSpeed: number;
}

export class SceneView {
  readonly root = new Container();
  private readonly backdrop = new CanvasLayer();
  private readonly outlines = new CanvasLayer();
  private readonly crosses = new CanvasLayer();
  private readonly labels = new CanvasLayer();
  /** The state words (SERVER_STYLES order) in one strip; `words[k]` is word k's frame. */
  private readonly wordStrip = new CanvasLayer();
  private words: Texture[] = [];
  private readonly serversLayer = new Container();
  private readonly wordsLayer = new Container();
  private readonly dots: ParticlePool;
  private servers: ServerSprites[] = [];
  private builtVersion = -1;
  /** The pool's servers differ in configured power; the most powerful one's speed. */
  private mixedPower = false;
  private maxSpeed = 1;
  /** Per server: its state word fits in its box (1) or is told by colour only (0). */
  private stateFits = new Uint8Array(0);
  /** Servers failed at the last paint of the crosses. */
  private failedMask = '';

  constructor(
    private readonly scene: SceneModel,
    private readonly atlas: Atlas,
    private readonly balancerName: string,
    private theme: Theme,
    /** Device px per CSS px of the canvas layers (the renderer's resolution). */
    private readonly resolution = 1,
  ) {
    this.dots = new ParticlePool(atlas, theme);
    this.root.addChild(
      this.backdrop.sprite, this.serversLayer, this.crosses.sprite, this.outlines.sprite, this.dots.container, this.labels.sprite, this.wordsLayer,
    );
  }

  /** Draws with `theme` from now on (rebuilds what depends on colours). */
  setTheme(theme: Theme): void {
    this.theme = theme;
    this.dots.setTheme(theme);
    this.builtVersion = -1;
  }

  /** Updates everything drawn to the model's current state. */
  draw(): void {
    const scene = this.scene;
    if (scene.layoutVersion !== this.builtVersion) this.build();
    const L = scene.layout, pool = scene.model.pool;
    let speedChanged = false, failed = '';
    for (let s = 0; s < this.servers.length; s++) {
      const v = this.servers[s], state = pool.state[s];
      if (state !== v.lastState) {
        v.lastState = state;
        v.fill.tint = SERVER_STYLES[state].color;
        v.word.texture = this.words[state];
        v.word.visible = this.stateFits[s] === 1;
      }
      if (state === ServerState.Failed) failed += `${s},`;
      const len = pool.queueLengthOf(s);
      const w = len === 0 ? 0 : L.queueHeadX - queueX(L, s, len - 1) + L.dotR + 2;
      v.queue.x = L.queueHeadX - w + 2;
      v.queue.width = w;
      const full = pool.queueLimit[s] >= 0 && len >= pool.queueLimit[s] ? 1 : 0;
      if (full !== v.lastFull) {
        v.lastFull = full;
        v.queue.tint = full ? OKABE_ITO.vermillion : OKABE_ITO.skyBlue;
        v.queue.alpha = full ? 0.45 : 0.4;
      }
      if (pool.speedOf(s) !== v.lastSpeed) {
        v.lastSpeed = pool.speedOf(s);
        speedChanged = true;
      }
    }
    if (speedChanged) this.paintLabels();
    if (failed !== this.failedMask) this.paintCrosses(failed);
    this.dots.draw(scene.particles, L.dotR);
  }

  /** Server labels drawn now: names, power values and state words (for tests and the page hook). */
  labelsShown(): { names: number; powers: number; states: number } {
    const L = this.scene.layout;
    if (!L.showLabels) return { names: 0, powers: 0, states: 0 };
    let powers = 0, states = 0;
    for (let s = 0; s < this.servers.length; s++) {
      if (this.powerText(s) !== '') powers++;
      if (this.servers[s].word.visible) states++;
    }
    return { names: this.servers.length, powers, states };
  }

  destroy(): void {
    this.root.removeChildren();
    for (const layer of [this.backdrop, this.outlines, this.crosses, this.labels]) layer.destroy();
    for (const t of this.words) t.destroy();
    this.wordStrip.destroy();
    this.root.destroy({ children: true });
    this.serversLayer.destroy({ children: true });
    this.wordsLayer.destroy({ children: true });
    this.dots.container.destroy({ children: true });
  }

  /** (Re)creates everything that depends on the layout. */
  private build(): void {
    const scene = this.scene, L = scene.layout, pool = scene.model.pool;
    this.builtVersion = scene.layoutVersion;
    this.serversLayer.removeChildren().forEach((c) => c.destroy());
    this.wordsLayer.removeChildren().forEach((c) => c.destroy());
    this.servers = [];
    const base = scene.baseSpeed;
    this.mixedPower = base.some((x) => x !== base[0]);
    this.maxSpeed = Math.max(...base, ...Array.from({ length: pool.size }, (_, s) => pool.speedOf(s)));
    this.stateFits = new Uint8Array(L.servers);
    this.paintWords(L);
    this.paintBackdrop(L);
    this.paintOutlines(L);
    const laneH = L.dotR * 2 + 4;
    for (let s = 0; s < L.servers; s++) {
      const fill = new Sprite(Texture.WHITE);
      fill.x = L.boxX[s];
      fill.y = L.boxY[s];
      fill.width = L.boxW;
      fill.height = L.boxH;
      const queue = new Sprite(Texture.WHITE);
      queue.y = L.rowY[s] - laneH / 2;
      queue.height = laneH;
      queue.width = 0;
      this.serversLayer.addChild(queue, fill);
      const word = new Sprite(this.words[0]);
      word.anchor.set(1, 0); // right-aligned: shorter words end where the longest does
      word.visible = false;
      this.wordsLayer.addChild(word);
      this.servers.push({ fill, queue, word, lastState: -1, lastFull: -1, lastSpeed: pool.speedOf(s) });
    }
    this.paintLabels();
    this.failedMask = '-';
    this.dots.container.update();
  }

  /** The state words at the layout's font size, side by side in one strip. */
  private paintWords(L: Layout): void {
    const font = `${L.fontSize}px ${FONT}`, h = Math.ceil(L.fontSize * 1.3);
    const g0 = document.createElement('canvas').getContext('2d')!;
    g0.font = font;
    const widths = SERVER_STYLES.map((st) => Math.ceil(g0.measureText(st.label).width) + 1);
    for (const t of this.words) t.destroy();
    this.wordStrip.paint(widths.reduce((a, b) => a + b + 2, 0), h, this.resolution, (g) => {
      g.font = font;
      g.textBaseline = 'middle';
      let x = 0;
      SERVER_STYLES.forEach((st, k) => {
        g.fillStyle = css(st.ink);
        g.fillText(st.label, x, h / 2);
        x += widths[k] + 2;
      });
    });
    let x = 0;
    this.words = widths.map((w) => {
      const t = this.wordStrip.part(x, 0, w, h);
      x += w + 2;
      return t;
    });
  }

  private paintBackdrop(L: Layout): void {
    const t = this.theme;
    this.backdrop.paint(L.width, L.height, this.resolution, (g) => {
      g.lineWidth = 1.5;
      // Clients: three small screens, requests leave from their right.
      const cx = L.sourceX, ch = Math.min(16, (L.sourceBottom - L.sourceTop) / 5);
      for (let k = 0; k < 3; k++) {
        const cy = L.sourceTop + ((L.sourceBottom - L.sourceTop) * (k + 0.5)) / 3;
        g.beginPath();
        g.roundRect(cx - 8, cy - ch / 2, 14, ch, 3);
        g.fillStyle = css(t.bg);
        g.fill();
        g.strokeStyle = css(t.muted);
        g.stroke();
      }
      // Paths: clients → balancer → each lane, and each server's exit.
      g.beginPath();
      for (let s = 0; s < L.servers; s++) {
        g.moveTo(L.balancerX, L.balancerY);
        g.lineTo(L.queueTailX[s], L.rowY[s]);
        g.moveTo(L.boxX[s] + L.boxW + 6, L.rowY[s]);
        g.lineTo(L.exitX - 4, L.rowY[s]);
      }
      g.moveTo(cx + 8, L.sourceTop);
      g.lineTo(L.balancerX, L.balancerY);
      g.moveTo(cx + 8, L.sourceBottom);
      g.lineTo(L.balancerX, L.balancerY);
      g.strokeStyle = css(t.line);
      g.stroke();
      // Queue lanes.
      const laneH = L.dotR * 2 + 4;
      g.fillStyle = css(t.lane);
      for (let s = 0; s < L.servers; s++) {
        g.beginPath();
        g.roundRect(L.queueTailX[s] - 2, L.rowY[s] - laneH / 2, L.queueHeadX - L.queueTailX[s] + 4, laneH, laneH / 2);
        g.fill();
      }
      // The balancer, its name below (centred, never cut off at the left edge), "clients".
      g.beginPath();
      g.arc(L.balancerX, L.balancerY, L.balancerR, 0, Math.PI * 2);
      g.fillStyle = css(t.ink);
      g.fill();
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.font = `700 ${Math.max(9, L.balancerR * 0.7)}px ${FONT}`;
      g.fillStyle = css(t.bg);
      g.fillText('LB', L.balancerX, L.balancerY);
      g.font = `700 ${L.width < 480 ? 11 : 12}px ${FONT}`;
      g.textBaseline = 'top';
      g.fillStyle = css(t.ink);
      const half = g.measureText(this.balancerName).width / 2;
      g.fillText(this.balancerName, Math.max(L.balancerX, half + 3), L.balancerY + L.balancerR + 5);
      g.font = `11px ${FONT}`;
      g.textAlign = 'left';
      g.fillStyle = css(t.muted);
      g.fillText('clients', 4, L.sourceBottom + 10);
    });
  }

  /** Box outlines and slots, over the fills; outside each rounded outline, the background hides the fill's square corners. */
  private paintOutlines(L: Layout): void {
    const t = this.theme;
    this.outlines.paint(L.width, L.height, this.resolution, (g) => {
      for (let s = 0; s < L.servers; s++) {
        g.beginPath();
        g.rect(L.boxX[s] - 1, L.boxY[s] - 1, L.boxW + 2, L.boxH + 2);
        g.roundRect(L.boxX[s] + 0.5, L.boxY[s] + 0.5, L.boxW - 1, L.boxH - 1, BOX_CORNER - 1);
        g.fillStyle = css(t.bg);
        g.fill('evenodd');
        g.beginPath();
        g.roundRect(L.boxX[s] + 0.5, L.boxY[s] + 0.5, L.boxW - 1, L.boxH - 1, BOX_CORNER - 1);
        g.lineWidth = 1.25;
        g.strokeStyle = css(t.dark ? t.bg : INK);
        g.globalAlpha = 0.8;
        g.stroke();
        for (let i = 0; i < L.slotsDrawn[s]; i++) {
          const k = L.slotBase[s] + i, h = L.slotSize / 2;
          g.beginPath();
          g.roundRect(L.slotX[k] - h, L.slotY[k] - h, L.slotSize, L.slotSize, 2);
          g.globalAlpha = 0.85;
          g.fillStyle = '#ffffff';
          g.fill();
          g.globalAlpha = 0.35;
          g.lineWidth = 1;
          g.strokeStyle = css(INK);
          g.stroke();
        }
      }
      g.globalAlpha = 1;
    });
  }

  /** A white cross over each failed server's box (`failed`: their ids, comma-separated). */
  private paintCrosses(failed: string): void {
    this.failedMask = failed;
    const L = this.scene.layout;
    this.crosses.paint(L.width, L.height, this.resolution, (g) => {
      g.strokeStyle = 'rgba(255, 255, 255, 0.9)';
      g.lineWidth = 2.5;
      g.beginPath();
      for (const id of failed.split(',')) {
        if (id === '') continue;
        const s = Number(id), x0 = L.boxX[s], y0 = L.boxY[s], x1 = x0 + L.boxW, y1 = y0 + L.boxH;
        g.moveTo(x0 + 6, y0 + 5);
        g.lineTo(x1 - 6, y1 - 5);
        g.moveTo(x1 - 6, y0 + 5);
        g.lineTo(x0 + 6, y1 - 5);
      }
      g.stroke();
    });
  }

  /** "×4" for server s, or "↓×1" while slowed by hand; '' when power tells servers nothing apart. */
  private powerText(s: number): string {
    const scene = this.scene, speed = scene.model.pool.speedOf(s), slowed = scene.isSlowed(s);
    return this.mixedPower || slowed || speed !== 1 ? `${slowed ? '↓' : ''}×${fmt(speed)}` : '';
  }

  /**
   * Names, power values and power gauges of every server, and where the state words go. Power is
   * shown whenever it tells servers apart (a pool of mixed power, a server slowed by hand, or a
   * pool whose power is not 1); the gauge, a strip along the top of the box whose full width is
   * the most powerful server, when power is mixed or a server is slowed. The state word is
   * written only where it fits beside name and power.
   */
  private paintLabels(): void {
    const scene = this.scene, L = scene.layout, pool = scene.model.pool;
    const wordW = Math.max(...this.words.map((w) => w.frame.width)), wordH = this.words[0]?.frame.height ?? 0;
    const gauges = this.mixedPower || Array.from({ length: pool.size }, (_, s) => scene.isSlowed(s)).some((x) => x);
    this.labels.paint(L.width, L.height, this.resolution, (g) => {
      for (let s = 0; s < L.servers; s++) {
        const word = this.servers[s]?.word;
        if (gauges) {
          g.fillStyle = css(INK);
          g.globalAlpha = 0.6;
          const w = Math.max(1.5, ((L.boxW - 2 * L.gaugeInset) * Math.min(pool.speedOf(s), this.maxSpeed)) / this.maxSpeed);
          g.fillRect(L.boxX[s] + L.gaugeInset, L.boxY[s] + L.gaugeInset - 1, w, L.gaugeHeight);
          g.globalAlpha = 1;
        }
        if (!L.showLabels) {
          if (word) word.visible = false;
          this.stateFits[s] = 0;
          continue;
        }
        const power = this.powerText(s), slowed = scene.isSlowed(s);
        const bold = `700 ${L.fontSize}px ${FONT}`, plain = `${slowed ? 700 : 400} ${L.fontSize}px ${FONT}`;
        g.fillStyle = css(INK);
        g.textBaseline = 'middle';
        g.font = plain;
        const powerW = power ? g.measureText(power).width : 0;
        g.font = bold;
        const nameW = g.measureText(`S${s + 1}`).width;
        let wordX: number, wordY: number;
        if (L.labels === 'compact') {
          // One line, right-aligned on the row: [state] S1 ×4.
          const y = L.rowY[s] + L.gaugeHeight / 2, right = L.boxX[s] + L.boxW - 5;
          const nameX = right - (power ? powerW + 3 : 0) - nameW;
          g.fillText(`S${s + 1}`, nameX, y);
          g.font = plain;
          if (power) g.fillText(power, right - powerW, y);
          let slotsRight = 0;
          for (let i = 0; i < L.slotsDrawn[s]; i++) slotsRight = Math.max(slotsRight, L.slotX[L.slotBase[s] + i] + L.slotSize / 2);
          wordX = nameX - 4;
          wordY = y - wordH / 2;
          this.stateFits[s] = L.stateWords && wordX - wordW >= slotsRight + 2 ? 1 : 0;
        } else {
          // Name and power bottom left, state bottom right.
          const y = L.boxY[s] + L.boxH - L.fontSize / 2 - 5;
          g.fillText(`S${s + 1}`, L.boxX[s] + 6, y);
          g.font = plain;
          const powerX = L.boxX[s] + 6 + nameW + 4;
          if (power) g.fillText(power, powerX, y);
          wordX = L.boxX[s] + L.boxW - 6;
          wordY = y - wordH / 2;
          this.stateFits[s] = L.stateWords && powerX + powerW + wordW + 10 <= L.boxX[s] + L.boxW ? 1 : 0;
        }
        if (word) {
          word.x = wordX;
          word.y = wordY;
          word.visible = this.stateFits[s] === 1;
        }
      }
    });
  }
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 1 ? 2 : 1).replace(/0+$/, '');
}
