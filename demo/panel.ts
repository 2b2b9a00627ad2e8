/**
 * One animated simulation on the page: a Model, its SceneModel, a pixi Application drawing the
 * scene, and the chart canvas beside (or below) it. Comparisons show two panels advanced by the
 * same clock.
 */
import { Application } from 'pixi.js';
import { Model } from '../src/model/model.js';
import { toModelConfig, type Scenario } from '../src/scenario/scenario.js';
import { SceneModel } from './scene-model.js';
import { SceneView } from './scene-view.js';
import { ChartView } from './chart-view.js';
import { createAtlas, type Atlas } from './atlas.js';
import { serverAt } from './layout.js';
import type { Timing } from './timing.js';
import type { FigureLayout } from './figure-layout.js';

export class Panel {
  readonly el: HTMLDivElement;
  scene!: SceneModel;
  private view: SceneView | null = null;
  private chart!: ChartView;
  private readonly stage: HTMLDivElement;
  private readonly chartBox: HTMLDivElement;
  private place: FigureLayout | null = null;

  private constructor(
    private readonly app: Application,
    private readonly atlas: Atlas,
    private scenario: Scenario,
    private timing: Timing,
    private reducedMotion: boolean,
  ) {
    this.el = document.createElement('div');
    this.el.className = 'panel';
    this.stage = document.createElement('div');
    this.stage.className = 'scene';
    this.chartBox = document.createElement('div');
    this.chartBox.className = 'charts';
    this.el.append(this.stage, this.chartBox);
    this.stage.append(app.canvas);
    app.canvas.setAttribute('aria-hidden', 'true');
    this.reset(scenario);
  }

  /** Creates the pixi renderer (WebGL) for a panel; rejects when the browser cannot draw. */
  static async create(scenario: Scenario, timing: Timing, reducedMotion: boolean): Promise<Panel> {
    const app = new Application();
    await app.init({
      width: 320, height: 200, antialias: false, backgroundAlpha: 0, preference: 'webgl',
      resolution: Math.min(2, globalThis.devicePixelRatio || 1), autoDensity: true,
      autoStart: false, sharedTicker: false,
      // No listeners on the page: we hit-test clicks ourselves and leave keyboard focus alone.
      accessibilityOptions: { activateOnTab: false },
      eventFeatures: { move: false, globalMove: false, click: false, wheel: false },
    });
    app.renderer.events?.setTargetElement(null as unknown as HTMLElement);
    app.canvas.style.touchAction = 'auto';
    return new Panel(app, createAtlas(), scenario, timing, reducedMotion);
  }

  get balancer(): string {
    return this.scenario.balancer.name;
  }

  /** A fresh run of `scenario` (same renderer). */
  reset(scenario: Scenario = this.scenario, timing: Timing = this.timing): void {
    this.scenario = scenario;
    this.timing = timing;
    if (this.view) {
      this.app.stage.removeChild(this.view.root);
      this.view.destroy();
    }
    const model = new Model(toModelConfig(scenario));
    this.scene = new SceneModel(model, { timing: this.timing, reducedMotion: this.reducedMotion });
    this.view = new SceneView(this.scene, this.atlas, scenario.balancer.name);
    this.app.stage.addChild(this.view.root);
    this.chartBox.replaceChildren();
    this.chart = new ChartView(this.scene.series);
    this.chartBox.append(this.chart.canvas);
    if (this.place) this.arrange(this.place);
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
    this.app.renderer.resize(w, h);
    this.scene.resize(w, h);
    this.chartBox.hidden = place.charts === 'none';
    if (place.charts !== 'none') this.chart.resize(place.chartWidth, place.chartHeight);
  }

  /** Where the charts are ('none' when left out). */
  get charts(): FigureLayout['charts'] {
    return this.place?.charts ?? 'none';
  }

  /** The server drawn at client coordinates (x, y), or -1. */
  serverAtClient(clientX: number, clientY: number): number {
    const r = this.app.canvas.getBoundingClientRect();
    return serverAt(this.scene.layout, clientX - r.left, clientY - r.top);
  }

  /** Server labels drawn now (see SceneView.labelsShown). */
  labelsShown(): { names: number; powers: number; states: number } {
    return this.view!.labelsShown();
  }

  render(): void {
    this.scene.update();
    this.view!.draw();
    this.app.renderer.render(this.app.stage);
    if (this.charts !== 'none') this.chart.draw();
  }

  destroy(): void {
    this.view?.destroy();
    this.view = null;
    this.atlas.destroy();
    this.app.destroy({ removeView: true }, { children: true });
    this.el.remove();
  }
}
