/**
 * Draws a Vega-Lite specification as a standalone SVG document, in Node, with no browser and no
 * canvas: vega-lite compiles it to Vega, and Vega's headless view renders it to SVG text (text
 * widths estimated, so the output is the same on every machine). The libraries are loaded on
 * first use: commands that draw nothing do not pay for them.
 */
import type { ChartSpec } from './chart-specs.js';

export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.endsWith('\n') ? svg : svg + '\n';
  } finally {
    view.finalize();
  }
}
