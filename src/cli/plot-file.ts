/** `--plot out.svg`: a chart written as a standalone SVG file (see experiment/render-svg.ts). */
import { writeFileSync } from 'node:fs';
import { renderSvg } from '../experiment/render-svg.js';
import type { ChartSpec } from '../experiment/chart-specs.js';
import type { Io } from './flags.js';

/** Writes `spec` drawn as SVG to `file`; false (and one line on stderr) when the file cannot be written. */
export async function writePlot(file: string, spec: ChartSpec, io: Io): Promise<boolean> {
  const svg = await renderSvg(spec);
  try {
    writeFileSync(file, svg);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`lbsim: cannot write output: ${code ? `${code} ` : ''}(--plot ${file})\n`);
    return false;
  }
}
