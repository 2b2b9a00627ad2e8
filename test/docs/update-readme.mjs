// Regenerates the outputs the README shows (what test/docs/readme.test.ts checks), after an
// intended change of results: `npm run prepare && node test/docs/update-readme.mjs`. Review the
// diff before committing: every changed number should be explained by the change.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const file = join(root, 'README.md');
let readme = readFileSync(file, 'utf8');
const node = (...args) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

/** Replaces the first ```text block after `at` with `output`. */
function replaceBlockAfter(at, output) {
  const start = readme.indexOf('```text\n', at) + '```text\n'.length;
  const end = readme.indexOf('```', start);
  readme = readme.slice(0, start) + output + readme.slice(end);
}

replaceBlockAfter(readme.indexOf('`npm start` prints:'), node('bin/lbsim.js', 'compare', 'examples/default.json'));
for (const m of [...readme.matchAll(/```text\n\$ lbsim ([^\n]*)\n/g)]) {
  const args = m[1];
  const at = readme.indexOf(m[0]);
  const start = at + m[0].length;
  const end = readme.indexOf('```', start);
  readme = readme.slice(0, start) + node('bin/lbsim.js', ...args.split(' ')) + readme.slice(end);
}
for (const example of ['quickstart.mjs', 'custom-balancer.mjs']) {
  const code = readFileSync(join(root, 'examples', example), 'utf8');
  const at = readme.indexOf('```js\n' + code);
  if (at < 0) throw new Error(`README does not show examples/${example} verbatim`);
  replaceBlockAfter(at + code.length, node(join('examples', example)));
}
writeFileSync(file, readme);
console.log('README outputs regenerated; review `git diff README.md`.');
