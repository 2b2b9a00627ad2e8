/**
 * Draws a SceneModel with pixi.js: static decoration (clients, balancer, lanes, box outlines,
 * slots) in two Graphics rebuilt only when the layout changes; per server a tinted box, a queue
 * depth bar, a failure cross, labels (one Text per state word, shown or hidden, so a state change
 * re-rasterises nothing); request dots as one ParticleContainer. `draw()` runs every frame and
 * allocates nothing.
 */
import { Container, Graphics, NineSliceSprite, Particle, ParticleContainer, Sprite, Text, Texture, type TextStyleOptions } from 'pixi.js';
import type { SceneModel } from './scene-model.js';
import { queueX } from './layout.js';
import { BOX_CORNER, SHAPE_RADIUS, type Atlas } from './atlas.js';
import { INK, OKABE_ITO, SERVER_STYLES, toBgr } from './palette.js';
import { onTheme, type Theme } from './theme.js';
import { ServerState } from '../src/model/states.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

interface ServerSprites {
  fill: NineSliceSprite;
  queue: Sprite;
  cross: Graphics;
  /** Power as a strip along the top of the box (full width: the most powerful server). */
  gauge: Sprite;
  name: Text;
  /** One per ServerState, shown when the state is written in the box. */
  states: Text[];
  /** "×4", the server's current power; "↓×1" in bold while slowed by hand. */
  power: Text;
  lastState: number;
  lastFull: number;
  lastSpeed: number;
}

export class SceneView {
  readonly root = new Container();
  private readonly under = new Graphics();
  private readonly over = new Graphics();
  private readonly serversLayer = new Container();
  private readonly labels = new Container();
  private readonly dots: ParticleContainer;
  private readonly pool: Particle[] = [];
  private servers: ServerSprites[] = [];
  /** The pool's servers differ in configured power; the most powerful one's speed. */
  private mixedPower = false;
  private maxSpeed = 1;
  /** Per server: its state word fits in its box (1) or is told by colour only (0). */
  private stateFits = new Uint8Array(0);
  /** Width of the longest state word at the current font size. */
  private widestState = 0;
  private builtVersion = -1;
  private shown = 0;
  private balancerLabel: Text | null = null;
  private clientsLabel: Text | null = null;
  /** Particle colour (ABGR with alpha) cache inputs. */
  private readonly bgr = new Map<number, number>();

  constructor(
    private readonly scene: SceneModel,
    private readonly atlas: Atlas,
    private readonly balancerName: string,
    private theme: Theme,
  ) {
    this.dots = new ParticleContainer({
      texture: atlas.shapes[0],
      dynamicProperties: { position: true, color: true, vertex: true, uvs: true, rotation: false },
    });
    declareParticleLocals(this.dots);
    this.root.addChild(this.under, this.serversLayer, this.over, this.dots, this.labels);
  }

  /** Draws with `theme` from now on (rebuilds what depends on colours). */
  setTheme(theme: Theme): void {
    this.theme = theme;
    this.bgr.clear();
    this.builtVersion = -1;
  }

  /** Updates everything drawn to the model's current state. */
  draw(): void {
    const scene = this.scene;
    if (scene.layoutVersion !== this.builtVersion) this.build();
    const L = scene.layout, pool = scene.model.pool;
    for (let s = 0; s < this.servers.length; s++) {
      const v = this.servers[s], state = pool.state[s];
      if (state !== v.lastState) {
        v.lastState = state;
        v.fill.tint = SERVER_STYLES[state].color;
        v.cross.visible = state === ServerState.Failed;
        for (let k = 0; k < v.states.length; k++) v.states[k].visible = this.stateFits[s] === 1 && L.showLabels && k === state;
      }
      const len = pool.queueLength[s];
      const w = len === 0 ? 0 : L.queueHeadX - queueX(L, s, len - 1) + L.dotR + 2;
      v.queue.x = L.queueHeadX - w + 2;
      v.queue.width = w;
      const full = pool.queueLimit[s] >= 0 && len >= pool.queueLimit[s] ? 1 : 0;
      if (full !== v.lastFull) {
        v.lastFull = full;
        v.queue.tint = full ? OKABE_ITO.vermillion : OKABE_ITO.skyBlue;
        v.queue.alpha = full ? 0.45 : 0.4;
      }
      if (pool.speed[s] !== v.lastSpeed) {
        v.lastSpeed = pool.speed[s];
        this.showPower(s, v);
      }
    }
    this.drawDots();
  }

  /** Server labels drawn now: names, power values and state words (for tests and the page hook). */
  labelsShown(): { names: number; powers: number; states: number } {
    let names = 0, powers = 0, states = 0;
    for (const v of this.servers) {
      if (v.name.visible) names++;
      if (v.power.visible && v.power.text !== '') powers++;
      if (v.states.some((t) => t.visible)) states++;
    }
    return { names, powers, states };
  }

  destroy(): void {
    this.root.destroy({ children: true });
  }

  private drawDots(): void {
    const ps = this.scene.particles, n = ps.count, shapes = this.atlas.shapes;
    while (this.pool.length < n) {
      const p = new Particle({ texture: shapes[0], anchorX: 0.5, anchorY: 0.5 });
      this.pool.push(p);
      this.dots.particleChildren.push(p);
      this.dots.update();
    }
    const scale = this.scene.layout.dotR / SHAPE_RADIUS;
    for (let i = 0; i < n; i++) {
      const id = ps.live[i], p = this.pool[i];
      p.x = ps.x[id];
      p.y = ps.y[id];
      p.scaleX = p.scaleY = scale * ps.scale[id];
      p.texture = shapes[ps.shape[id]];
      p.color = this.abgr(ps.color[id], ps.alpha[id]);
    }
    for (let i = n; i < this.shown; i++) this.pool[i].color = 0;
    this.shown = n;
  }

  private abgr(rgb: number, alpha: number): number {
    let bgr = this.bgr.get(rgb);
    if (bgr === undefined) this.bgr.set(rgb, (bgr = toBgr(onTheme(this.theme, rgb))));
    return bgr + (((alpha * 255) | 0) << 24);
  }

  /** (Re)creates everything that depends on the layout. */
  private build(): void {
    const scene = this.scene, L = scene.layout, pool = scene.model.pool, t = this.theme;
    this.builtVersion = scene.layoutVersion;
    for (const v of this.servers) {
      v.fill.destroy();
      v.queue.destroy();
      v.cross.destroy();
      v.gauge.destroy();
    }
    this.labels.removeChildren().forEach((c) => c.destroy());
    this.servers = [];
    const base = scene.baseSpeed;
    this.mixedPower = base.some((x) => x !== base[0]);
    this.maxSpeed = Math.max(...base, ...pool.speed);
    this.stateFits = new Uint8Array(L.servers);
    this.widestState = 0;

    const g = this.under.clear();
    // Clients: three small screens, requests leave from their right.
    const cx = L.sourceX, ch = Math.min(16, (L.sourceBottom - L.sourceTop) / 5);
    for (let k = 0; k < 3; k++) {
      const cy = L.sourceTop + ((L.sourceBottom - L.sourceTop) * (k + 0.5)) / 3;
      g.roundRect(cx - 8, cy - ch / 2, 14, ch, 3).fill(t.bg).stroke({ color: t.muted, width: 1.5 });
    }
    // Paths: clients → balancer → each lane.
    for (let s = 0; s < L.servers; s++) {
      g.moveTo(L.balancerX, L.balancerY).lineTo(L.queueTailX[s], L.rowY[s]);
    }
    g.moveTo(cx + 8, L.sourceTop).lineTo(L.balancerX, L.balancerY).moveTo(cx + 8, L.sourceBottom).lineTo(L.balancerX, L.balancerY);
    g.stroke({ color: t.line, width: 1.5 });
    // Queue lanes.
    const laneH = L.dotR * 2 + 4;
    for (let s = 0; s < L.servers; s++) {
      g.roundRect(L.queueTailX[s] - 2, L.rowY[s] - laneH / 2, L.queueHeadX - L.queueTailX[s] + 4, laneH, laneH / 2).fill(t.lane);
    }
    // Exit arrows.
    for (let s = 0; s < L.servers; s++) {
      const x = L.boxX[s] + L.boxW + 6, y = L.rowY[s];
      g.moveTo(x, y).lineTo(L.exitX - 4, y).stroke({ color: t.line, width: 1.5 });
    }
    // Balancer.
    g.circle(L.balancerX, L.balancerY, L.balancerR).fill(t.ink);

    const o = this.over.clear();
    for (let s = 0; s < L.servers; s++) {
      const box = new NineSliceSprite({
        texture: this.atlas.box, leftWidth: BOX_CORNER, rightWidth: BOX_CORNER, topHeight: BOX_CORNER, bottomHeight: BOX_CORNER,
        width: L.boxW, height: L.boxH,
      });
      box.x = L.boxX[s];
      box.y = L.boxY[s];
      const queue = new Sprite(Texture.WHITE);
      queue.y = L.rowY[s] - laneH / 2;
      queue.height = laneH;
      queue.width = 0;
      const cross = new Graphics()
        .moveTo(L.boxX[s] + 6, L.boxY[s] + 5).lineTo(L.boxX[s] + L.boxW - 6, L.boxY[s] + L.boxH - 5)
        .moveTo(L.boxX[s] + L.boxW - 6, L.boxY[s] + 5).lineTo(L.boxX[s] + 6, L.boxY[s] + L.boxH - 5)
        .stroke({ color: 0xffffff, width: 2.5, alpha: 0.9 });
      this.serversLayer.addChild(queue, box, cross);
      o.roundRect(L.boxX[s], L.boxY[s], L.boxW, L.boxH, BOX_CORNER - 1).stroke({ color: t.dark ? t.bg : INK, width: 1.25, alpha: 0.8 });
      for (let i = 0; i < L.slotsDrawn[s]; i++) {
        const k = L.slotBase[s] + i, h = L.slotSize / 2;
        o.roundRect(L.slotX[k] - h, L.slotY[k] - h, L.slotSize, L.slotSize, 2).fill({ color: 0xffffff, alpha: 0.85 }).stroke({ color: INK, width: 1, alpha: 0.35 });
      }
      const style: TextStyleOptions = { fontFamily: FONT, fontSize: L.fontSize, fill: INK };
      const gauge = new Sprite(Texture.WHITE);
      gauge.x = L.boxX[s] + L.gaugeInset;
      gauge.y = L.boxY[s] + L.gaugeInset - 1;
      gauge.height = L.gaugeHeight;
      gauge.tint = INK;
      gauge.alpha = 0.6;
      this.serversLayer.addChild(gauge);
      const name = this.text(`S${s + 1}`, { ...style, fontWeight: '700' });
      const power = this.text('', style);
      const states = SERVER_STYLES.map((st) => {
        const t = this.text(st.label, { ...style, fill: st.ink });
        t.visible = false;
        return t;
      });
      if (s === 0) this.widestState = Math.max(...states.map((t) => t.width));
      if (L.labels === 'compact') {
        // One line, right-aligned on the row: [state] S1 ×4 (the name is placed by showPower).
        name.anchor.set(1, 0.5);
        name.y = power.y = L.rowY[s] + L.gaugeHeight / 2;
        power.anchor.set(1, 0.5);
        power.x = L.boxX[s] + L.boxW - 5;
        for (const t of states) {
          t.anchor.set(0, 0.5);
          t.y = name.y;
        }
      } else {
        // Name and power bottom left, state bottom right.
        name.x = L.boxX[s] + 6;
        name.y = power.y = L.boxY[s] + L.boxH - L.fontSize - 5;
        for (const t of states) {
          t.anchor.set(1, 0);
          t.x = L.boxX[s] + L.boxW - 6;
          t.y = name.y;
        }
      }
      name.visible = power.visible = L.showLabels;
      const v: ServerSprites = { fill: box, queue, cross, gauge, name, states, power, lastState: -1, lastFull: -1, lastSpeed: pool.speed[s] };
      this.showPower(s, v);
      this.servers.push(v);
    }
    this.balancerLabel = this.text(this.balancerName, { fontFamily: FONT, fontSize: L.width < 480 ? 11 : 12, fontWeight: '700', fill: t.ink });
    this.balancerLabel.anchor.set(0.5, 0);
    // Centred under the balancer, but never cut off at the left edge.
    this.balancerLabel.x = Math.max(L.balancerX, this.balancerLabel.width / 2 + 3);
    this.balancerLabel.y = L.balancerY + L.balancerR + 5;
    const lb = this.text('LB', { fontFamily: FONT, fontSize: Math.max(9, L.balancerR * 0.7), fontWeight: '700', fill: t.bg });
    lb.anchor.set(0.5, 0.5);
    lb.x = L.balancerX;
    lb.y = L.balancerY;
    this.clientsLabel = this.text('clients', { fontFamily: FONT, fontSize: 11, fill: t.muted });
    this.clientsLabel.anchor.set(0, 0);
    this.clientsLabel.x = 4;
    this.clientsLabel.y = L.sourceBottom + 10;
    this.dots.update();
  }

  /**
   * Writes server s's power and sizes its gauge. Power is shown whenever it tells servers apart
   * (a pool of mixed power, a server slowed by hand, or a pool whose power is not 1). The state
   * word is written only where it fits beside name and power.
   */
  private showPower(s: number, v: ServerSprites): void {
    const scene = this.scene, L = scene.layout, speed = scene.model.pool.speed[s], slowed = scene.isSlowed(s);
    const shown = this.mixedPower || slowed || speed !== 1;
    v.power.text = shown ? `${slowed ? '↓' : ''}×${fmt(speed)}` : '';
    v.power.style.fontWeight = slowed ? '700' : '400';
    v.gauge.visible = this.mixedPower || slowed;
    v.gauge.width = Math.max(1.5, ((L.boxW - 2 * L.gaugeInset) * Math.min(speed, this.maxSpeed)) / this.maxSpeed);
    if (L.labels === 'compact') {
      v.name.x = v.power.x - (shown ? v.power.width + 3 : 0);
      const left = v.name.x - v.name.width - 4;
      let slotsRight = 0;
      for (let i = 0; i < L.slotsDrawn[s]; i++) slotsRight = Math.max(slotsRight, L.slotX[L.slotBase[s] + i] + L.slotSize / 2);
      this.stateFits[s] = L.stateWords && left - this.widestState >= slotsRight + 2 ? 1 : 0;
      for (const t of v.states) t.x = left - this.widestState;
    } else {
      v.power.x = v.name.x + v.name.width + 4;
      this.stateFits[s] = L.stateWords && v.power.x + v.power.width + this.widestState + 10 <= L.boxX[s] + L.boxW ? 1 : 0;
    }
    for (let k = 0; k < v.states.length; k++) v.states[k].visible = this.stateFits[s] === 1 && L.showLabels && k === v.lastState;
  }

  private text(text: string, style: TextStyleOptions): Text {
    const t = new Text({ text, style });
    this.labels.addChild(t);
    return t;
  }
}

/**
 * pixi 8.22 compiles each ParticleContainer's upload loop with `new Function` from snippets that
 * assign `offset`, `w0`, `w1`, `h0`, `h1` without declaring them, creating globals on `window`
 * at the first render. Declaring them (`var` is function-scoped, so once anywhere will do) in
 * this container's own copies of the snippets keeps the page's global scope clean.
 */
function declareParticleLocals(container: ParticleContainer): void {
  for (const property of Object.values(container._properties)) {
    property.code = `var offset, w0, w1, h0, h1;\n${property.code}`;
  }
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(x < 1 ? 2 : 1).replace(/0+$/, '');
}
