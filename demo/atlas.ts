/**
 * Textures drawn once on a 2D canvas, in white so any tint applies: the particle shapes (one
 * atlas, as a ParticleContainer needs a single texture source).
 */
import { CanvasSource, Rectangle, Texture } from './pixi.js';
import { SHAPE_COUNT, Shape } from './palette.js';

/** Cell size of a shape in the atlas; a dot of radius r is drawn at scale r / SHAPE_RADIUS. */
export const CELL = 32;
export const SHAPE_RADIUS = 12;
/** Corner radius of a server box (drawn by scene-view.ts). */
export const BOX_CORNER = 8;

export interface Atlas {
  /** Indexed by palette `Shape`. */
  shapes: Texture[];
  destroy(): void;
}

export function createAtlas(): Atlas {
  const scale = 2; // drawn at twice the size for crisp edges on high-density screens
  const canvas = document.createElement('canvas');
  canvas.width = CELL * SHAPE_COUNT * scale;
  canvas.height = CELL * scale;
  const g = canvas.getContext('2d')!;
  g.scale(scale, scale);
  g.fillStyle = '#fff';
  g.strokeStyle = '#fff';
  const c = CELL / 2, r = SHAPE_RADIUS;
  for (let k = 0; k < SHAPE_COUNT; k++) {
    g.save();
    g.translate(k * CELL + c, c);
    switch (k) {
      case Shape.Dot:
        g.beginPath();
        g.arc(0, 0, r, 0, Math.PI * 2);
        g.fill();
        break;
      case Shape.Cross:
        g.lineWidth = r * 0.55;
        g.lineCap = 'round';
        g.beginPath();
        g.moveTo(-r * 0.85, -r * 0.85); g.lineTo(r * 0.85, r * 0.85);
        g.moveTo(r * 0.85, -r * 0.85); g.lineTo(-r * 0.85, r * 0.85);
        g.stroke();
        break;
      case Shape.Square:
        g.fillRect(-r * 0.85, -r * 0.85, r * 1.7, r * 1.7);
        break;
      case Shape.Ring:
        g.lineWidth = r * 0.4;
        g.beginPath();
        g.arc(0, 0, r * 0.8, 0, Math.PI * 2);
        g.stroke();
        break;
    }
    g.restore();
  }
  // Frames are in CSS pixels: the source's resolution accounts for the 2x drawing.
  const source = new CanvasSource({ resource: canvas, resolution: scale });
  const sub = (x: number, y: number, w: number, h: number) => new Texture({ source, frame: new Rectangle(x, y, w, h) });
  const shapes = Array.from({ length: SHAPE_COUNT }, (_, k) => sub(k * CELL, 0, CELL, CELL));
  return {
    shapes,
    destroy() {
      for (const t of shapes) t.destroy();
      source.destroy();
    },
  };
}
