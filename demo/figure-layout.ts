/**
 * How `<lbsim-view>` shares its room between panels, animations and charts, in CSS px. Space
 * goes by priority, not in proportion: first the animation, at least `minSceneHeight` tall (its
 * rows keep their labels), then the charts — right of the scene when the panel is wide, below
 * it when not, left out when a fixed height has no room for them. Controls and legend are laid
 * out by the browser below the stage and fold first (see the element).
 *
 * With `height: null` (the default, CSS `height: auto`) the figure is as tall as its content:
 * the animation's height follows its width (SCENE_RATIO) within readable bounds. With a height
 * the page fixed, the stage fills it. Pure arithmetic: no DOM, unit-tested in Node.
 */

export type ChartsMode = 'auto' | 'right' | 'below' | 'none';
export const CHARTS_MODES: readonly ChartsMode[] = ['auto', 'right', 'below', 'none'];

export interface FigureInput {
  /** Content width of the element. */
  width: number;
  /** Height left for the stage when the page fixed the element's height; null: height auto. */
  height: number | null;
  /** Panels (1, or 2 side by side on one workload). */
  panels: number;
  /** Servers drawn per panel. */
  servers: number;
  /** The scene's least readable height, when not that of `servers` rows (a topology's tiers). */
  minHeight?: number;
  charts: ChartsMode;
}

export interface FigureLayout {
  /** Two panels next to each other ('cols') or one above the other ('rows'). */
  direction: 'cols' | 'rows';
  /** Height of the whole stage (every panel and its charts). */
  stageHeight: number;
  /** Every panel has the same size: scene, and charts where `charts` says. */
  panelWidth: number;
  panelHeight: number;
  sceneWidth: number;
  sceneHeight: number;
  charts: 'right' | 'below' | 'none';
  chartWidth: number;
  chartHeight: number;
}

/** Height of the animation per unit of width when the height is free (taller on narrow screens). */
export const SCENE_RATIO = 0.52;
export const NARROW_SCENE_RATIO = 0.6;
/** Below this width a panel counts as narrow (a phone). */
export const NARROW = 560;
/** Border between two panels. */
export const GAP = 1;
/** Narrowest panel drawn beside another; narrower pairs stack. */
export const MIN_COLUMN_WIDTH = 360;
/** The scene keeps at least this width when charts sit at its right. */
const MIN_SCENE_BESIDE_CHARTS = 420;

/** The least height at which every server row keeps its label (22 px a row), within [190, 460]. */
export function minSceneHeight(servers: number): number {
  return clamp(servers * 22 + 28, 190, 460);
}

/** Width of charts at the right of a panel `panelWidth` wide. */
export function chartsRightWidth(panelWidth: number): number {
  return Math.round(clamp(panelWidth * 0.36, 230, 380));
}

/** Height of charts below a panel `panelWidth` wide: side by side when wide, stacked when narrow. */
export function chartsBelowHeight(panelWidth: number): number {
  return panelWidth >= 520 ? 170 : 220;
}

export function layoutFigure(input: FigureInput): FigureLayout {
  const width = Math.max(1, Math.floor(input.width)), n = Math.max(1, input.panels);
  const minH = input.minHeight ?? minSceneHeight(input.servers);
  const fixed = input.height === null ? null : Math.max(0, Math.floor(input.height));
  const cols = n > 1 && (width / n >= MIN_COLUMN_WIDTH || (fixed !== null && fixed / n < minH && width / n >= 300));
  const panelWidth = cols ? Math.floor((width - GAP * (n - 1)) / n) : width;
  const right = input.charts === 'right' || (input.charts === 'auto' && panelWidth - chartsRightWidth(panelWidth) >= MIN_SCENE_BESIDE_CHARTS);
  let charts: FigureLayout['charts'] = input.charts === 'none' ? 'none' : right ? 'right' : 'below';
  const chartWidth = charts === 'right' ? chartsRightWidth(panelWidth) : panelWidth;
  const sceneWidth = charts === 'right' ? panelWidth - chartWidth : panelWidth;
  let sceneHeight: number, chartHeight: number;
  if (fixed === null) {
    const ratio = sceneWidth < NARROW ? NARROW_SCENE_RATIO : SCENE_RATIO;
    sceneHeight = Math.round(clamp(sceneWidth * ratio, minH, Math.max(minH, 400)));
    chartHeight = charts === 'below' ? chartsBelowHeight(panelWidth) : charts === 'right' ? Math.max(sceneHeight, 240) : 0;
    if (charts === 'right') sceneHeight = chartHeight;
  } else {
    const panelHeight = cols ? fixed : Math.floor((fixed - GAP * (n - 1)) / n);
    chartHeight = charts === 'right' ? panelHeight : charts === 'below' ? chartsBelowHeight(panelWidth) : 0;
    if (charts === 'below' && panelHeight - chartHeight < minH) {
      // No room below the animation: charts go first.
      charts = 'none';
      chartHeight = 0;
    }
    sceneHeight = Math.max(minH, charts === 'below' ? panelHeight - chartHeight : panelHeight);
    if (charts === 'right') chartHeight = sceneHeight;
  }
  const panelHeight = charts === 'below' ? sceneHeight + chartHeight : sceneHeight;
  const stageHeight = cols || n === 1 ? panelHeight : n * panelHeight + GAP * (n - 1);
  return {
    direction: cols ? 'cols' : 'rows', stageHeight, panelWidth, panelHeight,
    sceneWidth, sceneHeight, charts, chartWidth: charts === 'none' ? 0 : chartWidth, chartHeight,
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
