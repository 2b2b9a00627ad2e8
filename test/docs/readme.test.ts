/** The README's examples are run, and their printed output must match what the README shows. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS } from '../../src/index.js';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const node = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

/** The first ```text block after `marker` in the README. */
function outputAfter(marker: string): string {
  const at = readme.indexOf(marker);
  expect(at, `README mentions ${marker}`).toBeGreaterThanOrEqual(0);
  const block = /```text\n([\s\S]*?)```/.exec(readme.slice(at));
  return block![1];
}

describe('README', () => {
  it('opens with the two set-up commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('shows what npm start prints', () => {
    expect(node('bin/lbsim.js', 'compare', 'examples/default.json')).toBe(outputAfter('`npm start` prints:'));
  });

  it('shows what the quickstart script prints, and shows its code verbatim', () => {
    expect(node('examples/quickstart.mjs')).toBe(outputAfter('examples/quickstart.mjs'));
    expect(readme).toContain(readFileSync(join(root, 'examples/quickstart.mjs'), 'utf8'));
  });

  it('keeps examples/*.json identical to the presets of the same name', () => {
    const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const name = file.replace(/\.json$/, '');
      expect(PRESETS[name], `preset ${name}`).toBeDefined();
      expect(JSON.parse(readFileSync(join(root, 'examples', file), 'utf8'))).toEqual(PRESETS[name].scenario);
    }
  });
});
