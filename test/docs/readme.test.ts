/** The README's examples are run, and their printed output must match what the README shows. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS } from '../../src/index.js';
import { USAGE } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** Runs node; stdout is what the README shows (stderr, e.g. the offered load, is not). */
const node = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** Wall-clock time is the one thing allowed to differ. */
const normalize = (text: string) => text.replace(/simulated in [0-9.e-]+ s/g, 'simulated in … s');

/** The first ```text block after `marker` in the README. */
function outputAfter(marker: string): string {
  const at = readme.indexOf(marker);
  expect(at, `README mentions ${marker}`).toBeGreaterThanOrEqual(0);
  const block = /```text\n([\s\S]*?)```/.exec(readme.slice(at));
  return block![1];
}

/** Every ```text block that starts with "$ lbsim ...": [args, expected output]. */
const commandBlocks = [...readme.matchAll(/```text\n\$ lbsim ([^\n]*)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]] as const);

describe('README', () => {
  it('opens with the two set-up commands', () => {
    expect(readme.slice(0, 800)).toContain('npm install && npm start');
    expect(readme.slice(0, 800)).toContain('npm test');
  });

  it('shows what npm start prints', () => {
    expect(node('bin/lbsim.js', 'compare', 'examples/default.json')).toBe(outputAfter('`npm start` prints:'));
  });

  it('shows commands with their output', () => {
    expect(commandBlocks.length).toBeGreaterThanOrEqual(2);
  });

  // One test per command: together they took 15 s on a busy machine.
  it.each(commandBlocks)('shows lbsim %s with its exact output', (args, expected) => {
    expect(normalize(node('bin/lbsim.js', ...args.split(' ')))).toBe(normalize(expected));
  });

  it.each(['quickstart.mjs', 'custom-balancer.mjs'])('shows examples/%s verbatim, with what it prints', (file) => {
    const code = readFileSync(join(root, 'examples', file), 'utf8');
    expect(readme).toContain('```js\n' + code + '```');
    const after = readme.slice(readme.indexOf('```js\n' + code));
    expect(node(join('examples', file))).toBe(/```text\n([\s\S]*?)```/.exec(after)![1]);
  });

  it('lists the CLI commands exactly as lbsim --help does', () => {
    const block = /## CLI\n\n```text\n([\s\S]*?)```/.exec(readme)![1];
    const usage = USAGE.split('\n').filter((l) => l.startsWith('  lbsim ') && !l.includes('--help')).map((l) => l.slice(2));
    expect(block.trimEnd().split('\n')).toEqual(usage);
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
