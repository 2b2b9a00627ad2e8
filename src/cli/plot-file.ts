/** `--plot out.svg`: a chart written as a standalone SVG file (see experiment/render-svg.ts). */
import { accessSync, closeSync, constants, openSync, statSync, unlinkSync, writeSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ScenarioError } from '../input/check.js';
import { renderSvg } from '../experiment/render-svg.js';
import type { ChartSpec } from '../experiment/chart-specs.js';
import type { Io } from './flags.js';

/**
 * `--plot FILE` checked before anything runs or prints: a path whose directory exists and may be
 * written to, and which is not itself a directory nor a file this user may not write (else exit 2
 * naming --plot, not exit 1 after the output). Permissions do not tell everything (root may write
 * anything, yet /proc/version fails at write with EIO), so the file is then tried: an existing one
 * opened for writing and written zero bytes (its content untouched), a new one created and removed
 * (devices and pipes are left to the write).
 * A write can still fail later (a full disk).
 */
export function plotFlag(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const dir = dirname(resolve(file));
  const kind = (path: string) => {
    try {
      return statSync(path).isDirectory() ? 'directory' : 'file';
    } catch {
      return 'none';
    }
  };
  if (file === '') throw new ScenarioError('--plot', file, 'the path of an SVG file to write');
  if (kind(dir) !== 'directory') throw new ScenarioError('--plot', file, `an SVG file to write in an existing directory (there is no directory ${dir})`);
  if (kind(file) === 'directory') throw new ScenarioError('--plot', file, 'an SVG file to write, not a directory');
  const writable = (path: string) => {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (kind(file) === 'file' && !writable(file)) throw new ScenarioError('--plot', file, 'an SVG file this user may write (this one is read-only to it)');
  if (kind(file) === 'none' && !writable(dir)) throw new ScenarioError('--plot', file, `an SVG file in a directory this user may write to (${dir} is not)`);
  const exists = kind(file) === 'file';
  if (exists && !statSync(file).isFile()) return file; // a device or a pipe (/dev/null, /dev/stdout): opening it may wait
  try {
    const fd = openSync(file, exists ? constants.O_WRONLY : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
    try {
      if (exists) writeSync(fd, new Uint8Array(0));
    } finally {
      closeSync(fd);
      if (!exists) unlinkSync(file);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ScenarioError('--plot', file, `an SVG file this user may write (${exists ? 'writing to it' : 'creating it'} fails: ${code})`);
  }
  return file;
}

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
