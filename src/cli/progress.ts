/**
 * A progress bar with an ETA on stderr (cli-progress), only when stderr is a terminal
 * (`io.progress`); otherwise nothing is drawn. Results never go through it.
 */
import cliProgress from 'cli-progress';
import type { Io } from './flags.js';
import { printable } from './format.js';

export interface Progress {
  /** `done` of `total` runs finished. */
  update(done: number, total: number): void;
  /** Removes the bar. */
  stop(): void;
}

export function progressBar(io: Io, label: string): Progress {
  if (!io.progress) return { update() {}, stop() {} };
  // The label is a name from a file: no control characters, and no {tokens} for cli-progress to fill in.
  const safe = printable(label).replace(/[{}]/g, '?');
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: `${safe} {bar} {value}/{total} runs | {percentage}% | ETA {eta_formatted}`,
    clearOnComplete: true,
    hideCursor: true,
    etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
