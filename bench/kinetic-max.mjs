// @ts-check
// bench/kinetic-max.mjs - smooth weighted round robin driven through the kinetic tournament alone
// (src/balancers/kinetic-max.ts), one server per weight class, weights 1 … C distinct: nodes
// recomputed per pick besides the winner's path, and CPU µs per pick. Not a test.
//
//   npm run prepare && node bench/kinetic-max.mjs [picks=1e6] [dist=../dist]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const picks = Number(process.argv[2] ?? 1e6);
const dist = resolve(process.argv[3] ?? new URL('../dist', import.meta.url).pathname);
const { KineticMax } = await import(pathToFileURL(`${dist}/balancers/kinetic-max.js`).href);
for (const C of [100, 1000, 10000, 100000]) {
  const slope = new Float64Array(C), base = new Float64Array(C);
  let total = 0;
  for (let g = 0; g < C; g++) {
    slope[g] = 1 + ((7919 * g) % C);
    total += slope[g];
  }
  const tree = new KineticMax();
  tree.build(C, (/** @type {number} */ g) => slope[g], (/** @type {number} */ g) => g, () => true);
  const t0 = process.cpuUsage();
  for (let k = 1; k <= picks; k++) {
    tree.advance(k);
    const g = tree.winner();
    base[g] -= total; // its current loses total, as a pick does
    tree.setLine(g, base[g], g, k);
  }
  const t = process.cpuUsage(t0);
  console.log(`${C.toLocaleString('en')} classes: ${(tree.events / picks).toFixed(1)} nodes recomputed per pick besides the path of ${Math.ceil(Math.log2(C))}, ${((t.user + t.system) / picks).toFixed(3)} µs per pick`);
}
