// Regenerates the golden outputs of examples/experiments/ (what test/docs/examples.test.ts
// checks): each experiment's table (<name>.txt) and chart (<name>.svg), after an intended change
// of results or charts: `npm run prepare && node test/docs/update-examples.mjs`. Review the diff.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const dir = join(root, 'examples/experiments');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const name = file.replace(/\.json$/, '');
  const table = execFileSync(process.execPath, ['bin/lbsim.js', 'sweep', join('examples/experiments', file), '--plot', join('examples/experiments', `${name}.svg`)], { cwd: root, encoding: 'utf8' });
  writeFileSync(join(dir, `${name}.txt`), table);
  console.log(`examples/experiments/${name}: .txt and .svg regenerated`);
}
