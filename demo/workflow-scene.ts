/**
 * The view-model of an animated workflow: the topology's scene (services, servers, attempts
 * flying, as TopologyScene draws them) beside a statechart of the workflow's machines — the
 * start machine's states as boxes, the machine it invokes inside the invoking state — with the
 * number of instances in each state now (a final state of the start machine: how many ended
 * there), each transition's arrow flashing when instances take it, and each invariant's open
 * violations (a `never` pair such as Cancelled × Authorized held now). It watches the run as the
 * world's `WorkflowObserver` (one call per transition: machine, from, to); counts are read from
 * the world when drawn. Wide scenes put the statechart left of the servers, narrow ones above.
 * No pixi here: workflow-view.ts draws it. This module (with the workflow runtime) is a file of
 * its own in the built element, loaded only for a scenario with `workflows`.
 */
import { TopologyModel } from '../src/model/topology.js';
import { toTopologyConfig, type Scenario } from '../src/scenario/pool-scenario.js';
// The workflows' parser travels in this file: the element's loads it only for workflows (scenario-parse.ts).
export { parseWorkflows } from '../src/workflow/workflow-spec.js';
import { WorkflowWorld } from '../src/workflow/world.js';
import type { WorkflowObserver } from '../src/workflow/workflow-observer.js';
import { TopologyScene } from './topology-scene.js';
import type { TopologyView, PixiKit } from './topology-view.js';
import { minTopologyHeight } from './topology-layout.js';
import { computeWorkflowChart, naturalChartSize, type WorkflowChartLayout } from './workflow-layout.js';
import { WorkflowView } from './workflow-view.js';
import { topologyEndings } from './topology-endings.js';
import type { SceneOptions } from './scene-model.js';
import type { Atlas } from './atlas.js';
import type { Theme } from './theme.js';
import type { Ending } from './outcomes.js';

/** The servers keep at least this width beside the statechart; narrower scenes stack the two. */
const TOPOLOGY_BESIDE = 300;

export class WorkflowScene extends TopologyScene implements WorkflowObserver {
  chart: WorkflowChartLayout;
  /** Where the statechart is drawn: 'beside' (left of the servers) or 'above' them. */
  placement: 'beside' | 'above' = 'above';
  /** Per arrow of the chart: transitions taken along it, and the simulated time of the last. */
  readonly arrowTaken: Float64Array;
  readonly arrowLastMs: Float64Array;
  /** Transitions seen in all (the view repaints when this or a violation count moved). */
  transitionsSeen = 0;
  private readonly natural: { width: number; height: number };
  private readonly stride: Int32Array;

  constructor(model: TopologyModel, readonly world: WorkflowWorld, options: SceneOptions, endings?: ReadonlySet<Ending>) {
    super(model, options, endings);
    const machines = world.machines.map((inst) => inst.m);
    this.natural = naturalChartSize({ machines, names: world.names, invariants: world.invariants.length });
    this.stride = Int32Array.from(machines, (m) => m.names.length + 1);
    this.chart = this.buildChart();
    this.arrowTaken = new Float64Array(this.chart.arrows.length);
    this.arrowLastMs = new Float64Array(this.chart.arrows.length).fill(-Infinity);
    this.frame = (w, h) => this.topologyFrame(w, h);
    this.resize(this.width, this.height);
    world.observer = this;
  }

  /** A scene of a workflow scenario (its own engine and world, at time 0). */
  static override of(scenario: Scenario, options: SceneOptions): WorkflowScene {
    const model = new TopologyModel(toTopologyConfig(scenario));
    return new WorkflowScene(model, new WorkflowWorld(model, scenario.workflows!), options, topologyEndings(scenario));
  }

  override createView(kit: PixiKit, atlas: Atlas, theme: Theme, resolution: number): TopologyView {
    return new WorkflowView(kit, this, atlas, theme, resolution);
  }

  /** The statechart's natural height above the servers' least readable height (the stacked layout's need). */
  override get minHeight(): number {
    return Math.min(960, Math.ceil(this.natural.height) + minTopologyHeight(this.tiers));
  }

  override resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    if (this.natural) this.chart = this.buildChart();
    super.resize(width, height);
  }

  // ---- WorkflowObserver ----

  transition(machine: number, from: number, to: number): void {
    const k = this.chart.arrowOf[machine][from * this.stride[machine] + to + 1];
    this.transitionsSeen++;
    if (k >= 0) {
      this.arrowTaken[k]++;
      this.arrowLastMs[k] = this.model.sim.now;
    }
  }

  /** Instances in state `s` of machine `mi` now; a final state of the start machine: how many ended there. */
  count(mi: number, s: number): number {
    const st = this.world.stats[mi];
    return mi === 0 && st.m.final[s] === 1 ? st.ended[s] : this.world.inState[mi][s];
  }

  /** Violations of invariant `i` open now (a `never` pair holding, an `eventually` past its bound), and begun in all. */
  violations(i: number): { open: number; total: number } {
    const v = this.world.invariants[i];
    return { open: v.count - v.resolved - v.unresolved, total: v.count };
  }

  override counters(): Record<string, number> {
    let open = 0;
    for (let i = 0; i < this.world.invariants.length; i++) open += this.violations(i).open;
    return { ...super.counters(), workflowStates: this.chart.boxes.length, workflowArrows: this.chart.arrows.length, transitionsSeen: this.transitionsSeen, violationsOpen: open, orders: this.world.stats[0].created };
  }

  private buildChart(): WorkflowChartLayout {
    const machines = this.world.machines.map((inst) => inst.m);
    const r = this.chartFrame(this.width, this.height);
    const chart = computeWorkflowChart({ machines, names: this.world.names, invariants: this.world.invariants.length, width: r.w, height: r.h });
    return chart;
  }

  /** The statechart's part of the scene (x = y = 0 in both layouts). */
  private chartFrame(w: number, h: number): { w: number; h: number } {
    const nat = this.natural;
    if (w >= nat.width + TOPOLOGY_BESIDE) {
      this.placement = 'beside';
      return { w: Math.max(nat.width, Math.min(nat.width * 1.25, w - TOPOLOGY_BESIDE - 40)), h };
    }
    this.placement = 'above';
    const scale = Math.min(1, w / nat.width);
    return { w, h: Math.max(nat.height * scale, h - minTopologyHeight(this.tiers) * 1.15) };
  }

  private topologyFrame(w: number, h: number): { x: number; y: number; w: number; h: number } {
    const c = this.chartFrame(w, h);
    return this.placement === 'beside' ? { x: c.w, y: 0, w: w - c.w, h } : { x: 0, y: c.h, w, h: h - c.h };
  }
}
