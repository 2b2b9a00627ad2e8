/**
 * A policy's options, written once: each option's kind, range and default. The same spec
 * validates a scenario's options (errors name the path), fills in defaults, and describes the
 * policy in `lbsim list` and the scenario JSON Schema.
 */
import { ScenarioError, booleanField, join, number, object, oneOf, type NumberRule } from '../input/check.js';
import type { BalancerFactory } from './balancer.js';
import type { BalancerInfo } from './registry.js';

export type OptionRule =
  | ({ type: 'number'; default?: number; note?: string } & NumberRule)
  | { type: 'boolean'; default?: boolean; note?: string }
  | { type: 'enum'; values: readonly string[]; default?: string; note?: string };

export type OptionSpec = Readonly<Record<string, OptionRule>>;

type ValueOf<R> = R extends { type: 'number' } ? number
  : R extends { type: 'boolean' } ? boolean
  : R extends { type: 'enum'; values: readonly (infer V)[] } ? V
  : never;

/** The options' values: defaults filled in; an option without a default is undefined when absent. */
export type OptionValues<S extends OptionSpec> = {
  [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** Checks `options` against `spec` (unknown names refused) and returns their values. */
export function readOptions<S extends OptionSpec>(spec: S, options: Record<string, unknown>, path: string): OptionValues<S> {
  const o = object(options, path, Object.keys(spec));
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(spec)) {
    const value = o[key];
    if (value === undefined) {
      out[key] = rule.default;
      continue;
    }
    switch (rule.type) {
      case 'number':
        out[key] = number(value, join(path, key), rule);
        break;
      case 'boolean':
        out[key] = booleanField(o, key, path, false);
        break;
      case 'enum':
        out[key] = oneOf(value, join(path, key), rule.values);
        break;
    }
  }
  return out as OptionValues<S>;
}

/** Refuses option `key` (given as `value`) unless `allowed`, saying why. */
export function requireFor(allowed: boolean, path: string, key: string, value: unknown, why: string): void {
  if (!allowed && value !== undefined) throw new ScenarioError(join(path, key), value, why);
}

/** A built-in policy's registry entry: option names and defaults come from its spec. */
export function policy(entry: {
  name: string;
  aliases?: readonly string[];
  description: string;
  keyed?: boolean;
  /** False: the policy never reads `ctx.outstanding` (see BalancerInfo.readsOutstanding). */
  readsOutstanding?: boolean;
  /** False: the policy's `observe` never reads `ctx.outstanding` (see BalancerInfo.observeReadsOutstanding). */
  observeReadsOutstanding?: boolean;
  /** True: picks depend on the pool alone (see BalancerInfo.poolOnly). */
  poolOnly?: boolean;
  options?: OptionSpec;
  create: BalancerFactory;
}): BalancerInfo {
  const spec = entry.options ?? {};
  const defaults: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(spec)) {
    if (rule.note !== undefined) defaults[key] = rule.note;
    else if (rule.default !== undefined) defaults[key] = rule.default;
  }
  const info: BalancerInfo = { name: entry.name, description: entry.description, options: Object.keys(spec), optionSpec: spec, create: entry.create };
  if (entry.aliases) info.aliases = entry.aliases;
  if (Object.keys(defaults).length) info.defaults = defaults;
  if (entry.keyed) info.keyed = true;
  if (entry.readsOutstanding === false) info.readsOutstanding = false;
  if (entry.observeReadsOutstanding === false) info.observeReadsOutstanding = false;
  if (entry.poolOnly) info.poolOnly = true;
  return info;
}
