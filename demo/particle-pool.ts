/**
 * The dots as pixi draws them, for SceneView and TopologyView alike: one ParticleContainer, one
 * pixi Particle per live dot (made as the count grows, kept when it shrinks: those past the count
 * are drawn transparent), positions, sizes, shapes and colours copied from a `Particles` pool
 * each frame. `draw` allocates nothing once the pool is large enough. It lives in the renderer's
 * file with pixi; TopologyView, in the topology's file, gets the class from the renderer (PixiKit).
 */
import { Particle, ParticleContainer } from './pixi.js';
import { SHAPE_RADIUS, type Atlas } from './atlas.js';
import type { Particles } from './particles.js';
import { toBgr } from './palette.js';
import { onTheme, type Theme } from './theme.js';

export class ParticlePool {
  readonly container: ParticleContainer;
  private readonly pool: Particle[] = [];
  private shown = 0;
  /** Particle colour (ABGR with alpha) cache inputs. */
  private readonly bgr = new Map<number, number>();

  constructor(
    private readonly atlas: Atlas,
    private theme: Theme,
  ) {
    this.container = new ParticleContainer({
      texture: atlas.shapes[0],
      dynamicProperties: { position: true, color: true, vertex: true, uvs: true, rotation: false },
    });
    declareParticleLocals(this.container);
  }

  /** Colours from `theme` from now on. */
  setTheme(theme: Theme): void {
    this.theme = theme;
    this.bgr.clear();
  }

  /** Copies every live dot of `ps` into a particle, drawn at radius `dotR` × its scale. */
  draw(ps: Particles, dotR: number): void {
    const n = ps.count, shapes = this.atlas.shapes;
    while (this.pool.length < n) {
      const p = new Particle({ texture: shapes[0], anchorX: 0.5, anchorY: 0.5 });
      this.pool.push(p);
      this.container.particleChildren.push(p);
      this.container.update();
    }
    const scale = dotR / SHAPE_RADIUS;
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
