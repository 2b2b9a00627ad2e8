/**
 * The experiments in examples/experiments/ run with one command each, and print and draw exactly
 * their committed golden files: the table (<name>.txt) and the chart (<name>.svg), byte for byte
 * (runs are deterministic, and charts are drawn without a browser). After an intended change:
 * `npm run prepare && node test/docs/update-examples.mjs`, then review the diff.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const examples = readdirSync(join(root, 'examples/experiments')).filter((f) => f.endsWith('.json')).sort();
const out = mkdtempSync(join(tmpdir(), 'lbsim-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/experiments', () => {
  it('holds the three known results', () => {
    expect(examples).toEqual(['retry-budget.json', 'stale-information.json', 'supermarket.json']);
  });

  it.each(examples)('%s prints its golden table and draws its golden chart', (file) => {
    const name = file.replace(/\.json$/, '');
    const svg = join(out, `${name}.svg`);
    const table = execFileSync(process.execPath, ['bin/lbsim.js', 'sweep', join('examples/experiments', file), '--plot', svg], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(table).toBe(readFileSync(join(root, 'examples/experiments', `${name}.txt`), 'utf8'));
    expect(readFileSync(svg, 'utf8')).toBe(readFileSync(join(root, 'examples/experiments', `${name}.svg`), 'utf8'));
  });
});
