// Three balancers, one workload (common random numbers), five seeds: mean ± 95% CI.
import { compare, comparisonRows, preset } from 'lbsim';

const balancers = ['round-robin', 'power-of-two', 'least-connections'];
const summaries = compare(preset('default'), balancers, { seeds: [1, 2, 3, 4, 5], requests: 50_000 });
for (const row of comparisonRows(summaries)) {
  const [mean, p99] = [row.mean, row.p99].map((i) => `${i.mean.toFixed(1)} ± ${i.halfWidth.toFixed(1)}`);
  console.log(`${row.balancer.padEnd(18)} mean ${mean} ms   p99 ${p99} ms`);
}
