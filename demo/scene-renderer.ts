/**
 * A panel's renderer: a pixi WebGLRenderer on its own canvas, the atlas of shapes and the
 * SceneView drawing one SceneModel. Everything pixi is reached from here, and panels load this
 * module with a dynamic `import()`, so the element's own module stays small and the page (text,
 * controls, charts) appears before the renderer has arrived.
 *
 * Destroying it gives its WebGL context back; the scene model is not touched.
 */
import { Container, WebGLRenderer } from './pixi.js';
import { SceneView } from './scene-view.js';
import { createAtlas, type Atlas } from './atlas.js';
import type { SceneModel } from './scene-model.js';
import type { Theme } from './theme.js';

export class SceneRenderer {
  readonly canvas: HTMLCanvasElement;
  private readonly stage = new Container();
  private view: SceneView;

  private constructor(
    private readonly renderer: WebGLRenderer,
    private readonly atlas: Atlas,
    scene: SceneModel,
    balancer: string,
    private theme: Theme,
  ) {
    this.canvas = renderer.canvas as HTMLCanvasElement;
    this.view = new SceneView(scene, atlas, balancer, theme, renderer.resolution);
    this.stage.addChild(this.view.root);
  }

  /** A renderer for `scene`; rejects when the browser cannot make a WebGL context. */
  static async create(scene: SceneModel, balancer: string, theme: Theme): Promise<SceneRenderer> {
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
  setScene(scene: SceneModel, balancer: string): void {
    this.stage.removeChild(this.view.root);
    this.view.destroy();
    this.view = new SceneView(scene, this.atlas, balancer, this.theme, this.renderer.resolution);
    this.stage.addChild(this.view.root);
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
