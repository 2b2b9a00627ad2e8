/**
 * A balancer written as one string, as the CLI's `--balancers` items, `run --balancer` and the
 * `balancer` axis of an experiment's grid take it: `name`, or `name:option=value[:option=value...]`
 * (values read as JSON when they parse, else as strings), e.g. `p2c:choices=3:metric=peak-ewma`.
 */
import { ScenarioError } from '../input/check.js';
import { balancerNames, getBalancer } from '../balancers/index.js';

/** `item` as a name (no options) or `{name, ...options}`, or a ScenarioError naming `path`. */
export function parseBalancerChoice(item: string, path: string): string | ({ name: string } & Record<string, unknown>) {
  const [name, ...pairs] = item.split(':');
  const info = getBalancer(name);
  if (!info) throw new ScenarioError(path, name, `known balancers: ${balancerNames().join(', ')}`);
  if (pairs.length === 0) return name;
  const choice: { name: string } & Record<string, unknown> = { name };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ScenarioError(path, item, 'name or name:option=value[:option=value...], e.g. p2c:choices=3');
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string such as peak-ewma
    }
    const key = pair.slice(0, eq);
    if (!info.options.includes(key)) {
      throw new ScenarioError(path, item, `options of ${info.name}: ${info.options.length ? info.options.join(', ') : 'it takes none'} (not ${JSON.stringify(key)})`);
    }
    if (Object.prototype.hasOwnProperty.call(choice, key)) throw new ScenarioError(path, item, `each option once (${key} is given twice)`);
    choice[key] = value;
  }
  return choice;
}
