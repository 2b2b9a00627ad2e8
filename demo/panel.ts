/**
 * One animated simulation on the page: a Model, its SceneModel and chart (always there), and a
 * pixi renderer drawing the scene (only while it holds a WebGL context from the page's budget).
 * The renderer can be given back and made again at any time — off screen, when the budget needs
 * the slot, or after the browser lost the context — and the next one draws the same simulation
 * from where it is. Comparisons show two panels advanced by the same clock. The renderer's module
 * (and pixi with it) is loaded on first use, with a dynamic import.
 */
import { Model } from '../src/model/model.js';
import { toModelConfig, type Scenario } from '../src/scenario/pool-scenario.js';
import { SceneModel } from './scene-model.js';
import { ChartView } from './chart-view.js';
import { serverAt } from './layout.js';
import type { SceneRenderer } from './scene-renderer.js';
import type { TopologyScene } from './topology-scene.js';
import { PAGE_CONTEXTS, type ContextHolder } from './context-budget.js';
import type { Timing } from './timing.js';
import type { FigureLayout } from './figure-layout.js';
import { LIGHT_THEME, type Theme } from './theme.js';
import { OUTCOMES } from './palette.js';
import type { Ending } from './outcomes.js';

/** The topology scene's module (and the topology engine), loaded only when a topology is shown. */
let topology: typeof import('./topology-scene.js') | null = null;

/** The workflow scene's module (statechart and workflow runtime), loaded only when a scenario has workflows. */
let workflow: typeof import('./workflow-scene.js') | null = null;

/** Loads what animating a topology (with `workflows`: and its statechart) takes (separate files of the built element); resolves at once when loaded. */
export async function loadTopology(workflows = false): Promise<void> {
  topology ??= await import('./topology-scene.js');
  if (workflows) workflow ??= await import('./workflow-scene.js');
}

export function topologyLoaded(workflows = false): boolean {
  return topology !== null && (!workflows || workflow !== null);
}

/** 'none': no renderer (not yet, or given back); 'creating': one is being made; 'live': drawing. */
export type RendererState = 'none' | 'creating' | 'live';

export class Panel implements ContextHolder {
  readonly el: HTMLDivElement;
  scene!: SceneModel | TopologyScene;
  /** Set by the element: the panel is on or near the screen. */
  onScreen = false;
  /** Renderers made, and contexts the browser took away, since the panel was created. */
  renderersMade = 0;
  contextsLost = 0;
  private renderer: SceneRenderer | null = null;
  private creating: Promise<void> | null = null;
  /** Bumped when a renderer is given back, so one still being made is dropped when ready. */
  private epoch = 0;
  private chart!: ChartView;
  private readonly stage: HTMLDivElement;
  private readonly chartBox: HTMLDivElement;
  private place: FigureLayout | null = null;
  private theme: Theme = LIGHT_THEME;
  private listed: readonly number[] = OUTCOMES.map((_, o) => o);

  /**
   * @param onLost called when the browser took the context away (the renderer is gone; the
   *   element makes a new one when it next draws).
   */
  constructor(
    private scenario: Scenario,
    private timing: Timing,
    private reducedMotion: boolean,
    private readonly onLost: () => void = () => {},
  ) {
    this.el = document.createElement('div');
    this.el.className = 'panel';
    this.stage = document.createElement('div');
    this.stage.className = 'scene';
    this.chartBox = document.createElement('div');
    this.chartBox.className = 'charts';
    this.el.append(this.stage, this.chartBox);
    this.reset(scenario);
  }

  get rendererState(): RendererState {
    return this.renderer ? 'live' : this.creating ? 'creating' : 'none';
  }

  /** The scenario running now. */
  get scenarioShown(): Scenario {
    return this.scenario;
  }

  get balancer(): string {
    return this.scenario.balancer.name;
  }

  /**
   * Makes the renderer if there is none (taking a slot from the page's budget); resolves when it
   * draws, rejects when the browser cannot draw (no WebGL).
   */
  ensureRenderer(): Promise<void> {
    if (this.renderer) return Promise.resolve();
    if (this.creating) return this.creating;
    PAGE_CONTEXTS.acquire(this);
    const epoch = this.epoch;
    const made = this.createRenderer().then((r) => {
      if (epoch !== this.epoch) {
        r.destroy(); // given back while it was being made
        return;
      }
      this.renderer = r;
      this.renderersMade++;
      this.stage.prepend(r.canvas);
      if (this.place) this.arrange(this.place);
    });
    this.creating = made.finally(() => {
      if (this.epoch === epoch) this.creating = null;
    });
    return this.creating;
  }

  /** Gives the renderer and its context back; the simulation carries on without a picture. */
  releaseContext(): void {
    this.epoch++;
    this.creating = null;
    PAGE_CONTEXTS.release(this);
    const r = this.renderer;
    this.renderer = null;
    r?.destroy();
  }

  private async createRenderer(): Promise<SceneRenderer> {
    const { SceneRenderer } = await import('./scene-renderer.js');
    const r = await SceneRenderer.create(this.scene, this.scenario.balancer.name, this.theme);
    r.canvas.addEventListener('webglcontextlost', () => {
      // Chromium dropped it (too many contexts on the page, a GPU reset): make a new one later.
      if (this.renderer !== r) return;
      this.contextsLost++;
      this.releaseContext();
      this.onLost();
    });
    return r;
  }

  /** A fresh run of `scenario` (same renderer). */
  reset(scenario: Scenario = this.scenario, timing: Timing = this.timing): void {
    this.scenario = scenario;
    this.timing = timing;
    const options = { timing: this.timing, reducedMotion: this.reducedMotion };
    if (scenario.topology) {
      if (!topology) throw new Error('internal: a topology shown before loadTopology()');
      if (scenario.workflows && !workflow) throw new Error('internal: a workflow shown before loadTopology(true)');
      this.scene = scenario.workflows ? workflow!.WorkflowScene.of(scenario, options) : topology.TopologyScene.of(scenario, options);
    } else {
      this.scene = new SceneModel(new Model(toModelConfig(scenario)), options);
    }
    this.renderer?.setScene(this.scene, scenario.balancer.name);
    this.chartBox.replaceChildren();
    this.chart = new ChartView(this.scene.series);
    this.chart.theme = this.theme;
    this.chart.listed = this.listed;
    this.chartBox.append(this.chart.canvas);
    if (this.place) this.arrange(this.place);
  }

  /** Draws scene and charts in `theme` (colours read from the element's custom properties). */
  setTheme(theme: Theme): void {
    this.theme = theme;
    this.renderer?.setTheme(theme);
    this.chart.theme = theme;
    if (this.charts !== 'none') this.chart.draw(true);
  }

  /** The chart legend lists these endings only (outcomes.ts). */
  setEndings(endings: readonly Ending[]): void {
    this.listed = OUTCOMES.map((o, k) => (endings.includes(o.counter) ? k : -1)).filter((k) => k >= 0);
    this.chart.listed = this.listed;
    if (this.charts !== 'none') this.chart.draw(true);
  }

  setReducedMotion(on: boolean): void {
    this.reducedMotion = on;
    this.scene.reducedMotion = on;
  }

  /** Lays the panel out as the figure's layout says: the scene, and charts at its right, below or not at all. */
  arrange(place: FigureLayout): void {
    this.place = place;
    const { sceneWidth: w, sceneHeight: h } = place;
    this.el.style.flexDirection = place.charts === 'right' ? 'row' : 'column';
    this.el.style.width = `${place.panelWidth}px`;
    this.stage.style.width = `${w}px`;
    this.stage.style.height = `${h}px`;
    this.renderer?.resize(w, h);
    if (this.scene.layout.width !== w || this.scene.layout.height !== h) this.scene.resize(w, h);
    this.chartBox.hidden = place.charts === 'none';
    if (place.charts !== 'none') this.chart.resize(place.chartWidth, place.chartHeight);
  }

  /** Where the charts are ('none' when left out). */
  get charts(): FigureLayout['charts'] {
    return this.place?.charts ?? 'none';
  }

  /** The server drawn at client coordinates (x, y), or -1 (always in a topology: its servers have no menu). */
  serverAtClient(clientX: number, clientY: number): number {
    if (this.scene.kind === 'topology') return -1;
    const r = this.stage.getBoundingClientRect();
    return serverAt(this.scene.layout, clientX - r.left, clientY - r.top);
  }

  /** Server labels drawn now (see SceneView.labelsShown); none without a renderer. */
  labelsShown(): { names: number; powers: number; states: number } {
    return this.renderer?.labelsShown() ?? { names: 0, powers: 0, states: 0 };
  }

  /** Places the dots for the model's current time and draws scene and charts (the scene only with a renderer). */
  render(): void {
    this.scene.update();
    if (this.renderer) {
      this.renderer.draw();
      PAGE_CONTEXTS.touch(this);
    }
    if (this.charts !== 'none') this.chart.draw();
  }

  destroy(): void {
    this.releaseContext();
    this.el.remove();
  }
}
