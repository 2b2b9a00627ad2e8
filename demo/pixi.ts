/**
 * The pixi.js modules the demo draws with, imported one by one. The `pixi.js` index registers
 * every extension pixi has (accessibility, events, filters, the WebGPU renderer, asset loaders,
 * bitmap and HTML text, …), which tree shaking cannot remove; importing these modules and
 * registering the WebGL pipe of particle containers keeps the bundle to what is drawn: sprites
 * and one ParticleContainer. Shapes and text are drawn with the 2D canvas API (canvas-layer.ts),
 * not pixi's Graphics and Text: those two alone weigh more than the rest of the renderer. The paths point into the package's lib folder
 * (its `exports` map does not list them) as `.js`, so TypeScript reads the .d.ts beside; the
 * build takes the ES module (`.mjs`) instead of the CommonJS one (vite.config.ts, pixiModules).
 * Import pixi through this file only: one import of `pixi.js` would pull it all back.
 */
import { extensions } from '../node_modules/pixi.js/lib/extensions/Extensions.js';
import { GlParticleContainerPipe } from '../node_modules/pixi.js/lib/scene/particle-container/gl/GlParticleContainerPipe.js';

// The WebGL pipe of the one scene type drawn beyond sprites (its init file also adds the WebGPU
// and canvas-renderer pipes, and rendering/init masks and image/video sources: not used).
extensions.add(GlParticleContainerPipe);

export { WebGLRenderer } from '../node_modules/pixi.js/lib/rendering/renderers/gl/WebGLRenderer.js';
export { Container } from '../node_modules/pixi.js/lib/scene/container/Container.js';
export { Particle } from '../node_modules/pixi.js/lib/scene/particle-container/shared/Particle.js';
export { ParticleContainer } from '../node_modules/pixi.js/lib/scene/particle-container/shared/ParticleContainer.js';
export { Sprite } from '../node_modules/pixi.js/lib/scene/sprite/Sprite.js';
export { Texture } from '../node_modules/pixi.js/lib/rendering/renderers/shared/texture/Texture.js';
export { CanvasSource } from '../node_modules/pixi.js/lib/rendering/renderers/shared/texture/sources/CanvasSource.js';
export { Rectangle } from '../node_modules/pixi.js/lib/maths/shapes/Rectangle.js';
