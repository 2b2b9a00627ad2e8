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

// One config for the demo (vite), the embeddable element (`vite build --mode embed`) and the tests (vitest).
// `vite build` writes the gallery to demo-dist/ (demo/public/embed.html is copied as is);
// `vite build --mode embed` then adds demo-dist/lbsim-view.js, one self-contained ES module.
export default defineConfig(({ mode }) => ({
  root: 'demo',
  base: './',
  plugins: [devElement],
  build: mode === 'embed'
    ? {
        outDir: '../demo-dist',
        emptyOutDir: false,
        copyPublicDir: false,
        lib: { entry: resolve(demo, 'lbsim-view.ts'), formats: ['es'], fileName: () => 'lbsim-view.js' },
        minify: true,
        rolldownOptions: { output: { codeSplitting: false, minify: true } },
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
