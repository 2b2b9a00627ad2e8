import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

const demo = resolve(import.meta.dirname, 'demo');

/** In the dev server, pages ask for the built element at ./lbsim-view.js: serve its source. */
const devElement: Plugin = {
  name: 'lbsim-dev-element',
  apply: 'serve',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url === '/lbsim-view.js' || req.url?.startsWith('/lbsim-view.js?')) req.url = '/lbsim-view.ts';
      next();
    });
  },
};

/**
 * demo/pixi.ts imports pixi's modules one by one by their `.js` paths (where TypeScript finds the
 * .d.ts); take the ES module beside each (`.mjs`), not the CommonJS one.
 */
const pixiModules: Plugin = {
  name: 'lbsim-pixi-modules',
  enforce: 'pre',
  resolveId(source, importer) {
    if (!source.includes('node_modules/pixi.js/lib/') || !source.endsWith('.js')) return null;
    return this.resolve(`${source.slice(0, -3)}.mjs`, importer, { skipSelf: true });
  },
};

/**
 * The built element carries the common policies in its own file and the others in a file of their
 * own, loaded when a scenario names one (demo/policies.ts): in `--mode embed` the library's list of
 * built-in policies is demo/element-builtins.ts.
 */
const elementPolicies: Plugin = {
  name: 'lbsim-element-policies',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source !== './builtins.js' || !importer?.replaceAll('\\', '/').includes('/src/balancers/')) return null;
    return resolve(demo, 'element-builtins.ts');
  },
};

// One config for the demo (vite), the embeddable element (`vite build --mode embed`) and the tests (vitest).
// `vite build` writes the gallery to demo-dist/ (demo/public/embed.html is copied as is);
// `vite build --mode embed` then adds demo-dist/lbsim-view.js (the element: an ES module with no
// dependencies) and lbsim-view-scene-renderer.js beside it (the pixi renderer, loaded on first draw).
export default defineConfig(({ mode, command }) => ({
  root: 'demo',
  base: './',
  plugins: mode === 'embed' ? [devElement, pixiModules, elementPolicies] : [devElement, pixiModules],
  // Browser builds take only seedrandom's Alea (demo/seedrandom-alea.js); tests use the package.
  resolve: command === 'build' ? { alias: [{ find: /^seedrandom$/, replacement: resolve(demo, 'seedrandom-alea.js') }] } : {},
  build: mode === 'embed'
    ? {
        outDir: '../demo-dist',
        emptyOutDir: false,
        copyPublicDir: false,
        lib: { entry: resolve(demo, 'lbsim-view.ts'), formats: ['es'], fileName: () => 'lbsim-view.js' },
        minify: true,
        target: 'es2022',
        // The renderer (pixi) is a second file, loaded by the element when it first draws.
        // `allow-extension`: modules both files use stay in the element's file (no third file).
        rolldownOptions: { preserveEntrySignatures: 'allow-extension', output: { minify: true, chunkFileNames: 'lbsim-view-[name].js' } },
      }
    : {
        outDir: '../demo-dist',
        emptyOutDir: true,
        chunkSizeWarningLimit: 2000,
        rolldownOptions: { input: { index: resolve(demo, 'index.html') } },
      },
  define: mode === 'embed' ? { 'process.env.NODE_ENV': '"production"' } : {},
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
}));
