/**
 * Flags are parsed strictly: anything but a well-formed value in range is bad input (exit 2,
 * one `lbsim:` paragraph naming the flag), never a silently different run. Run in-process
 * through main() (cheap); the write-error test runs the real command.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

async function lbsim(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
  return { code, out, err };
}

async function refused(args: string[], ...needles: string[]): Promise<void> {
  const r = await lbsim(...args);
  expect(r.code, `exit code of lbsim ${args.join(' ')}; stderr: ${r.err}`).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.startsWith('lbsim: ')).toBe(true);
  expect(r.err).not.toContain('internal error');
  for (const needle of needles) expect(r.err).toContain(needle);
}

describe('lbsim: numeric flags take decimal integers in range and nothing else', () => {
  it('refuses --seed and --requests values that are not plain integers', async () => {
    for (const bad of ['_', '', '0x10', '0b1', '+5', '-0', '1.5', '1e400', 'NaN', 'Infinity', '1__0', '_1', ' 5', '5 ']) {
      await refused(['run', 'default', `--seed=${bad}`], '--seed', 'an integer from 0 to 4294967295');
      await refused(['run', 'default', `--requests=${bad}`], '--requests');
    }
    await refused(['compare', 'default', '--requests=0'], '--requests', 'from 1 to');
  });

  it('accepts digit groups and exponents that make an integer', async () => {
    const r = await lbsim('run', 'default', '--requests', '1_000', '--seed', '2e1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ seed: 20 });
  });

  it('refuses --seeds that are reversed, out of range, repeated, too many or empty', async () => {
    await refused(['compare', 'default', '--seeds', '10..1'], '--seeds', '"10..1"');
    await refused(['compare', 'default', '--seeds', '1..1e9'], '--seeds', '"1..1e9"');
    await refused(['compare', 'default', '--seeds', '0..4294967295'], '--seeds', 'at most 10000 seeds');
    await refused(['compare', 'default', '--seeds', '1,2,1'], '--seeds[2]', 'distinct seeds');
    await refused(['compare', 'default', '--seeds', Array.from({ length: 10_001 }, (_, i) => i).join(',')], '--seeds', 'at most 10000 integers');
    await refused(['compare', 'default', '--seeds='], '--seeds');
  });
});

describe('lbsim: balancer options are the policy\'s own', () => {
  it('refuses an option the policy does not take, __proto__ and constructor included', async () => {
    await refused(['run', 'default', '--balancer', 'p2c:__proto__=5'], '--balancer', 'options of power-of-two: choices', '"__proto__"');
    await refused(['run', 'default', '--balancer', 'p2c:constructor=1'], '"constructor"');
    await refused(['compare', 'default', '--balancers', 'round-robin:choices=2'], 'options of round-robin');
  });

  it('refuses a balancer listed twice, also under an alias', async () => {
    await refused(['compare', 'default', '--balancers', 'p2c,power-of-two'], '--balancers[1]', 'each balancer once');
    await refused(['compare', 'default', '--balancers', 'p2c:choices=3,p2c:choices=3'], '--balancers[1]');
  });
});

describe('lbsim: output that cannot be written', () => {
  it('reports a full disk as one line and exit 1, not a stack', () => {
    expect(existsSync('/dev/full'), 'this test needs /dev/full (Linux)').toBe(true);
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, ['bin/lbsim.js', 'run', 'default', '--requests', '200', '--json'], {
        cwd: ROOT, encoding: 'utf8', stdio: ['ignore', full, 'pipe'], timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^lbsim: cannot write output: ENOSPC \(no space left on device\)$/m);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      closeSync(full);
    }
  });
});
