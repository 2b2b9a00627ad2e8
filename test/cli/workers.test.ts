/**
 * The real command as child processes: worker threads give the output one thread gives, custom
 * balancers reach the workers through --require, and shards run as separate processes merge into
 * the unsharded table byte for byte.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lbsim-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lbsim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** lbsim as a child process, resolving to its stdout (exit 0 required). */
function lbsimAsync(...args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/lbsim.js', ...args], { cwd: ROOT });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`lbsim ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

describe('lbsim with --workers', () => {
  it('compare prints the same table on 1 and 2 workers', () => {
    const args = ['compare', 'default', '--balancers', 'round-robin,p2c,least-connections', '--seeds', '1..3', '--requests', '5000'];
    const one = lbsim(...args, '--workers', '1');
    expect(one.status).toBe(0);
    expect(lbsim(...args, '--workers', '2').stdout).toBe(one.stdout);
  });

  it('compare prints the same JSON and CSV, run by run in the same order, on 1 and 2 workers (wallMs aside)', () => {
    const args = ['compare', 'default', '--balancers', 'round-robin,p2c,least-connections', '--seeds', '1..4', '--requests', '3000'];
    const json = (w: string) => lbsim(...args, '--json', '--workers', w).stdout.replace(/"wallMs": \d+/g, '"wallMs": 0');
    const one = json('1');
    expect(JSON.parse(one)).toHaveLength(12);
    expect(json('2')).toBe(one);
    const csv = (w: string) => lbsim(...args, '--csv', '--workers', w).stdout.replace(/,\d+$/gm, ',0'); // wallMs, the last column
    expect(csv('2')).toBe(csv('1'));
  });

  it('compare stopped by a failing run prints the runs before it and names it, the same on 1 and 2 workers', () => {
    // At most 45 in flight: least-connections' third seed is the first run to pass it (round-robin's pass it sooner).
    const file = join(dir, 'in-flight.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(lbsim('preset', 'default').stdout), stop: { requests: 5000, warmupMs: 1000, maxInFlight: 45 } }));
    const args = ['compare', file, '--balancers', 'lc,rr', '--seeds', '1..6', '--json'];
    const one = lbsim(...args, '--workers', '1'), two = lbsim(...args, '--workers', '2');
    const mask = (s: string) => s.replace(/"wallMs": \d+/g, '"wallMs": 0');
    expect(one.status).toBe(2);
    expect(one.stdout.match(/"seed": \d+/g)).toEqual(['"seed": 1', '"seed": 2']);
    expect(one.stderr).toMatch(/\nlbsim: stop\.maxInFlight: more than 45 requests .* \(in the run of lc, seed 3\)\n$/);
    expect(one.stderr).not.toMatch(/\n\s+at /);
    expect(two.status).toBe(2);
    expect(mask(two.stdout)).toBe(mask(one.stdout));
    expect(two.stderr).toBe(one.stderr);
  });

  it('sweep finds a custom balancer in every worker through --require, and not without it', () => {
    const args = ['sweep', 'heterogeneous', '--set', 'balancer=weighted-round-robin,fewest-per-weight', '--seeds', '1..3', '--requests', '5000', '--csv'];
    const one = lbsim(...args, '--require', 'examples/fewest-per-weight.mjs', '--workers', '1');
    expect(one.stderr).toBe('');
    expect(one.stdout.split('\n').filter((l) => l.includes(',fewest-per-weight,'))).toHaveLength(3);
    expect(lbsim(...args, '--require', 'examples/fewest-per-weight.mjs', '--workers', '3').stdout).toBe(one.stdout);
    const without = lbsim(...args, '--workers', '2');
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(/^lbsim: grid\["balancer"\]\[1\]: got "fewest-per-weight", expected known balancers/);
  });
});

describe('lbsim with --workers when a worker fails', () => {
  const sweepArgs = ['sweep', 'default', '--set', 'load=0.5,0.6', '--requests', '500', '--workers', '2'];
  const module = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, `import { isMainThread } from 'node:worker_threads';\n${text}\n`);
    return file;
  };
  /** One line on stderr, no stack trace (no crash dump), nothing on stdout. */
  const oneLine = (r: { stdout: string; stderr: string }) => {
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  };

  it('a --require module that throws at load is bad input naming it as given (exit 2), in this process or only in the workers', () => {
    const everywhere = module('throws.mjs', "throw new Error('broken module');");
    let r = lbsim(...sweepArgs, '--require', everywhere);
    expect(r.status).toBe(2);
    oneLine(r);
    expect(r.stderr).toBe(`lbsim: --require: got "${everywhere}", expected a module that can be imported (broken module)\n`);
    const inWorkers = module('throws-in-workers.mjs', "if (!isMainThread) throw new Error('broken in workers');");
    r = lbsim(...sweepArgs, '--require', inWorkers);
    expect(r.status).toBe(2);
    oneLine(r);
    // Named as given (it read "file:///..." before).
    expect(r.stderr.startsWith(`lbsim: options.require[0]: got "${inWorkers}", expected a module that can be imported (broken in workers)`), r.stderr).toBe(true);
  });

  it('a --require module ending its worker thread at load (process.exit) is exit 1 with one line (was exit 0, no output)', () => {
    const exits = module('exits-in-workers.mjs', 'if (!isMainThread) process.exit(3);');
    const r = lbsim(...sweepArgs, '--require', exits);
    expect(r.status).toBe(1);
    oneLine(r);
    expect(r.stderr).toBe('lbsim: a worker thread failed: its thread ended with runs unfinished (a module calling process.exit?)\n');
  });

  it('a worker that cannot load its module is exit 1 with one line, not Tinypool\'s unhandled error and a stack dump', () => {
    // Every worker thread (not this one) fails as it starts: node --import of a module that throws there.
    const boot = module('boot.mjs', "if (!isMainThread) throw new Error('cannot start');");
    const r = spawnSync(process.execPath, ['--import', boot, 'bin/lbsim.js', ...sweepArgs], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    oneLine(r);
    expect(r.stderr).toBe('lbsim: a worker thread failed: cannot start\n');
  });
});

describe('lbsim sweep --shard i/n and lbsim merge', () => {
  it('n shard processes merge into the unsharded table, CSV and JSON lines, byte for byte', async () => {
    const sweep = ['sweep', 'default', '--set', 'load=0.5..0.9:0.2', '--set', 'balancer=random,p2c,p2c:choices=3', '--seeds', '1..3', '--requests', '2000', '--workers', '1'];
    const n = 4;
    const shards = await Promise.all(Array.from({ length: n }, (_, i) => lbsimAsync(...sweep, '--shard', `${i + 1}/${n}`)));
    const files = shards.map((text, i) => {
      const file = join(dir, `shard-${i + 1}-of-${n}.jsonl`);
      writeFileSync(file, text);
      return file;
    });
    for (const format of [[], ['--csv'], ['--jsonl'], ['--markdown'], ['--json', '--aggregate']]) {
      const whole = lbsim(...sweep, ...format);
      expect(whole.status).toBe(0);
      const merged = lbsim('merge', ...files.reverse(), ...format);
      expect(merged.stderr).toBe('');
      expect(merged.stdout, format.join(' ') || 'table').toBe(whole.stdout);
    }
  });
});
