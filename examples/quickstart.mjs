// Three balancers, one workload (common random numbers), five seeds: mean ± 95% CI.
import { compare, comparisonRows, preset } from 'lbsim';

const scenario = preset('default');
scenario.stop.requests = 50_000;

const summaries = compare(scenario, ['round-robin', 'power-of-two', 'least-connections'], { seeds: [1, 2, 3, 4, 5] });
for (const row of comparisonRows(summaries)) {
  const ci = (i) => `${i.mean.toFixed(1)} ± ${i.halfWidth.toFixed(1)}`;
  console.log(`${row.balancer.padEnd(18)} mean ${ci(row.mean)} ms   p99 ${ci(row.p99)} ms`);
}
