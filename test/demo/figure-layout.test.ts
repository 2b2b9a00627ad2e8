import { describe, expect, it } from 'vitest';
import { layoutFigure, minSceneHeight, MIN_COLUMN_WIDTH, type FigureInput } from '../../demo/figure-layout.js';

const figure = (input: Partial<FigureInput>) => layoutFigure({ width: 720, height: null, panels: 1, servers: 4, charts: 'auto', ...input });

describe('layoutFigure', () => {
  it('gives the animation at least its readable height at every width from 320 px, with auto height', () => {
    for (const width of [320, 358, 390, 560, 720, 980, 1400]) {
      for (const panels of [1, 2]) {
        const L = figure({ width, panels });
        expect(L.sceneHeight).toBeGreaterThanOrEqual(minSceneHeight(4));
        expect(L.sceneWidth).toBeGreaterThanOrEqual(Math.min(width, MIN_COLUMN_WIDTH) - 1);
      }
    }
  });

  it('puts charts right of a wide panel and below a narrow one', () => {
    expect(figure({ width: 1000 }).charts).toBe('right');
    expect(figure({ width: 390 }).charts).toBe('below');
    expect(figure({ width: 390 }).chartWidth).toBe(390);
  });

  it('with height auto, grows the stage with the width and counts the charts below in it', () => {
    const narrow = figure({ width: 390 }), wide = figure({ width: 540 });
    expect(wide.sceneHeight).toBeGreaterThanOrEqual(narrow.sceneHeight);
    expect(narrow.stageHeight).toBe(narrow.sceneHeight + narrow.chartHeight);
  });

  it('stacks two panels unless each gets MIN_COLUMN_WIDTH', () => {
    expect(figure({ width: 719, panels: 2 }).direction).toBe('rows');
    expect(figure({ width: 980, panels: 2 }).direction).toBe('cols');
    const rows = figure({ width: 390, panels: 2 });
    expect(rows.stageHeight).toBe(2 * rows.panelHeight + 1);
  });

  it('in a fixed height drops the charts before shrinking the animation below its readable height', () => {
    const tight = figure({ width: 390, height: 300 });
    expect(tight.charts).toBe('none');
    expect(tight.sceneHeight).toBe(300);
    const roomy = figure({ width: 390, height: 600 });
    expect(roomy.charts).toBe('below');
    expect(roomy.sceneHeight + roomy.chartHeight).toBe(600);
    expect(figure({ width: 390, height: 120 }).sceneHeight).toBe(minSceneHeight(4));
  });

  it('leaves charts out when asked, and puts them where asked', () => {
    expect(figure({ charts: 'none' }).chartWidth).toBe(0);
    expect(figure({ width: 1200, charts: 'below' }).charts).toBe('below');
    expect(figure({ width: 600, charts: 'right' }).charts).toBe('right');
  });
});
