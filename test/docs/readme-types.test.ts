/**
 * The README's TypeScript compiles: every ```ts block, and every ```js block that imports lbsim
 * (saved as .ts, as a TypeScript user would), type-checked by tsc in strict mode with `lbsim`
 * mapped to src/index.ts. One tsc run for all blocks, in node_modules/.cache (ignored by git).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = join(root, 'node_modules/.cache/lbsim-readme-ts');

/** [file name carrying the README line, code] for each block to check. */
function blocks(): [string, string][] {
  const out: [string, string][] = [];
  for (const m of readme.matchAll(/```(ts|js)\n([\s\S]*?)```/g)) {
    const [, lang, code] = m;
    if (lang === 'js' && !/from 'lbsim'/.test(code)) continue;
    const line = readme.slice(0, m.index).split('\n').length + 1;
    out.push([`readme-line-${line}.ts`, code]);
  }
  return out;
}

/** A deliberate mistake, so a set-up that checks nothing (say, `lbsim` resolving to `any`) fails. */
const TYPO = `import { simulate } from 'lbsim';
simulate({ servers: [{}], arrivals: { process: 'poisson', ratePerSecond: 900 }, service: { dist: 'exponential', meanMs: 1 }, balancer: { name: 'p2c' } });
`;

describe('README TypeScript', () => {
  it('every ts block, and every js block importing lbsim, type-checks under strict tsc', () => {
    const files = blocks();
    expect(files.length).toBeGreaterThanOrEqual(3);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, code] of files) writeFileSync(join(dir, name), code);
    writeFileSync(join(dir, 'typo.ts'), TYPO);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        types: ['node'], typeRoots: [relative(dir, join(root, 'node_modules/@types'))],
        paths: { lbsim: [relative(dir, join(root, 'src/index.ts'))] },
      },
      files: [...files.map(([name]) => name), 'typo.ts'],
    }));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: dir, encoding: 'utf8' });
    const errors = tsc.stdout.split('\n').filter((l) => /error TS/.test(l));
    // Each README block compiles; the planted typo is the only error.
    expect(errors.filter((l) => !l.startsWith('typo.ts'))).toEqual([]);
    // simulate() has overloads, so tsc may say "No overload matches this call" first and name the field below.
    expect(errors.join('\n')).toMatch(/^typo\.ts\(2,\d+\): error TS\d+: /);
    expect(tsc.stdout.slice(tsc.stdout.indexOf('typo.ts('))).toMatch(/ratePerSecond/);
  });
});
