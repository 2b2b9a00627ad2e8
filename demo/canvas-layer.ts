/**
 * A picture drawn with the 2D canvas API and shown in the pixi scene as one Sprite: for what
 * changes only with the layout, the theme or a server's power (the backdrop, box outlines and
 * slots, names and power, failure crosses). Drawing it costs one texture upload per `paint`;
 * nothing per frame. The demo draws shapes and text this way instead of with pixi's Graphics and
 * Text, which would more than double the renderer's download (see demo/pixi.ts).
 */
import { CanvasSource, Rectangle, Sprite, Texture } from './pixi.js';

export class CanvasLayer {
  readonly sprite: Sprite;
  private readonly source: CanvasSource;

  constructor() {
    this.source = new CanvasSource({ resource: document.createElement('canvas'), width: 1, height: 1, resolution: 1 });
    this.sprite = new Sprite(new Texture({ source: this.source, dynamic: true }));
  }

  /** Redraws the layer at `width × height` CSS px and `resolution` device px per CSS px; `draw` works in CSS px. */
  paint(width: number, height: number, resolution: number, draw: (g: CanvasRenderingContext2D) => void): void {
    const source = this.source;
    source.resize(Math.max(1, Math.ceil(width)), Math.max(1, Math.ceil(height)), resolution);
    const g = source.context2D as CanvasRenderingContext2D;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, source.pixelWidth, source.pixelHeight);
    g.setTransform(resolution, 0, 0, resolution, 0, 0);
    draw(g);
    source.update();
  }

  /** A texture of the part `(x, y, width, height)` of the layer (CSS px), e.g. one word of a word list. */
  part(x: number, y: number, width: number, height: number): Texture {
    return new Texture({ source: this.source, frame: new Rectangle(x, y, width, height) });
  }

  /** The sprite (out of its parent) first, then its texture and the canvas. */
  destroy(): void {
    const texture = this.sprite.texture;
    this.sprite.destroy();
    texture.destroy(true);
  }
}
