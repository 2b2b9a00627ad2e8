/**
 * `<lbsim-view>`: an animated load-balancing simulation for articles.
 *
 * Attributes: `preset` (a gallery scene id or a library preset name), `scenario` (scenario JSON
 * text; also settable as a property, object or text), `balancers` ("a" or "a,b" for side by
 * side on the identical workload), `seed`, `speed` (simulated ms per wall ms), `controls`
 * ("basic" default, "full", "none", or a list such as "play,speed,balancer"; controls-view.ts),
 * `charts` ("auto", "right", "below", "none"), `legend` ("auto", "open", "closed", "none"),
 * `theme` ("light" or "dark"; default: the reader's colour scheme), `story` (JSON steps, see
 * src/scenario/story.ts; replaces the scenario's own), `start` ("visible": the clock starts when
 * the figure is first seen), `poster` (simulated ms of the still shown under reduced motion),
 * `paused`.
 *
 * Events: `lbsim:event` (bubbles, composed) when the simulated clock passes a story step;
 * `detail` is a StoryEvent ({index, atMs, kind, server: "S2", caption, …}).
 *
 * Contract for embedding pages: height auto by default (the stage's height follows its width;
 * a height the page sets is filled), space shared by priority (figure-layout.ts); page CSS does
 * not reach in, `--lbsim-*` custom properties theme it (element-style.ts); a WebGL context only
 * while it draws, from a page-wide budget (context-budget.ts); runs only while on screen
 * (IntersectionObserver, 100 px margin); starts paused and moves no dots under
 * prefers-reduced-motion; touches nothing outside its shadow root (no globals, no listeners on
 * window or document, no network); a bad scenario shows its validation error inside the element.
 *
 * Keyboard: the animation is one tab stop; there Space plays or pauses, ↑/↓ (Home/End) choose a
 * server (a ring marks it, in every panel), Enter opens its menu (kill, revive, slow), 1–9 open
 * server S1–S9's menu at once; in the menu ↑/↓ move between items, Escape closes it, returning
 * to the animation.
 *
 * Methods (for scripted articles and tests): play(), pause(), step(), reset(seed?), kill(s),
 * revive(s), slow(s, factor), snapshot().
 */
import { withBalancer, type Scenario } from '../src/scenario/pool-scenario.js';
import { parseScenario } from './scenario-parse.js';
import { loadPolicies, needsPolicies, policyNames } from './policies.js';
import { AttemptState, SERVER_STATE_NAMES, ServerState } from '../src/model/states.js';
import { OUTCOMES } from './palette.js';
import { resolveSource, type Resolved } from './scenario-source.js';
import { timingOf, type Timing } from './timing.js';
import { applyControls, readControls, type ControlValues } from './control-values.js';
import { Panel, loadTopology, topologyLoaded } from './panel.js';
import type { SceneModel } from './scene-model.js';
import { ControlsView, parseControls } from './controls-view.js';
import { CHARTS_MODES, layoutFigure, type ChartsMode } from './figure-layout.js';
import { Legend } from './legend-view.js';
import { possibleEndings, type Ending } from './outcomes.js';
import { ServerMenu, type ServerAction } from './server-menu.js';
import { ELEMENT_CSS } from './element-style.js';
import { FrameClock } from './frame-clock.js';
import { PAGE_CONTEXTS } from './context-budget.js';
import { readTheme } from './theme.js';
import { StoryPlayer } from './story-player.js';

const FRAME_STATS = 120;
/** What the animation says to a screen reader, and its keys: a topology's servers have no menu. */
const STAGE_LABEL = {
  pool: 'Simulation. Space plays or pauses; up and down arrows choose a server, Enter opens its menu; 1 to 9 open server 1 to 9.',
  topology: 'Simulation of services calling services. Space plays or pauses.',
};
const STAGE_KEYS = { pool: 'Space ArrowUp ArrowDown Home End Enter 1 2 3 4 5 6 7 8 9', topology: 'Space' };
const MOTION_QUERY = '(prefers-reduced-motion: reduce)';

export class LbsimViewElement extends HTMLElement {
  static readonly observedAttributes = ['preset', 'scenario', 'balancers', 'seed', 'speed', 'controls', 'paused', 'charts', 'legend', 'theme', 'story', 'start', 'poster'];

  /** Its height is 100% of the host's: > 0 exactly when the page fixed the element's height. */
  readonly #probe: HTMLDivElement;
  /** The content root: every property reset, custom properties resolved (theme.ts reads them). */
  readonly #frame: HTMLDivElement;
  #darkQuery: MediaQueryList | null = null;
  /** The story's caption, over the stage; the story's steps against the clock. */
  readonly #caption: HTMLDivElement;
  #player = new StoryPlayer([]);
  /** With `start="visible"`: the figure has been at least half on screen once (the clock may run). */
  #seen = false;
  #sight: IntersectionObserver | null = null;
  /** The theme in effect has a dark background. */
  #dark = false;
  readonly #onScheme = () => this.#applyTheme();
  readonly #wrap: HTMLDivElement;
  readonly #legend = new Legend();
  /** The reader opened or closed the key: `legend="auto"` no longer decides. */
  #legendToggled = false;
  readonly #stage: HTMLDivElement;
  readonly #message: HTMLDivElement;
  readonly #bar: HTMLDivElement;
  readonly #menu = new ServerMenu();
  /** Screen-reader text saying which server the keyboard has chosen. */
  readonly #status: HTMLDivElement;
  /** Server chosen with the keyboard (-1: none yet), and whether its menu was opened by key. */
  #chosen = -1;
  #menuByKey = false;
  /** The last input on the animation was a key (the ring shows only then, not after a click). */
  #keyed = false;
  #controls: ControlsView | null = null;
  #panels: Panel[] = [];
  #scenarioProp: object | string | null = null;
  #json: Record<string, unknown> | null = null;
  #balancers: string[] = [];
  /** Knob positions shown; `#touched` once the reader moved one (then they rewrite the scenario). */
  #values: ControlValues | null = null;
  #touched = false;
  #timing: Timing | null = null;
  #error: string | null = null;
  /** Scenarios waiting for the element to come near the viewport (renderers are created lazily). */
  #pending: Scenario[] | null = null;
  #speed = 1;
  /** performance.now() when the first frame with a renderer was drawn (-1: not yet). */
  #firstFrameAt = -1;
  /** Connected and set up (observers, panels); false again once torn down after a removal. */
  #alive = false;
  /** Measures the speed reached under the frame's event budget. */
  readonly #clock = new FrameClock();
  #paused = false;
  #reduced = false;
  #visible = false;
  #raf = 0;
  #last = -1;
  #clockAt = 0;
  #generation = 0;
  /** Loads begun: a resolution that finishes after a later one began is dropped. */
  #loads = 0;
  #loadQueued = false;
  #frames = 0;
  readonly #cost = new Float64Array(FRAME_STATS);
  readonly #interval = new Float64Array(FRAME_STATS);
  #resizeObserver: ResizeObserver | null = null;
  #intersection: IntersectionObserver | null = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = ELEMENT_CSS;
    const frame = (this.#frame = div('frame'));
    this.#probe = div('probe');
    this.#wrap = div('wrap');
    this.#legend.el.addEventListener('toggle', () => {
      if (this.#legend.el.open !== this.#legendSet) this.#legendToggled = true;
      this.#layout();
    });
    this.#stage = div('stage');
    this.#message = div('message');
    this.#message.setAttribute('role', 'alert');
    this.#message.hidden = true;
    this.#bar = div('bar');
    this.#status = div('sr-only');
    this.#caption = div('caption');
    this.#caption.setAttribute('aria-live', 'polite');
    this.#caption.hidden = true;
    this.#status.setAttribute('aria-live', 'polite');
    this.#stage.tabIndex = 0;
    this.#stage.setAttribute('role', 'group');
    this.#stage.setAttribute('aria-label', STAGE_LABEL.pool);
    this.#stage.setAttribute('aria-keyshortcuts', STAGE_KEYS.pool);
    this.#wrap.append(this.#message, this.#stage, this.#bar, this.#legend.el, this.#status);
    frame.append(this.#probe, this.#wrap);
    root.append(style, frame, this.#menu.el);
    this.#stage.addEventListener('click', (e) => this.#onClick(e));
    this.#stage.addEventListener('keydown', (e) => this.#onKey(e));
    this.#stage.addEventListener('pointerdown', () => (this.#keyed = false));
    this.#stage.addEventListener('focus', () => this.#showChosen());
    this.#stage.addEventListener('blur', () => this.#showChosen());
    this.#menu.el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.#returnFocus();
    });
    root.addEventListener('pointerdown', (e) => {
      if (this.#menu.isOpen && !this.#menu.el.contains(e.target as Node)) this.#menu.close();
    });
  }

  /** The scenario as an object or JSON text (takes precedence over the attributes). */
  get scenario(): object | string | null {
    return this.#scenarioProp ?? this.getAttribute('scenario');
  }

  set scenario(value: object | string | null) {
    this.#scenarioProp = value;
    this.#queueLoad();
  }

  connectedCallback(): void {
    if (this.#alive) {
      // Moved (removed and inserted again in one task): carry on where it was.
      this.#layout();
      this.#requestFrame();
      return;
    }
    this.#alive = true;
    this.#reduced = globalThis.matchMedia?.(MOTION_QUERY).matches ?? false;
    this.#resizeObserver = new ResizeObserver(() => this.#layout());
    this.#resizeObserver.observe(this);
    this.#resizeObserver.observe(this.#wrap);
    this.#intersection = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      this.#visible = entry.isIntersecting;
      this.#last = -1;
      this.#showPending();
      this.#ensureRenderers();
      this.#requestFrame();
    }, { rootMargin: '100px' });
    this.#intersection.observe(this);
    this.#sight = new IntersectionObserver(() => this.#checkSight(), { threshold: [0, 0.25, 0.5, 0.75, 1] });
    this.#sight.observe(this);
    this.#darkQuery = globalThis.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this.#darkQuery?.addEventListener('change', this.#onScheme);
    this.#queueLoad();
  }

  /**
   * Removed from the page: everything is released at the end of the task, unless the element was
   * inserted again by then (a move), in which case it carries on from where it was.
   */
  disconnectedCallback(): void {
    queueMicrotask(() => {
      if (!this.isConnected && this.#alive) this.#teardown();
    });
  }

  /** Releases observers, the frame callback and every panel (with its WebGL context). */
  #teardown(): void {
    this.#alive = false;
    this.#pending = null;
    this.#generation++;
    this.#resizeObserver?.disconnect();
    this.#darkQuery?.removeEventListener('change', this.#onScheme);
    this.#darkQuery = null;
    this.#intersection?.disconnect();
    this.#sight?.disconnect();
    this.#sight = null;
    this.#resizeObserver = this.#intersection = null;
    if (this.#raf) cancelAnimationFrame(this.#raf);
    this.#raf = 0;
    this.#destroyPanels();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'speed') {
      const x = Number(value);
      if (x > 0) this.#speed = x;
      this.#clock.restart();
      this.#controls?.setSpeed(this.#speed);
      this.#controls?.setLimit(NaN);
      return;
    }
    if (name === 'paused') {
      this.#setPaused(value !== null || this.#reduced);
      return;
    }
    if (name === 'theme') {
      this.#applyTheme();
      return;
    }
    if (name === 'start' || name === 'poster') return; // read when the figure (re)starts
    if (name === 'charts' || name === 'legend') {
      this.#layout();
      return;
    }
    if (name === 'controls' && this.#panels.length > 0) {
      this.#buildControls();
      this.#layout();
      return;
    }
    this.#queueLoad();
  }

  // ---- public methods ----

  play(): void {
    this.#setPaused(false);
  }

  pause(): void {
    this.#setPaused(true);
  }

  /** Pauses and advances to the next event (both panels to the earliest one, side by side). */
  step(): void {
    this.#setPaused(true);
    let next = Infinity;
    for (const p of this.#panels) next = Math.min(next, p.scene.model.sim.peek());
    if (next === Infinity) return;
    for (const p of this.#panels) p.scene.advance(Math.max(0, next - p.scene.model.sim.now));
    this.#playStory();
    this.#requestFrame();
  }

  /** Restarts every panel from time 0 (with `seed`, else the current one). */
  reset(seed?: number): void {
    if (!this.#json) return;
    if (seed !== undefined) this.#json = { ...this.#json, seed };
    this.#rebuild();
  }

  kill(s: number): void {
    this.#forServer(s, (scene) => scene.kill(s));
  }

  revive(s: number): void {
    this.#forServer(s, (scene) => scene.revive(s));
  }

  /** Divides server `s`'s speed by `factor` (1 restores it) for requests starting from now. */
  slow(s: number, factor = 4): void {
    this.#forServer(s, (scene) => scene.slow(s, factor));
  }

  /** A read-only summary for tests and scripted pages. */
  snapshot(): Record<string, unknown> {
    const n = Math.min(this.#frames, FRAME_STATS);
    const costs = Array.from(this.#cost.subarray(0, n)).sort((a, b) => a - b);
    const intervals = Array.from(this.#interval.subarray(0, n));
    const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : 0);
    const panels = this.#panels.map((p) => {
      const pool = p.scene.model.pool;
      return {
        balancer: p.balancer,
        ...p.scene.counters(),
        servers: Array.from({ length: pool.size }, (_, s) => ({
          state: SERVER_STATE_NAMES[pool.state[s]],
          dispatched: p.scene.dispatchedTo[s],
          inService: pool.inServiceOf(s),
          queue: pool.queueLengthOf(s),
          speed: pool.speedOf(s),
        })),
        chartPoints: p.scene.series.points,
        charts: p.charts,
        renderer: p.rendererState,
        renderersMade: p.renderersMade,
        contextsLost: p.contextsLost,
        labels: p.labelsShown(),
        dots: p.scene.dotStats(),
        sceneSize: { width: p.scene.layout.width, height: p.scene.layout.height },
      };
    });
    return {
      error: this.#error,
      frames: this.#frames,
      paused: this.#paused,
      visible: this.#visible,
      reducedMotion: this.#reduced,
      theme: this.#panels.length ? this.#themeNow() : null,
      legend: this.#legend.endings,
      caption: this.#player.caption,
      started: this.#seen || this.getAttribute('start') !== 'visible',
      pageContexts: { live: PAGE_CONTEXTS.live, limit: PAGE_CONTEXTS.limit, evictions: PAGE_CONTEXTS.evictions },
      speed: this.#speed,
      effectiveSpeed: this.#clock.effectiveSpeed,
      speedLimited: this.#clock.limited,
      frameMs: { mean: mean(costs), p95: costs[Math.floor(costs.length * 0.95)] ?? 0, max: costs[costs.length - 1] ?? 0 },
      frameIntervalMs: mean(intervals),
      firstFrameMs: this.#firstFrameAt,
      ...(panels[0] ?? {}),
      panels,
    };
  }

  // ---- loading ----

  #queueLoad(): void {
    if (this.#loadQueued) return;
    this.#loadQueued = true;
    queueMicrotask(() => {
      this.#loadQueued = false;
      if (this.isConnected) this.#load();
    });
  }

  #load(): void {
    // Resolving is asynchronous only for a topology the first time (its parser is in its scene's file).
    const loading = ++this.#loads;
    void resolveSource({
      preset: this.getAttribute('preset'),
      scenario: this.scenario,
      balancers: this.getAttribute('balancers'),
      seed: this.getAttribute('seed'),
      story: this.getAttribute('story'),
    }).then((r) => {
      if (loading === this.#loads && this.isConnected) this.#loaded(r);
    });
  }

  #loaded(r: Resolved): void {
    if (!r.ok) {
      this.#showError(r.error);
      return;
    }
    this.#json = r.json;
    this.#touched = false;
    this.#balancers = r.balancers;
    this.#timing = timingOf(r.scenarios[0]);
    this.#values = readControls(r.scenarios[0], this.#timing.ratePerSec);
    const speed = Number(this.getAttribute('speed'));
    this.#speed = speed > 0 ? speed : this.#timing.speed;
    this.#paused = this.#reduced || this.hasAttribute('paused');
    this.#pending = r.scenarios;
    this.#showPending();
  }

  #showPending(): void {
    if (!this.#pending || !this.#visible) return;
    const workflows = this.#pending.some((s) => s.workflows);
    if (this.#pending.some((s) => s.topology) && !topologyLoaded(workflows)) {
      // A topology's engine and scene are a file of their own (a workflow's statechart another), loaded the first time one is shown.
      loadTopology(workflows).then(
        () => this.#showPending(),
        (e) => {
          if (this.#alive) this.#showError(`The topology animation could not load: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
      return;
    }
    const scenarios = this.#pending;
    this.#pending = null;
    void this.#show(scenarios);
  }

  /** The scenarios for the current JSON, knobs and balancers (throws a readable error). */
  #scenarios(): Scenario[] {
    const base = this.#touched ? applyControls(this.#json!, this.#values!, this.#timing!.meanCostMs) : parseScenario(this.#json!);
    return this.#balancers.map((b) => withBalancer(base, b));
  }

  #rebuild(): void {
    const names = this.#balancers;
    if (needsPolicies(null, names)) {
      // A policy of the second file, picked in a menu: rebuilt once it is loaded, unless another choice or scenario came first.
      const current = () => this.#balancers === names && this.#alive;
      loadPolicies().then(
        () => {
          if (current()) this.#rebuild();
        },
        (e) => {
          if (current()) this.#showError(`The policies could not load: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
      return;
    }
    let scenarios: Scenario[];
    try {
      scenarios = this.#scenarios();
    } catch (e) {
      this.#showError(e instanceof Error ? e.message : String(e));
      return;
    }
    this.#timing = { ...timingOf(scenarios[0]), speed: this.#speed };
    this.#pending = scenarios;
    this.#showPending();
  }

  /** Shows panels for `scenarios`, reusing panels (and their renderers) where it can. */
  #show(scenarios: Scenario[]): void {
    this.#generation++;
    this.#error = null;
    this.#message.hidden = true;
    this.#stage.hidden = false;
    const timing = this.#timing!;
    const keep = this.#panels.slice(0, scenarios.length);
    for (const p of this.#panels.slice(scenarios.length)) p.destroy();
    this.#panels = scenarios.map((s, i) => {
      if (!keep[i]) return new Panel(s, timing, this.#reduced, () => this.#requestFrame());
      keep[i].reset(s, timing);
      return keep[i];
    });
    this.#stage.replaceChildren(...this.#panels.map((p) => p.el), this.#caption);
    const kind = this.#panels[0].scene.kind;
    this.#stage.setAttribute('aria-label', STAGE_LABEL[kind]);
    this.#stage.setAttribute('aria-keyshortcuts', STAGE_KEYS[kind]);
    this.#player = StoryPlayer.of(scenarios[0]);
    this.#showCaption();
    if (this.#reduced) this.#poster();
    this.#applyTheme();
    this.#buildControls();
    this.#layout();
    this.#ensureRenderers();
    this.#requestFrame();
  }

  #themeNow(): Record<string, unknown> {
    const t = readTheme(this.#frame);
    return { dark: t.dark, ink: t.ink, bg: t.bg };
  }

  /** Endings the key lists for the scenarios shown: the possible ones (outcomes.ts). */
  #endings(): Set<Ending> {
    const all = new Set<Ending>();
    for (const p of this.#panels) for (const e of p.scene.kind === 'topology' ? p.scene.endings : possibleEndings(p.scenarioShown)) all.add(e);
    return all;
  }

  /** Endings that happened so far in any panel (to add to the key if it did not list them). */
  #happened(): Ending[] {
    const out: Ending[] = [];
    for (const p of this.#panels) {
      const m = p.scene.model.stats;
      for (const o of OUTCOMES) if (m[o.counter] > 0) out.push(o.counter);
      if (p.scene.retired[AttemptState.Cancelled] > 0) out.push('cancelled');
    }
    return out;
  }

  /** Draws every panel in the colours the element's custom properties resolve to now. */
  #applyTheme(): void {
    const theme = readTheme(this.#frame);
    for (const p of this.#panels) p.setTheme(theme);
    this.#dark = theme.dark;
    if (this.#panels.length) {
      const scene = this.#panels[0].scene;
      this.#legend.show(this.#timing!.ageBandsMs, this.#endings(), theme.dark, scene.kind === 'topology' ? scene.keyWords : undefined);
      for (const p of this.#panels) p.setEndings(this.#legend.endings);
    }
    this.#requestFrame();
  }

  /**
   * Gives every panel on screen a renderer (a WebGL context from the page's budget): at first
   * sight, on return after the budget took it back, or after the browser lost it.
   */
  #ensureRenderers(): void {
    const gen = this.#generation;
    for (const p of this.#panels) {
      p.onScreen = this.#visible;
      if (!this.#visible || p.rendererState !== 'none') continue;
      p.ensureRenderer().then(
        () => this.#requestFrame(),
        (e) => {
          if (gen === this.#generation) this.#showError(`This browser cannot draw the animation: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
    }
  }

  #buildControls(): void {
    this.#controls = new ControlsView(
      {
        items: this.#controlItems(),
        paused: this.#paused,
        speed: this.#speed,
        seed: (this.#json?.seed as number) ?? 1,
        balancers: this.#balancers,
        known: policyNames(),
        values: this.#values!,
      },
      {
        playPause: () => this.#setPaused(!this.#paused),
        step: () => this.step(),
        speed: (x) => {
          this.#speed = x;
          this.#clock.restart();
          this.#controls?.setLimit(NaN);
          this.#requestFrame();
        },
        reset: (seed) => this.reset(seed),
        balancers: (names) => {
          this.#balancers = names;
          this.#rebuild();
        },
        values: (v) => {
          this.#values = v;
          this.#touched = true;
          this.#rebuild();
        },
      },
    );
    this.#bar.replaceChildren(this.#controls.el);
  }

  /** The controls asked for; a topology has no workload knobs (rate, size, servers, power belong to each service). */
  #controlItems(): ReturnType<typeof parseControls> {
    const items = parseControls(this.getAttribute('controls'));
    if (this.#panels.some((p) => p.scene.kind === 'topology')) for (const k of ['rate', 'size', 'servers', 'power'] as const) items.delete(k);
    return items;
  }

  #showError(message: string): void {
    this.#generation++;
    this.#pending = null;
    this.#error = message;
    this.#destroyPanels();
    this.#stage.hidden = true;
    this.#bar.replaceChildren();
    this.#legend.el.hidden = true;
    const title = document.createElement('b');
    title.textContent = 'This animation could not start';
    this.#message.replaceChildren(title, document.createTextNode(message));
    this.#message.hidden = false;
  }

  #destroyPanels(): void {
    for (const p of this.#panels) p.destroy();
    this.#panels = [];
  }

  // ---- layout, input, frames ----

  /** What `charts` asks for ("auto" when absent or unknown). */
  get #chartsMode(): ChartsMode {
    const v = this.getAttribute('charts') as ChartsMode | null;
    return v && CHARTS_MODES.includes(v) ? v : 'auto';
  }

  /** The key's open state as the element last set it (a different one was set by the reader). */
  #legendSet = false;

  /**
   * Shares the element's room by priority (figure-layout.ts): the animation, its labels, then
   * charts; the key folds to one line on narrow screens; the controls wrap. With the host's
   * height left auto, the stage's height follows its width; with a height the page set, the
   * stage takes what the bar and the key leave.
   */
  #layout(): void {
    const n = this.#panels.length;
    const width = Math.floor(this.#wrap.clientWidth);
    const legend = this.getAttribute('legend') ?? 'auto';
    this.#legend.el.hidden = legend === 'none' || this.#error !== null;
    if (!this.#legendToggled) {
      // "auto": open only where it does not crowd the figure.
      this.#legendSet = legend === 'auto' ? width >= 560 : legend !== 'closed';
      if (this.#legend.el.open !== this.#legendSet) this.#legend.el.open = this.#legendSet;
    }
    if (n === 0 || width === 0) return;
    const fixed = this.#probe.offsetHeight;
    const height = fixed > 0 ? fixed - this.#bar.offsetHeight - (this.#legend.el.hidden ? 0 : this.#legend.el.offsetHeight) : null;
    const scene = this.#panels[0].scene;
    const minHeight = scene.kind === 'topology' ? scene.minHeight : undefined;
    const L = layoutFigure({ width, height, panels: n, servers: scene.model.pool.size, minHeight, charts: this.#chartsMode });
    this.#stage.className = `stage ${L.direction}`;
    this.#stage.style.flexDirection = L.direction === 'cols' ? 'row' : 'column';
    this.#stage.style.height = `${L.stageHeight}px`;
    for (const p of this.#panels) p.arrange(L);
    this.#checkSight();
    this.#showChosen();
    this.#requestFrame();
  }

  #onClick(e: MouseEvent): void {
    for (const p of this.#panels) {
      const s = p.serverAtClient(e.clientX, e.clientY);
      if (s < 0) continue;
      this.#chosen = s;
      const host = this.getBoundingClientRect();
      const x = Math.min(e.clientX - host.left + 4, host.width - 150), y = Math.min(e.clientY - host.top + 4, host.height - 90);
      this.#openMenu(p, s, x, y, false);
      return;
    }
    this.#menu.close();
  }

  #openMenu(p: Panel, s: number, x: number, y: number, byKey: boolean): void {
    const scene = p.scene;
    if (scene.kind !== 'pool') return; // a topology's servers have no menu
    this.#menuByKey = byKey;
    const failed = scene.model.pool.state[s] === ServerState.Failed;
    this.#menu.open(x, y, `Server S${s + 1}`, failed, scene.isSlowed(s), (a) => this.#act(a, s));
  }

  /** Keys on the focused animation: play or pause (Space), choose a server (↑/↓, 1–9) and open its menu (Enter, 1–9). */
  #onKey(e: KeyboardEvent): void {
    const p = this.#panels[0];
    if (!p || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === ' ') {
      e.preventDefault(); // not the page's scroll
      this.#setPaused(!this.#paused);
      this.#status.textContent = this.#paused ? 'Paused.' : 'Playing.';
      return;
    }
    if (p.scene.kind !== 'pool') return; // a topology's servers have no menu to choose them for
    const n = p.scene.model.pool.size;
    let s = this.#chosen, open = false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') s = s < 0 ? 0 : (s + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    else if (e.key === 'Home' || e.key === 'End') s = e.key === 'Home' ? 0 : n - 1;
    else if (/^[1-9]$/.test(e.key) && Number(e.key) <= n) [s, open] = [Number(e.key) - 1, true];
    else if (e.key === 'Enter' && s >= 0) open = true;
    else return;
    e.preventDefault();
    this.#keyed = true;
    this.#chosen = Math.min(s, n - 1);
    this.#showChosen();
    if (!open) return;
    const box = this.#serverBox(p, this.#chosen);
    const host = this.getBoundingClientRect();
    this.#openMenu(p, this.#chosen, Math.min(box.right - host.left + 4, host.width - 150), Math.min(box.top - host.top, host.height - 90), true);
  }

  /** Server `s`'s box in client coordinates. */
  #serverBox(p: Panel, s: number): DOMRect {
    const L = p.scene.layout, scene = p.el.querySelector('.scene')!.getBoundingClientRect();
    return new DOMRect(scene.left + L.boxX[s], scene.top + L.boxY[s], typeof L.boxW === 'number' ? L.boxW : L.boxW[s], L.boxH);
  }

  /** Rings the keyboard's server in every panel while the animation has focus, and says which it is. */
  #showChosen(): void {
    const stage = this.#stage;
    const focused = this.shadowRoot!.activeElement === stage && (this.#keyed || stage.matches(':focus-visible'));
    for (const p of this.#panels) {
      const scene = p.el.querySelector<HTMLElement>('.scene')!;
      let ring = scene.querySelector<HTMLElement>('.server-focus');
      if (!ring) {
        ring = div('server-focus');
        scene.append(ring);
      }
      const s = this.#chosen, L = p.scene.layout;
      ring.hidden = !focused || s < 0 || s >= L.servers;
      if (ring.hidden) continue;
      Object.assign(ring.style, { left: `${L.boxX[s] - 3}px`, top: `${L.boxY[s] - 3}px`, width: `${typeof L.boxW === 'number' ? L.boxW : L.boxW[s]}px`, height: `${L.boxH}px` });
    }
    const p = this.#panels[0], s = this.#chosen;
    const text = focused && p && s >= 0 && s < p.scene.model.pool.size
      ? `Server S${s + 1}, ${SERVER_STATE_NAMES[p.scene.model.pool.state[s]]}${p.scene.kind === 'pool' && p.scene.isSlowed(s) ? ', slowed' : ''}. Enter opens its menu.`
      : '';
    if (this.#status.textContent !== text) this.#status.textContent = text;
  }

  /** After a menu opened by key closes, focus goes back to the animation. */
  #returnFocus(): void {
    if (this.#menuByKey) this.#stage.focus();
    this.#menuByKey = false;
  }

  #act(action: ServerAction, s: number): void {
    if (action === 'kill') this.kill(s);
    else if (action === 'revive') this.revive(s);
    else this.slow(s, action === 'slow' ? 4 : 1);
    this.#returnFocus();
    this.#showChosen();
  }

  /** Applies `f` to every panel that has server `s` (side by side: both, to keep them comparable). */
  #forServer(s: number, f: (scene: SceneModel) => void): void {
    for (const p of this.#panels) if (p.scene.kind === 'pool' && Number.isInteger(s) && s >= 0 && s < p.scene.model.pool.size) f(p.scene);
    this.#requestFrame();
  }

  #setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#clock.restart();
    this.#controls?.setPaused(paused);
    this.#last = -1;
    this.#requestFrame();
  }

  #requestFrame(): void {
    if (!this.#raf && this.isConnected && this.#panels.length > 0) this.#raf = requestAnimationFrame(this.#tick);
  }

  readonly #tick = (t: number): void => {
    this.#raf = 0;
    const panels = this.#panels, n = panels.length;
    const wall = this.#last < 0 ? 1000 / 60 : Math.min(100, t - this.#last);
    this.#last = t;
    const running = !this.#paused && this.#visible && (this.#seen || this.getAttribute('start') !== 'visible');
    const start = performance.now();
    if (this.#visible) for (let i = 0; i < n; i++) if (panels[i].rendererState === 'none') this.#ensureRenderers();
    if (running) {
      try {
        this.#advance(panels, wall);
      } catch (e) {
        // The engine refused to go on (a stalled clock, a bound reached): say so, keep the page.
        this.#showError(e instanceof Error ? e.message : String(e));
        return;
      }
    }
    if (running) this.#playStory();
    for (let i = 0; i < n; i++) panels[i].render();
    if (this.#firstFrameAt < 0 && n > 0 && panels[0].rendererState === 'live') this.#firstFrameAt = performance.now();
    const k = this.#frames++ % FRAME_STATS;
    this.#cost[k] = performance.now() - start;
    this.#interval[k] = wall;
    if (t - this.#clockAt > 250 && n > 0) {
      this.#clockAt = t;
      this.#controls?.setClock(panels[0].scene.model.sim.now);
      if (this.#legend.add(this.#happened(), this.#dark)) {
        for (const p of panels) p.setEndings(this.#legend.endings);
        this.#layout();
      }
    }
    if (running) this.#requestFrame();
    else this.#last = -1;
  };

  /** Advances every panel by `wall` ms of wall time at the chosen speed, within the frame's event budget. */
  #advance(panels: Panel[], wall: number): void {
    const n = panels.length;
    // Every panel aims at one clock (side by side stays in step); a panel that spent its
    // event budget stops short and catches up in later frames.
    const budget = FrameClock.budget(n);
    let from = Infinity, to = Infinity, finished = 0, spent = false;
    for (let i = 0; i < n; i++) from = Math.min(from, panels[i].scene.model.sim.now);
    const target = from + wall * this.#speed;
    for (let i = 0; i < n; i++) {
      const scene = panels[i].scene;
      if (scene.advanceTo(target, budget) >= budget && scene.model.sim.now < target) spent = true;
      to = Math.min(to, scene.model.sim.now);
      if (scene.finished) finished++;
    }
    if (this.#clock.record(wall, target - from, to - from, spent)) this.#controls?.setLimit(this.#clock.limited ? this.#clock.effectiveSpeed : NaN);
    if (finished === n) this.#loop();
  }

  /** Every run ended: start again with the same seed (articles loop). */
  #loop(): void {
    for (const p of this.#panels) p.reset();
    this.#player.reset();
    this.#showCaption();
  }

  /**
   * With `start="visible"`, starts the clock the first time the laid-out figure is seen: half of
   * it on screen, or half the screen filled by it (a figure taller than two screens). Checked when
   * the visible share crosses a quarter step and after every layout.
   */
  #checkSight(): void {
    if (this.#seen || this.#panels.length === 0 || !this.#visible) return;
    const r = this.getBoundingClientRect(), screen = globalThis.innerHeight || 0;
    const shown = Math.min(r.bottom, screen) - Math.max(r.top, 0);
    if (shown <= 0 || shown < Math.min(r.height, screen) / 2) return;
    this.#seen = true;
    this.#last = -1;
    this.#requestFrame();
  }

  /** Tells the page and the reader about story steps the clock passed: `lbsim:event`s and the caption. */
  #playStory(): void {
    if (this.#player.length === 0 || this.#panels.length === 0) return;
    let now = Infinity;
    for (const p of this.#panels) now = Math.min(now, p.scene.model.sim.now);
    const changed = this.#player.advance(now, (detail) => {
      this.dispatchEvent(new CustomEvent('lbsim:event', { detail, bubbles: true, composed: true }));
    });
    if (changed) this.#showCaption();
  }

  #showCaption(): void {
    const text = this.#player.caption;
    this.#caption.hidden = text === null;
    if (this.#caption.textContent !== (text ?? '')) this.#caption.textContent = text ?? '';
  }

  /**
   * Reduced motion: instead of the empty t = 0, a still of a moment worth seeing — the
   * `poster` attribute (simulated ms), else a chart window after the story's first action (or
   * after the start). Events for the steps passed are dispatched as usual.
   */
  #poster(): void {
    const attr = Number(this.getAttribute('poster'));
    const target = attr >= 0 && this.hasAttribute('poster') ? attr : this.#player.posterMs(this.#timing!.windowMs);
    for (const p of this.#panels) {
      // At most a few frames' worth of work, so a huge scenario still shows at once.
      p.scene.advanceTo(target, 50 * FrameClock.budget(this.#panels.length));
      if (p.scene.finished) p.reset();
    }
    this.#playStory();
  }
}

function div(className: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = className;
  return d;
}
