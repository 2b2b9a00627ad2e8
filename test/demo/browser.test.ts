/**
 * The built demo in a real browser: Debian's Chromium, headless, software WebGL (SwiftShader),
 * driven by playwright-core. Builds demo-dist (gallery + embeddable element), serves it on
 * 127.0.0.1, and checks through the pages' read-only hooks that the engine runs, dots are drawn
 * and retired, killing a server moves traffic away, a bad scenario shows its error, the element
 * defines no globals and fetches nothing, reduced motion starts paused — and it measures the
 * frame time with more than 2,000 requests in flight. Screenshots go to demo-dist/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = join(import.meta.dirname, '../..');
const dist = join(root, 'demo-dist');
const shots = join(dist, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.json': 'application/json' };

type Snapshot = {
  error: string | null; frames: number; paused: boolean; reducedMotion: boolean; simMs: number; spawned: number; completedDrawn: number;
  succeeded: number; dropped: number; inFlight: number; inFlightDrawn: number; chartPoints: number;
  frameMs: { mean: number; p95: number; max: number }; frameIntervalMs: number;
  servers: { state: string; dispatched: number }[]; panels: { balancer: string; simMs: number; arrived: number }[];
};

let server: Server;
let browser: Browser;
let base: string;

/** Serves demo-dist; /blank.html is an empty page of the same origin. */
function serve(): Promise<string> {
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/blank.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><title>blank</title><body style="margin:0">');
      return;
    }
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** A page that records every request leaving 127.0.0.1 and every page error. */
async function open(url: string, options: { reducedMotion?: 'reduce' | 'no-preference'; width?: number; height?: number } = {}) {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 900 }, reducedMotion: options.reducedMotion ?? 'no-preference' });
  const page = await context.newPage();
  const outside: string[] = [], errors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return { page, outside, errors, close: () => context.close() };
}

const snap = (page: Page, arg?: unknown): Promise<Snapshot> =>
  page.evaluate((a) => (window as unknown as { __lbsim: { snapshot(a?: unknown): Snapshot } }).__lbsim.snapshot(a as never), arg);

/**
 * A blank page with the element loaded and, in a <main id="column"> at most `column` px wide, a
 * figure per preset (its id the preset's name) after a paragraph naming it; `speeds` sets a
 * figure's speed attribute.
 */
async function openColumn(viewport: { width: number; height: number }, column: number, presets: readonly string[], speeds: Record<string, string> = {}) {
  const opened = await open(`${base}/blank.html`, viewport);
  await opened.page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
  await opened.page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
  await opened.page.evaluate(({ width, presets, speeds }) => {
    const main = document.createElement('main');
    main.id = 'column';
    main.setAttribute('style', `max-width: ${width}px; margin: 0 auto; font: 16px/1.5 Georgia, serif`);
    for (const preset of presets) {
      const p = document.createElement('p');
      p.textContent = `Figure: the ${preset} preset.`;
      const el = document.createElement('lbsim-view');
      el.id = preset;
      el.setAttribute('preset', preset);
      if (speeds[preset] !== undefined) el.setAttribute('speed', speeds[preset]);
      main.append(p, el);
    }
    document.body.append(main);
  }, { width: column, presets, speeds });
  return opened;
}

/** The snapshot of the figure whose id is `id`. */
const figureSnap = <T>(page: Page, id: string): Promise<T> =>
  page.evaluate((i) => (document.getElementById(i) as unknown as { snapshot(): T }).snapshot(), id);

/** Names of the files the page fetched. */
const fetchedFiles = (page: Page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop()));

/**
 * Screenshots of the column's figures (`<name>-<id>.png`) and of the whole column (`<name>.png`),
 * and each figure's frame times, live dots, simulated time and `fields` in `<name>.json`.
 */
async function saveColumn(page: Page, name: string, ids: readonly string[], fields: readonly string[] = []): Promise<void> {
  for (const id of ids) await page.locator(`#${id}`).screenshot({ path: join(shots, `${name}-${id}.png`) });
  await page.locator('#column').screenshot({ path: join(shots, `${name}.png`) });
  const frames = await page.evaluate(([ids, fields]) => ids.map((i) => {
    const s = (document.getElementById(i) as any).snapshot();
    return { id: i, frameMs: s.frameMs, frameIntervalMs: s.frameIntervalMs, dotsLive: s.dotsLive, simMs: s.simMs, ...Object.fromEntries(fields.map((f) => [f, s[f]])) };
  }), [ids, fields] as const);
  writeFileSync(join(shots, `${name}.json`), JSON.stringify(frames, null, 2));
}

/** Counts the distinct colours of a PNG (decoded by the browser). */
async function colours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext('2d')!;
    g.drawImage(bitmap, 0, 0);
    const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, png.toString('base64'));
}

describe('the demo in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    const vite = join(root, 'node_modules/vite/bin/vite.js');
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, [vite, 'build', '--mode', 'embed', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    mkdirSync(shots, { recursive: true });
    base = await serve();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  it('the gallery runs the engine, draws requests and retires them, and a killed server gets no more traffic', async () => {
    const { page, outside, errors, close } = await open(`${base}/`);
    await page.waitForFunction(() => (window as any).__lbsim?.snapshot(0)?.frames > 20, undefined, { timeout: 15_000 });
    await page.locator('lbsim-view').first().evaluate((el) => el.setAttribute('speed', '2'));
    await page.waitForTimeout(2_500);
    const s = await snap(page, 0);
    expect(s.error).toBeNull();
    expect(s.simMs).toBeGreaterThan(1_000);
    expect(s.spawned).toBeGreaterThan(5);
    expect(s.completedDrawn).toBeGreaterThan(0);
    expect(s.succeeded).toBeGreaterThan(0);
    expect(s.chartPoints).toBeGreaterThan(0);
    const shot = await page.locator('lbsim-view').first().screenshot({ path: join(shots, 'gallery-round-robin.png') });
    expect(await colours(page, shot)).toBeGreaterThan(40);

    await page.evaluate(() => (window as any).__lbsim.kill(1, 0));
    const before = await snap(page, 0);
    expect(before.servers[1].state).toBe('failed');
    await page.waitForTimeout(2_000);
    const after = await snap(page, 0);
    expect(after.servers[1].state).toBe('failed');
    expect(after.servers[1].dispatched).toBe(before.servers[1].dispatched);
    const others = (x: Snapshot) => x.servers.reduce((n, v, i) => (i === 1 ? n : n + v.dispatched), 0);
    expect(others(after)).toBeGreaterThan(others(before) + 3);
    await page.locator('lbsim-view').first().screenshot({ path: join(shots, 'gallery-killed.png') });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('works without a mouse: arrows choose a server, Enter opens its menu, arrows move in it, Space plays and pauses', async () => {
    const { page, errors, close } = await open(`${base}/`);
    await page.waitForFunction(() => (window as any).__lbsim?.snapshot(0)?.frames > 5, undefined, { timeout: 15_000 });
    const view = page.locator('lbsim-view').first();
    await view.locator('.stage').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => view.locator('.server-focus').first().isVisible()).toBe(true);
    expect(await view.locator('.sr-only').textContent()).toMatch(/^Server S2, /);
    await page.keyboard.press('Enter');
    expect(await view.locator('.menu .menu-title').textContent()).toBe('Server S2');
    await page.keyboard.press('Enter'); // the first item, focused: Kill
    expect((await snap(page, 0)).servers[1].state).toBe('failed');
    expect(await view.locator('.menu').isHidden()).toBe(true);
    expect(await view.evaluate((el) => el.shadowRoot!.activeElement?.classList.contains('stage'))).toBe(true);
    await view.screenshot({ path: join(shots, 'gallery-keyboard.png') });
    await page.keyboard.press('2');
    expect(await view.locator('.menu button').first().textContent()).toBe('Revive');
    // In the menu, arrows move between items (wrapping).
    const focused = () => view.evaluate((el) => el.shadowRoot!.activeElement?.textContent);
    expect(await focused()).toBe('Revive');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Slow down ×4');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Revive');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('Slow down ×4');
    await page.keyboard.press('Escape');
    expect(await view.locator('.menu').isHidden()).toBe(true);
    // Space on the animation plays and pauses (and does not scroll the page).
    const paused = async () => (await snap(page, 0)).paused;
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(await paused()).toBe(false);
    await page.keyboard.press(' ');
    expect(await paused()).toBe(true);
    await page.keyboard.press(' ');
    expect(await paused()).toBe(false);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(errors).toEqual([]);
    await close();
  });

  it('the embed page compares two balancers on one workload and shows a bad scenario as text', async () => {
    const { page, outside, errors, close } = await open(`${base}/embed.html`, { width: 900, height: 1000 });
    await page.waitForFunction(() => (window as any).__lbsim?.snapshot('compare')?.frames > 20, undefined, { timeout: 15_000 });
    await page.waitForTimeout(3_000);
    const s = await snap(page, 'compare');
    expect(s.panels.map((p) => p.balancer)).toEqual(['round-robin', 'least-connections']);
    expect(s.panels[0].simMs).toBeGreaterThan(0);
    expect(s.panels[1].simMs).toBe(s.panels[0].simMs);
    expect(s.panels[1].arrived).toBe(s.panels[0].arrived);
    const message = await page.evaluate(() => (window as any).__lbsim.error('broken'));
    expect(message).toContain('servers[0].concurrency');
    expect(message).toContain('expected an integer from 1 to');
    const broken = await snap(page, 'broken');
    expect(broken.error).toContain('servers[0].concurrency');
    // Hashing policies come in a file of their own, fetched because this figure names them.
    await page.locator('#hashing').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (window as any).__lbsim.snapshot('hashing')?.panels?.[0]?.arrived > 20, undefined, { timeout: 30_000 });
    const hashing = await snap(page, 'hashing');
    expect(hashing.error).toBeNull();
    expect(hashing.panels.map((p) => p.balancer)).toEqual(['ring-hash', 'bounded-load-hash']);
    expect(hashing.panels[1].arrived).toBe(hashing.panels[0].arrived);
    expect(await fetchedFiles(page)).toContain('lbsim-view-more-policies.js');
    const shot = await page.locator('#compare').screenshot({ path: join(shots, 'embed-compare.png') });
    expect(await colours(page, shot)).toBeGreaterThan(40);
    await page.screenshot({ path: join(shots, 'embed-page.png'), fullPage: true });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it("a policy picked in the Balancer menu that is in the second file of policies is fetched, then runs", async () => {
    const { page, errors, close } = await openColumn({ width: 1000, height: 900 }, 720, ['round-robin']);
    await page.locator('#round-robin').evaluate((el) => el.setAttribute('controls', 'full'));
    await page.waitForFunction(() => (document.getElementById('round-robin') as any).snapshot().frames > 5, undefined, { timeout: 30_000 });
    expect(await fetchedFiles(page)).not.toContain('lbsim-view-more-policies.js');
    const menu = page.locator('#round-robin select[aria-label="Balancer"]');
    expect(await menu.locator('option').allTextContents()).toEqual(expect.arrayContaining(['round-robin', 'maglev', 'join-idle-queue', 'first']));
    await menu.selectOption('join-idle-queue');
    await page.waitForFunction(() => {
      const s = (document.getElementById('round-robin') as any).snapshot();
      return s.panels[0]?.balancer === 'join-idle-queue' && s.panels[0].arrived > 10;
    }, undefined, { timeout: 30_000 });
    expect(await fetchedFiles(page)).toContain('lbsim-view-more-policies.js');
    expect((await figureSnap<Snapshot>(page, 'round-robin')).error).toBeNull();
    expect(errors).toEqual([]);
    await close();
  });

  it('while the second file of policies loads for a menu choice, a knob or Reset waits for it, and a failed load after another choice is ignored', async () => {
    const { page, errors, close } = await openColumn({ width: 1000, height: 900 }, 720, ['round-robin']);
    let release = () => {};
    const held = new Promise<void>((done) => (release = done));
    let fail = false;
    await page.route('**/lbsim-view-more-policies.js', async (route) => {
      await held;
      await (fail ? route.abort() : route.continue());
    });
    await page.locator('#round-robin').evaluate((el) => el.setAttribute('controls', 'full'));
    await page.waitForFunction(() => (document.getElementById('round-robin') as any).snapshot().frames > 5, undefined, { timeout: 30_000 });
    const menu = page.locator('#round-robin select[aria-label="Balancer"]');
    // A failed load of a choice the reader has since replaced leaves the figure running.
    fail = true;
    await menu.selectOption('maglev');
    await menu.selectOption('least-connections');
    await page.waitForFunction(() => (document.getElementById('round-robin') as any).snapshot().panels[0]?.balancer === 'least-connections', undefined, { timeout: 30_000 });
    release();
    await page.waitForTimeout(500);
    expect((await figureSnap<Snapshot>(page, 'round-robin')).error).toBeNull();
    expect((await figureSnap<Snapshot>(page, 'round-robin')).panels[0].balancer).toBe('least-connections');
    await close();

    // A knob moved and Reset pressed while the file is on its way: no error, then the choice runs.
    const second = await openColumn({ width: 1000, height: 900 }, 720, ['round-robin']);
    let go = () => {};
    const wait = new Promise<void>((done) => (go = done));
    await second.page.route('**/lbsim-view-more-policies.js', async (route) => {
      await wait;
      await route.continue();
    });
    await second.page.locator('#round-robin').evaluate((el) => el.setAttribute('controls', 'full'));
    await second.page.waitForFunction(() => (document.getElementById('round-robin') as any).snapshot().frames > 5, undefined, { timeout: 30_000 });
    await second.page.locator('#round-robin select[aria-label="Balancer"]').selectOption('join-idle-queue');
    await second.page.locator('#round-robin input[aria-label="Arrival rate"]').evaluate((el: HTMLInputElement) => {
      el.value = String(Number(el.min));
      el.dispatchEvent(new Event('change'));
    });
    expect((await figureSnap<Snapshot>(second.page, 'round-robin')).error).toBeNull();
    await second.page.locator('#round-robin button', { hasText: 'Reset' }).click();
    expect((await figureSnap<Snapshot>(second.page, 'round-robin')).error).toBeNull();
    go();
    await second.page.waitForFunction(() => {
      const s = (document.getElementById('round-robin') as any).snapshot();
      return s.panels[0]?.balancer === 'join-idle-queue' && s.panels[0].arrived > 5;
    }, undefined, { timeout: 30_000 });
    expect((await figureSnap<Snapshot>(second.page, 'round-robin')).error).toBeNull();
    // (The aborted fetch itself is logged by the browser.)
    expect([...errors.filter((e) => !e.includes('net::ERR_FAILED')), ...second.errors]).toEqual([]);
    await second.close();
  });

  it('the element module defines lbsim-view and nothing else on window, once', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`);
    await page.evaluate(() => ((window as any).__before = Object.getOwnPropertyNames(window)));
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js?again' }); // a second copy must not redefine it
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    const added = await page.evaluate(async () => {
      const before = new Set<string>([...(window as any).__before, '__before']);
      const el = document.createElement('lbsim-view');
      el.setAttribute('preset', 'round-robin');
      document.body.append(el);
      await new Promise((r) => setTimeout(r, 1_000));
      return {
        defined: typeof customElements.get('lbsim-view'),
        added: Object.getOwnPropertyNames(window).filter((k) => !before.has(k)),
        frames: (el as unknown as { snapshot(): { frames: number } }).snapshot().frames,
      };
    });
    expect(added.defined).toBe('function');
    expect(added.added).toEqual([]);
    expect(added.frames).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await close();
  });

  it('under reduced motion starts paused on a poster frame (a chart window in, not the empty t = 0) and moves nothing', async () => {
    const { page, close } = await open(`${base}/`, { reducedMotion: 'reduce' });
    await page.waitForFunction(() => (window as any).__lbsim?.snapshot(0)?.frames > 0, undefined, { timeout: 15_000 });
    await page.waitForTimeout(600);
    const s = await snap(page, 0);
    expect(s.reducedMotion).toBe(true);
    expect(s.paused).toBe(true);
    expect(s.simMs).toBeGreaterThan(0);
    expect(s.chartPoints).toBeGreaterThan(5);
    await page.waitForTimeout(600);
    expect((await snap(page, 0)).simMs).toBe(s.simMs);
    await page.locator('lbsim-view').first().screenshot({ path: join(shots, 'reduced-motion.png') });
    await close();
  });

  for (const [form, viewport] of [['phone', { width: 390, height: 844 }], ['column', { width: 1000, height: 900 }]] as const) {
    it(`the article page (${form}, ${viewport.width} px): every figure keeps a readable animation with server names and power`, async () => {
      const { page, errors, close } = await open(`${base}/article.html`, viewport);
      await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
      const ids = await page.evaluate(() => [...document.querySelectorAll('lbsim-view')].map((v) => v.id));
      expect(ids.length).toBe(4);
      type Panel = { labels: { names: number; powers: number }; sceneSize: { width: number; height: number }; servers: unknown[]; charts: string };
      for (const id of ids) {
        const view = page.locator(`#${id}`);
        await view.scrollIntoViewIfNeeded();
        await page.waitForFunction((i) => (document.getElementById(i) as any).snapshot().frames > 3, id, { timeout: 20_000 });
        const s = await view.evaluate((el) => (el as unknown as { snapshot(): { error: string | null; panels: Panel[] } }).snapshot());
        expect(s.error).toBeNull();
        for (const p of s.panels) {
          expect(p.sceneSize.height).toBeGreaterThanOrEqual(190);
          expect(p.labels.names).toBe(p.servers.length);
        }
        if (id === 'power') for (const p of s.panels) expect(p.labels.powers).toBe(4);
        const box = (await view.boundingBox())!;
        expect(box.width).toBeLessThanOrEqual(viewport.width);
        await view.screenshot({ path: join(shots, `article-${form}-${id}.png`) });
      }
      // A still of figure 1 twenty simulated seconds in (the screenshots in docs/ come from here).
      await page.locator('#power').scrollIntoViewIfNeeded();
      await page.locator('#power').evaluate((el) => el.setAttribute('speed', '8'));
      await page.waitForFunction(() => (document.getElementById('power') as any).snapshot().simMs > 20_000, undefined, { timeout: 60_000 });
      await page.locator('#power').evaluate((el) => (el as unknown as { pause(): void }).pause());
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(shots, `article-${form}.png`) });
      await page.locator('#power').screenshot({ path: join(shots, `article-${form}-power-20s.png`) });
      expect(errors).toEqual([]);
      await close();
    }, 150_000);
  }

  it('shares WebGL contexts page-wide: 20 figures scrolled through twice lose none, and a lost context is recovered', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 800, height: 700 });
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (/WebGL|context/i.test(m.text())) warnings.push(m.text());
    });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    const presets = ['round-robin', 'variable-cost', 'different-power', 'least-connections', 'failure'];
    await page.evaluate((names) => {
      for (let i = 0; i < 20; i++) {
        const el = document.createElement('lbsim-view');
        el.id = `f${i}`;
        el.setAttribute('preset', names[i % names.length]);
        if (i % 4 === 3) el.setAttribute('balancers', 'round-robin,least-connections');
        el.style.margin = '0 0 200px';
        document.body.append(el);
      }
    }, presets);
    type Figure = { frames: number; pageContexts: { live: number; limit: number; evictions: number }; panels: { renderer: string; renderersMade: number; contextsLost: number }[] };
    const figure = (i: number) => page.evaluate((k) => (document.getElementById(`f${k}`) as unknown as { snapshot(): Figure }).snapshot(), i);
    let most = 0;
    for (const pass of [1, 2]) {
      for (let i = 0; i < 20; i++) {
        await page.locator(`#f${i}`).scrollIntoViewIfNeeded();
        await page.waitForFunction((k) => {
          const s = (document.getElementById(`f${k}`) as any).snapshot();
          return s.panels.length > 0 && s.panels.every((p: { renderer: string }) => p.renderer === 'live');
        }, i, { timeout: 20_000 });
        const s = await figure(i);
        most = Math.max(most, s.pageContexts.live);
        expect(s.pageContexts.live).toBeLessThanOrEqual(s.pageContexts.limit);
        if (pass === 2 && i === 0) await page.locator('#f0').screenshot({ path: join(shots, 'many-f0-second-pass.png') });
      }
    }
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => figure(i)));
    expect(all.flatMap((s) => s.panels).every((p) => p.contextsLost === 0)).toBe(true);
    expect(all[0].pageContexts.evictions).toBeGreaterThan(0);
    // The first figure was evicted on the first pass and made a renderer again on the second.
    expect(all[0].panels[0].renderersMade).toBeGreaterThanOrEqual(2);
    expect(most).toBeGreaterThan(1);

    // A context the browser takes away (simulated with WEBGL_lose_context) is replaced.
    await page.locator('#f19').scrollIntoViewIfNeeded();
    const before = (await figure(19)).panels[0];
    await page.locator('#f19').evaluate((el) => {
      const canvas = el.shadowRoot!.querySelector('.scene canvas') as HTMLCanvasElement;
      const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext;
      gl.getExtension('WEBGL_lose_context')!.loseContext();
    });
    await page.waitForFunction((made) => {
      const p = (document.getElementById('f19') as any).snapshot().panels[0];
      return p.contextsLost === 1 && p.renderer === 'live' && p.renderersMade > made;
    }, before.renderersMade, { timeout: 20_000 });
    const frames = (await figure(19)).frames;
    await page.waitForFunction((f) => (document.getElementById('f19') as any).snapshot().frames > f + 5, frames, { timeout: 20_000 });
    const shot = await page.locator('#f19').screenshot({ path: join(shots, 'many-f19-recovered.png') });
    expect(await colours(page, shot)).toBeGreaterThan(40);
    expect(warnings.filter((w) => /too many active/i.test(w))).toEqual([]);
    expect(errors).toEqual([]);
    await close();
 }, 300_000);

  it('keeps page CSS out, takes --lbsim-* custom properties, follows a dark colour scheme, and hides the stage of a bad scenario', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 720, height: 900 });
    await page.addStyleTag({ content: `body { text-align: center; letter-spacing: 3px; text-transform: uppercase; line-height: 3;
      font-family: serif; word-spacing: 10px; font-style: italic; } * { text-indent: 20px; }` });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    await page.evaluate(() => {
      const add = (id: string, attrs: Record<string, string>, style = '') => {
        const el = document.createElement('lbsim-view');
        el.id = id;
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        el.setAttribute('style', style);
        document.body.append(el);
      };
      add('plain', { preset: 'round-robin' });
      add('themed', { preset: 'round-robin', controls: 'play' }, '--lbsim-bg: rgb(10, 20, 30); --lbsim-ink: rgb(250, 240, 200)');
      add('broken', { scenario: '{"servers":[{"count":2,"concurrency":0}],"arrivals":{"process":"poisson","ratePerSec":5},"service":{"dist":"constant","valueMs":100},"balancer":{"name":"round-robin"},"stop":{"timeMs":1000}}' });
    });
    await page.waitForFunction(() => (document.getElementById('plain') as any).snapshot().frames > 2, undefined, { timeout: 20_000 });
    const styles = await page.locator('#plain').evaluate((el) => {
      const pick = (sel: string) => {
        const c = getComputedStyle(el.shadowRoot!.querySelector(sel)!);
        return { letterSpacing: c.letterSpacing, textAlign: c.textAlign, textTransform: c.textTransform, wordSpacing: c.wordSpacing,
          textIndent: c.textIndent, fontStyle: c.fontStyle, serif: /^serif$|Times|Georgia/.test(c.fontFamily), lineHeight: c.lineHeight };
      };
      return [pick('.clock'), pick('.legend .hint'), pick('button')];
    });
    expect(styles[0].textAlign).toBe('start');
    for (const st of styles) {
      expect(st).toMatchObject({ letterSpacing: 'normal', textTransform: 'none', wordSpacing: '0px', textIndent: '0px', fontStyle: 'normal', serif: false });
      expect(['start', 'center']).toContain(st.textAlign); // buttons centre their text themselves
      expect(st.lineHeight).not.toMatch(/^(39|3)(px)?$/);
    }
    // Custom properties theme the DOM parts and the canvases.
    await page.locator('#themed').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (document.getElementById('themed') as any).snapshot().frames > 2, undefined, { timeout: 20_000 });
    const themed = await page.locator('#themed').evaluate((el) => ({
      bg: getComputedStyle(el.shadowRoot!.querySelector('.frame')!).backgroundColor,
      theme: (el as any).snapshot().theme,
    }));
    expect(themed.bg).toBe('rgb(10, 20, 30)');
    expect(themed.theme).toEqual({ dark: true, ink: 0xfaf0c8, bg: 0x0a141e });
    await page.locator('#themed').screenshot({ path: join(shots, 'themed.png') });
    // A bad scenario: the message, and no empty stage (not shown, not focusable, not announced).
    const broken = page.locator('#broken');
    await broken.scrollIntoViewIfNeeded();
    await expect.poll(() => broken.evaluate((el) => (el as any).snapshot().error)).toContain('servers[0].concurrency');
    expect(await broken.locator('.stage').isHidden()).toBe(true);
    expect(await broken.locator('.message').isVisible()).toBe(true);
    const aria = await broken.ariaSnapshot();
    expect(aria).toContain('could not start');
    expect(aria).not.toContain('Simulation');
    expect((await broken.boundingBox())!.height).toBeLessThan(200);
    await broken.screenshot({ path: join(shots, 'broken.png') });
    expect(errors).toEqual([]);
    await close();

    // Under prefers-color-scheme: dark the element turns dark by itself; theme="light" keeps it light.
    const context = await browser.newContext({ viewport: { width: 720, height: 900 }, colorScheme: 'dark' });
    const dark = await context.newPage();
    await dark.goto(`${base}/article.html`);
    await dark.waitForFunction(() => (document.getElementById('power') as any)?.snapshot().frames > 3, undefined, { timeout: 20_000 });
    expect((await dark.evaluate(() => (document.getElementById('power') as any).snapshot().theme)).dark).toBe(true);
    await dark.locator('#power').screenshot({ path: join(shots, 'dark.png') });
    await dark.locator('#power').evaluate((el) => el.setAttribute('theme', 'light'));
    expect((await dark.evaluate(() => (document.getElementById('power') as any).snapshot().theme)).dark).toBe(false);
    await context.close();
  });

  it('dots carry age (colour) and work left (size); the key lists only endings possible in the scenario, and adds one that happens', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 900, height: 800 });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    await page.evaluate(() => {
      const el = document.createElement('lbsim-view');
      el.id = 'v';
      el.setAttribute('preset', 'variable-cost');
      el.setAttribute('speed', '2');
      document.body.append(el);
    });
    type Dots = { legend: string[]; panels: { dots: { colours: number; minScale: number; maxScale: number } }[]; failed: number };
    const get = () => page.evaluate(() => (document.getElementById('v') as unknown as { snapshot(): Dots }).snapshot());
    await page.waitForFunction(() => (document.getElementById('v') as any).snapshot().simMs > 8_000, undefined, { timeout: 40_000 });
    const s = await get();
    expect(s.legend.sort()).toEqual(['dropped', 'succeeded']);
    expect(await page.locator('#v .legend [data-group=ended]').textContent()).toBe('endedsucceededdropped');
    expect(await page.locator('#v .legend').textContent()).toContain('colour-blind-safe');
    await page.waitForFunction(() => (document.getElementById('v') as any).snapshot().panels[0].dots.colours > 1, undefined, { timeout: 30_000 });
    const dots = (await get()).panels[0].dots;
    expect(dots.maxScale).toBeGreaterThan(dots.minScale);
    await page.locator('#v').screenshot({ path: join(shots, 'dots.png') });
    // A server killed by hand fails the requests it held: "failed" joins the key.
    await page.evaluate(() => (document.getElementById('v') as any).kill(0));
    await page.waitForFunction(() => (document.getElementById('v') as any).snapshot().legend.includes('failed'), undefined, { timeout: 20_000 });
    expect(errors).toEqual([]);
    await close();
  });

  it('a story shows its captions at their simulated times, dispatches lbsim:event, starts when first seen, and gives reduced motion a poster', async () => {
    const story = JSON.stringify([
      { atMs: 500, caption: 'Four servers share the load' },
      { atMs: 3_000, kill: 'S2', caption: 'S2 crashes' },
      { atMs: 6_000, revive: 'S2' },
    ]);
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 800, height: 600 });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    await page.evaluate((text) => {
      (window as unknown as { events: unknown[] }).events = [];
      document.addEventListener('lbsim:event', (e) => (window as unknown as { events: unknown[] }).events.push((e as CustomEvent).detail));
      const spacer = document.createElement('div');
      spacer.style.height = '520px'; // the figure starts just below the fold: near enough to load, not seen
      const el = document.createElement('lbsim-view');
      el.id = 'story';
      el.setAttribute('preset', 'least-connections');
      el.setAttribute('story', text);
      el.setAttribute('start', 'visible');
      el.setAttribute('speed', '2');
      document.body.append(spacer, el);
    }, story);
    type Told = { simMs: number; caption: string | null; started: boolean; frames: number; servers: { state: string }[] };
    const get = () => page.evaluate(() => (document.getElementById('story') as unknown as { snapshot(): Told }).snapshot());
    await page.waitForFunction(() => (document.getElementById('story') as any).snapshot().panels[0]?.renderer === 'live', undefined, { timeout: 20_000 });
    await page.waitForTimeout(800);
    expect(await get()).toMatchObject({ simMs: 0, started: false, caption: null });
    await page.locator('#story').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (document.getElementById('story') as any).snapshot().caption === 'S2 crashes', undefined, { timeout: 30_000 });
    const told = await get();
    expect(told.simMs).toBeGreaterThanOrEqual(3_000);
    expect(told.servers[1].state).toBe('failed');
    expect(await page.locator('#story .caption').textContent()).toBe('S2 crashes');
    await page.locator('#story').screenshot({ path: join(shots, 'story.png') });
    await page.waitForFunction(() => (window as any).events.length >= 3, undefined, { timeout: 30_000 });
    const events = await page.evaluate(() => (window as any).events.slice(0, 3));
    expect(events).toEqual([
      { index: 0, atMs: 500, kind: 'caption', caption: 'Four servers share the load' },
      { index: 1, atMs: 3_000, kind: 'kill', server: 'S2', caption: 'S2 crashes' },
      { index: 2, atMs: 6_000, kind: 'revive', server: 'S2' },
    ]);
    expect(errors).toEqual([]);
    await close();

    // Reduced motion: paused on a still just after the kill, caption shown, not the empty t = 0.
    const still = await open(`${base}/blank.html`, { width: 800, height: 600, reducedMotion: 'reduce' });
    await still.page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await still.page.evaluate((text) => {
      const el = document.createElement('lbsim-view');
      el.id = 'story';
      el.setAttribute('preset', 'least-connections');
      el.setAttribute('story', text);
      document.body.append(el);
    }, story);
    await still.page.waitForFunction(() => (document.getElementById('story') as any)?.snapshot().panels[0]?.renderer === 'live', undefined, { timeout: 20_000 });
    await still.page.waitForTimeout(300);
    const poster = await still.page.evaluate(() => (document.getElementById('story') as any).snapshot());
    expect(poster.paused).toBe(true);
    expect(poster.simMs).toBeGreaterThan(3_000);
    expect(poster.caption).toBe('S2 crashes');
    expect(poster.servers[1].state).toBe('failed');
    expect(poster.completedDrawn + poster.inFlightDrawn).toBeGreaterThan(0);
    await still.page.locator('#story').screenshot({ path: join(shots, 'story-reduced-motion.png') });
    await still.close();
  });

  it('moving an element carries on where it was; removing one gives its context back without PixiJS warnings', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 900, height: 900 });
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
    });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    await page.evaluate(() => {
      for (const id of ['a', 'b']) {
        const box = document.createElement('div');
        box.id = `box-${id}`;
        document.body.append(box);
      }
      const el = document.createElement('lbsim-view');
      el.id = 'moved';
      el.setAttribute('preset', 'variable-cost');
      el.setAttribute('speed', '2');
      el.style.height = '300px';
      document.getElementById('box-a')!.append(el);
      const other = document.createElement('lbsim-view');
      other.id = 'other';
      other.setAttribute('preset', 'round-robin');
      other.style.height = '300px';
      document.getElementById('box-b')!.append(other);
    });
    type Moved = { simMs: number; frames: number; pageContexts: { live: number }; panels: { renderersMade: number; renderer: string }[] };
    const get = (id: string) => page.evaluate((i) => (document.getElementById(i) as unknown as { snapshot(): Moved }).snapshot(), id);
    await page.waitForFunction(() => (document.getElementById('moved') as any).snapshot().simMs > 2_000, undefined, { timeout: 30_000 });
    await page.waitForFunction(() => (document.getElementById('other') as any).snapshot().panels[0]?.renderer === 'live', undefined, { timeout: 30_000 });
    const before = await get('moved');
    await page.evaluate(() => document.getElementById('box-b')!.append(document.getElementById('moved')!));
    await page.waitForFunction((f) => (document.getElementById('moved') as any).snapshot().frames > f + 5, before.frames, { timeout: 20_000 });
    const after = await get('moved');
    expect(after.simMs).toBeGreaterThan(before.simMs);
    expect(after.panels[0].renderersMade).toBe(1);
    const live = (await get('other')).pageContexts.live;
    await page.evaluate(() => document.getElementById('moved')!.remove());
    await page.waitForTimeout(800);
    expect((await get('other')).pageContexts.live).toBe(live - 1);
    expect(warnings.filter((w) => /pixi|BindGroup|destroyed|WebGL/i.test(w))).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps the page responsive at ratePerSec 1e9 or speed 1e9: the clock slows instead, and says so', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 1000, height: 900 });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    await page.evaluate(() => {
      const flood = document.createElement('lbsim-view');
      flood.id = 'flood';
      flood.setAttribute('scenario', JSON.stringify({
        name: 'flood', seed: 1, stop: { timeMs: 60_000 }, servers: [{ count: 4 }],
        arrivals: { process: 'poisson', ratePerSec: 1e9 }, service: { dist: 'exponential', meanMs: 100 }, balancer: { name: 'round-robin' },
      }));
      const fast = document.createElement('lbsim-view');
      fast.id = 'fast';
      fast.setAttribute('preset', 'round-robin');
      fast.setAttribute('speed', '1e9');
      for (const el of [flood, fast]) el.style.height = '400px';
      document.body.append(flood, fast);
    });
    type Limited = Snapshot & { speed: number; effectiveSpeed: number; speedLimited: boolean; arrived: number };
    const get = (id: string) => page.evaluate((i) => (document.getElementById(i) as unknown as { snapshot(): Limited }).snapshot(), id);
    for (const id of ['flood', 'fast']) {
      await page.waitForFunction((i) => (document.getElementById(i) as any)?.snapshot().speedLimited, id, { timeout: 30_000, polling: 200 });
      const a = await get(id);
      // Round trips to the page keep completing while it runs, and so do frames and events.
      for (let k = 0; k < 5; k++) await page.evaluate(() => 1 + 1);
      await page.waitForFunction(([i, f, t]) => {
        const s = (document.getElementById(i as string) as any).snapshot();
        return s.frames > (f as number) + 5 && s.simMs !== t;
      }, [id, a.frames, a.simMs] as const, { timeout: 30_000, polling: 200 });
      const b = await get(id);
      expect(b.error).toBeNull();
      expect(b.effectiveSpeed).toBeLessThan(b.speed);
      const limit = await page.locator(`#${id} .limit`).textContent();
      expect(limit).toMatch(/^speed limited to [\d.e-]+×$/);
    }
    const flood = await get('flood');
    expect(flood.arrived).toBeGreaterThan(20_000);
    await page.locator('#flood').screenshot({ path: join(shots, 'flood.png') });
    expect(errors).toEqual([]);
    await close();
  });

  for (const [form, viewport, column] of [['phone', { width: 390, height: 844 }, 390], ['column', { width: 1000, height: 900 }, 720]] as const) {
    it(`topologies (${form}, ${column} px column): three-tier and circuit-breaker animate their services in tiers, from the topology's own file, without errors`, async () => {
      const { page, outside, errors, close } = await openColumn(viewport, column, ['three-tier', 'circuit-breaker']);
      type Topo = { error: string | null; tiers: number; services: number;
        labels: { names: number }; sceneSize: { width: number; height: number }; servers: unknown[]; legend: string[] };
      const get = (id: string) => figureSnap<Topo>(page, id);
      for (const [id, tiers, services, servers] of [['three-tier', 3, 4, 12], ['circuit-breaker', 2, 2, 4]] as const) {
        await page.locator(`#${id}`).scrollIntoViewIfNeeded();
        await page.waitForFunction((i) => (document.getElementById(i) as any).snapshot().spawned > 20, id, { timeout: 90_000 });
        const s = await get(id);
        expect(s.error, id).toBeNull();
        expect(s.tiers, id).toBe(tiers);
        expect(s.services, id).toBe(services);
        expect(s.servers.length, id).toBe(servers);
        expect(s.labels.names, `${id}: every service named`).toBe(services);
        expect(s.sceneSize.width, id).toBeLessThanOrEqual(column);
        expect(s.sceneSize.height, id).toBeGreaterThanOrEqual(190);
        if (id === 'circuit-breaker') expect(s.legend.sort()).toEqual(['failed', 'rejected', 'succeeded']);
      }
      // A topology's servers have no menu: its animation takes Space only, and says so.
      expect(await page.locator('#three-tier .stage').getAttribute('aria-keyshortcuts')).toBe('Space');
      const files = await fetchedFiles(page);
      expect(files).toContain('lbsim-view-topology-scene.js');
      // Stills: the breaker once it has opened; three-tier past its warm-up (its charts measure from 1 s).
      await page.locator('#circuit-breaker').evaluate((el) => el.setAttribute('speed', '1'));
      await page.waitForFunction(() => (document.getElementById('circuit-breaker') as any).snapshot().refusedAtEdges > 0, undefined, { timeout: 90_000 });
      await page.locator('#circuit-breaker').evaluate((el) => (el as unknown as { pause(): void }).pause());
      await page.locator('#three-tier').scrollIntoViewIfNeeded();
      await page.locator('#three-tier').evaluate((el) => el.setAttribute('speed', '1'));
      await page.waitForFunction(() => (document.getElementById('three-tier') as any).snapshot().simMs > 2_500, undefined, { timeout: 120_000 });
      await page.locator('#three-tier').evaluate((el) => el.setAttribute('speed', '0.02'));
      await page.waitForTimeout(1_000);
      await page.locator('#three-tier').evaluate((el) => (el as unknown as { pause(): void }).pause());
      await page.waitForTimeout(200);
      await saveColumn(page, `topology-${form}`, ['three-tier', 'circuit-breaker']);
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
      await close();
    }, 300_000);
  }

  for (const [form, viewport, column] of [['phone', { width: 390, height: 844 }, 390], ['column', { width: 1000, height: 900 }, 720]] as const) {
    it(`workflows (${form}, ${column} px column): order-payment and cancel-race draw their statechart beside the servers, from the workflow's own file, without errors`, async () => {
      const { page, outside, errors, close } = await openColumn(viewport, column, ['order-payment', 'cancel-race'], { 'order-payment': '1', 'cancel-race': '5' });
      type Wf = { error: string | null; services: number; workflowStates: number; workflowArrows: number; transitionsSeen: number; violationsOpen: number;
        orders: number; simMs: number; labels: { names: number }; sceneSize: { width: number; height: number } };
      const get = (id: string) => figureSnap<Wf>(page, id);
      for (const [id, states] of [['order-payment', 11], ['cancel-race', 12]] as const) {
        await page.locator(`#${id}`).scrollIntoViewIfNeeded();
        await page.waitForFunction((i) => (document.getElementById(i) as any).snapshot().transitionsSeen > 200, id, { timeout: 120_000 });
        const s = await get(id);
        expect(s.error, id).toBeNull();
        expect(s.services, id).toBe(2);
        // Every state a box, plus the invoked machine's sub-panel.
        expect(s.workflowStates, id).toBe(states + 1);
        expect(s.workflowArrows, id).toBeGreaterThanOrEqual(12);
        expect(s.labels.names, `${id}: both services named`).toBe(2);
        expect(s.sceneSize.width, id).toBeLessThanOrEqual(column);
      }
      const files = await fetchedFiles(page);
      expect(files).toContain('lbsim-view-topology-scene.js');
      expect(files).toContain('lbsim-view-workflow-scene.js');
      // Stills: cancel-race with a cancelled order's payment authorized (the pair open), order-payment a few seconds in.
      await page.waitForFunction(() => (document.getElementById('cancel-race') as any).snapshot().violationsOpen > 2, undefined, { timeout: 120_000 });
      await page.locator('#cancel-race').evaluate((el) => (el as unknown as { pause(): void }).pause());
      await page.locator('#order-payment').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => (document.getElementById('order-payment') as any).snapshot().simMs > 6_000, undefined, { timeout: 120_000 });
      await page.locator('#order-payment').evaluate((el) => (el as unknown as { pause(): void }).pause());
      await page.waitForTimeout(300);
      await saveColumn(page, `workflow-${form}`, ['order-payment', 'cancel-race'], ['transitionsSeen']);
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
      await close();
    }, 300_000);
  }

  it('the element weighs at most 150 KB gzip in its two files, and reports when the article page shows its first frame', async () => {
    const files = ['lbsim-view.js', 'lbsim-view-scene-renderer.js'];
    const sizes = Object.fromEntries(files.map((f) => {
      const bytes = readFileSync(join(dist, f));
      return [f, { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }];
    }));
    const gzip = files.reduce((n, f) => n + sizes[f].gzip, 0);
    const { page, errors, close } = await open(`${base}/article.html`, { width: 1000, height: 900 });
    await page.waitForFunction(() => (document.getElementById('power') as any)?.snapshot().firstFrameMs > 0, undefined, { timeout: 30_000 });
    const timing = await page.evaluate(() => ({
      firstContentfulPaintMs: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? NaN,
      elementLoadedMs: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith('/lbsim-view.js'))?.responseEnd ?? NaN,
      rendererLoadedMs: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith('/lbsim-view-scene-renderer.js'))?.responseEnd ?? NaN,
      firstFrameMs: (document.getElementById('power') as any).snapshot().firstFrameMs as number,
    }));
    await page.waitForFunction(() => (document.getElementById('power') as any).snapshot().frames > 60, undefined, { timeout: 90_000 });
    const s = await page.evaluate(() => (document.getElementById('power') as any).snapshot());
    const report = { sizes, gzipTotal: gzip, ...timing, article: { panels: 2, frameMs: s.frameMs, frameIntervalMs: s.frameIntervalMs, fps: 1000 / s.frameIntervalMs } };
    // The article's figures use the common policies only: the second file of policies stays on the server.
    expect(await fetchedFiles(page)).not.toContain('lbsim-view-more-policies.js');
    writeFileSync(join(shots, 'bundle-and-first-frame.json'), JSON.stringify(report, null, 2));
    console.log(`bundle: ${files.map((f) => `${f} ${(sizes[f].gzip / 1024).toFixed(1)} KB gzip`).join(' + ')}; article page: first paint ${timing.firstContentfulPaintMs.toFixed(0)} ms, figure 1's first frame ${timing.firstFrameMs.toFixed(0)} ms; figure 1 (two panels, 720 px) ${report.article.fps.toFixed(1)} fps, ${s.frameMs.mean.toFixed(1)} ms work per frame`);
    expect(gzip, 'the two files of the element, gzip -9').toBeLessThanOrEqual(150 * 1024);
    // The article paints its text before the animation's renderer has arrived.
    expect(timing.firstContentfulPaintMs).toBeLessThan(timing.firstFrameMs);
    expect(errors).toEqual([]);
    await close();
  }, 150_000);

  it('draws more than 2,000 requests in flight and reports its frame time', async () => {
    const { page, errors, close } = await open(`${base}/blank.html`, { width: 1280, height: 800 });
    await page.addScriptTag({ type: 'module', url: '/lbsim-view.js' });
    await page.waitForFunction(() => customElements.get('lbsim-view') !== undefined);
    await page.evaluate(() => {
      const el = document.createElement('lbsim-view');
      el.id = 'stress';
      el.setAttribute('preset', 'overload');
      el.setAttribute('speed', '2');
      el.style.height = '760px';
      document.body.append(el);
    });
    const get = () => page.evaluate(() => (document.getElementById('stress') as unknown as { snapshot(): Snapshot }).snapshot());
    await page.waitForFunction(
      () => (document.getElementById('stress') as any)?.snapshot().inFlightDrawn > 2_000,
      undefined, { timeout: 90_000, polling: 250 },
    );
    await page.waitForTimeout(2_500); // a full window of frame statistics at that load
    const s = await get();
    const report = {
      inFlightDrawn: s.inFlightDrawn, dotsLive: (s as unknown as { dotsLive: number }).dotsLive,
      frameMs: s.frameMs, frameIntervalMs: s.frameIntervalMs, fps: 1000 / s.frameIntervalMs,
    };
    writeFileSync(join(shots, 'frame-time.json'), JSON.stringify(report, null, 2));
    console.log(`overload scene: ${report.inFlightDrawn} requests in flight drawn; frame work ${s.frameMs.mean.toFixed(2)} ms mean, ${s.frameMs.p95.toFixed(2)} ms p95; frame interval ${s.frameIntervalMs.toFixed(1)} ms (${report.fps.toFixed(0)} fps) in software WebGL`);
    expect(s.inFlightDrawn).toBeGreaterThan(2_000);
    await page.locator('#stress').screenshot({ path: join(shots, 'overload.png') });
    expect(errors).toEqual([]);
    await close();
  }, 150_000);
});
