/**
 * A panel's renderer: a pixi WebGLRenderer on its own canvas, the atlas of shapes and the
 * SceneView drawing one SceneModel. Everything pixi is reached from here, and panels load this
 * module with a dynamic `import()`, so the element's own module stays small and the page (text,
 * controls, charts) appears before the renderer has arrived.
 *
 * Destroying it gives its WebGL context back; the scene model is not touched.
 */
import { Container, Sprite, Texture, WebGLRenderer } from './pixi.js';
import { SceneView } from './scene-view.js';
import type { TopologyView, PixiKit } from './topology-view.js';
import { CanvasLayer } from './canvas-layer.js';
import { createAtlas, type Atlas } from './atlas.js';
import { ParticlePool } from './particle-pool.js';
import type { SceneModel } from './scene-model.js';
import type { TopologyScene } from './topology-scene.js';
import type { Theme } from './theme.js';

/** What a topology's view (in the topology's own file) draws with. */
const KIT: PixiKit = { Container, Sprite, Texture, CanvasLayer, ParticlePool };

export class SceneRenderer {
  readonly canvas: HTMLCanvasElement;
  private readonly stage = new Container();
  private view: SceneView | TopologyView;

  private constructor(
    private readonly renderer: WebGLRenderer,
    private readonly atlas: Atlas,
    scene: SceneModel | TopologyScene,
    balancer: string,
    private theme: Theme,
  ) {
    this.canvas = renderer.canvas as HTMLCanvasElement;
    this.view = this.viewOf(scene, balancer);
    this.stage.addChild(this.view.root);
  }

  /** A renderer for `scene`; rejects when the browser cannot make a WebGL context. */
  static async create(scene: SceneModel | TopologyScene, balancer: string, theme: Theme): Promise<SceneRenderer> {
    const renderer = new WebGLRenderer();
    await renderer.init({
      width: 320, height: 200, antialias: false, backgroundAlpha: 0,
      resolution: Math.min(2, globalThis.devicePixelRatio || 1), autoDensity: true,
    });
    const canvas = renderer.canvas as HTMLCanvasElement;
    canvas.style.touchAction = 'auto';
    canvas.setAttribute('aria-hidden', 'true');
    return new SceneRenderer(renderer, createAtlas(), scene, balancer, theme);
  }

  /** Draws `scene` from now on (a reset made a new one). */
  setScene(scene: SceneModel | TopologyScene, balancer: string): void {
    this.stage.removeChild(this.view.root);
    this.view.destroy();
    this.view = this.viewOf(scene, balancer);
    this.stage.addChild(this.view.root);
  }

  /** A single pool's view, or a topology's (services in tiers, edges, breakers). */
  private viewOf(scene: SceneModel | TopologyScene, balancer: string): SceneView | TopologyView {
    const resolution = this.renderer.resolution;
    return scene.kind === 'topology' ? scene.createView(KIT, this.atlas, this.theme, resolution) : new SceneView(scene, this.atlas, balancer, this.theme, resolution);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.view.setTheme(theme);
  }

  resize(width: number, height: number): void {
    this.renderer.resize(width, height);
  }

  /** Draws the scene model as it is now. */
  draw(): void {
    this.view.draw();
    this.renderer.render(this.stage);
  }

  labelsShown(): { names: number; powers: number; states: number } {
    return this.view.labelsShown();
  }

  /** Destroys the stage (and the shaders using the atlas) first, then the atlas, then the context. */
  destroy(): void {
    this.stage.removeChild(this.view.root);
    this.view.destroy();
    this.stage.destroy({ children: true });
    this.renderer.destroy({ removeView: true });
    this.atlas.destroy();
  }
}
