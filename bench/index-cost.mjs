// @ts-check
// bench/index-cost.mjs - CPU µs per request of a least-connections index alone, MinIndex (segment
// tree) against BucketIndex (bucket queue), on the workload of `bench/touches.mjs --index`: one
// pick with its count up and one count down at a random busy server per request, 90% of the
// servers at 1 and the rest at 0, as at ρ = 0.9. The two run alternately in one process (median and
// range of 3 runs of 10⁶ requests each, after 2.5·10⁵ untimed), and must make the same picks from
// the same draws (a hash of the picks is compared). Not a test.
//
//   node bench/index-cost.mjs [--dist path/to/dist] [--servers 1000,10000,100000]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let dist = path.join(here, '../dist'), sizes = [1000, 10_000, 100_000];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dist') dist = path.resolve(args[++i]);
  else if (args[i] === '--servers') sizes = args[++i].split(',').map(Number);
  else { console.error(`index-cost.mjs: unknown argument ${args[i]}`); process.exit(2); }
}
const { MinIndex } = await import(path.join(dist, 'balancers/min-index.js'));
const { BucketIndex } = await import(path.join(dist, 'balancers/bucket-index.js'));
const { createStream } = await import(path.join(dist, 'random/rng.js'));

/** A workload over `index`: run(m) plays m requests and returns a hash of the picks. */
function workload(/** @type {any} */ index, /** @type {number} */ n) {
  const rng = createStream(1, 'touches'), keys = new Float64Array(n), busy = new Int32Array(n); // busy: servers at 1 or more
  let nb = 0, hash = 0;
  for (let s = 0; s < n; s++) if (s % 10 !== 0) keys[busy[nb++] = s] = 1;
  index.load(keys);
  return (/** @type {number} */ m) => {
    for (let k = 0; k < m; k++) {
      const s = index.pick(rng);
      hash = (Math.imul(hash, 31) + s) | 0;
      if (keys[s]++ === 0) busy[nb++] = s;
      index.set(s, keys[s]);
      const j = Math.floor(rng.next() * nb), t = busy[j];
      if (--keys[t] === 0) busy[j] = busy[--nb];
      index.set(t, keys[t]);
    }
    return hash;
  };
}

const cpu = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const fmt = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[1].toFixed(2)} (${s[0].toFixed(2)}–${s[2].toFixed(2)})`;
};
console.log(`Node ${process.version}; µs per request, median (min–max) of 3 × 10⁶ requests`);
console.log('| servers | MinIndex | BucketIndex |\n|---:|---:|---:|');
for (const n of sizes) {
  const runs = [workload(new MinIndex(n), n), workload(new BucketIndex(n), n)];
  const hashes = runs.map((run) => run(250_000));
  const us = [[], []];
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < 2; i++) {
      const t0 = cpu();
      hashes[i] = runs[i](1_000_000);
      us[i].push((cpu() - t0) / 1_000_000);
    }
  }
  if (hashes[0] !== hashes[1]) throw new Error(`index-cost.mjs: MinIndex and BucketIndex picked differently at ${n} servers`);
  console.log(`| ${n.toLocaleString('en')} | ${fmt(us[0])} | ${fmt(us[1])} |`);
}
