/**
 * The JSON Schema (draft-07) of experiment files, for editors (`"$schema":
 * "./node_modules/lbsim/schema/experiment.schema.json"`). Built from the validator's lists and
 * bounds; an inline scenario refers to the scenario schema beside it (`scenario.schema.json`, as
 * the package ships both), so this file does not change when scenarios grow. As with scenarios, the validator
 * stays the authority: the schema checks structure (fields, types, ranges, metric names, path
 * syntax), not what needs the scenario (that a path fits it, that an arm is a valid scenario).
 */
import { MAX_STRING_LENGTH } from '../input/check.js';
import { MAX_REQUESTS } from '../scenario/scenario.js';
import type { JsonSchema } from '../scenario/scenario-schema.js';
import { MAX_SEEDS } from './compare.js';
import { MAX_AXIS_VALUES } from './experiment.js';
import { MAX_LOAD } from './load-setting.js';
import { RUN_METRICS, SERVICE_FIGURES } from './run-metrics.js';
import { PATH } from './scenario-path.js';

/** Where the scenario schema is, relative to this one (both ship in schema/). */
export const SCENARIO_SCHEMA_REF = 'scenario.schema.json';

/** A scenario path as the grid takes it (parsePath's syntax). */
export const PATH_PATTERN = PATH.source;

export function experimentSchema(): JsonSchema {
  const range = (min?: JsonSchema): JsonSchema => ({
    type: 'object',
    properties: { from: { type: 'number', ...min }, to: { type: 'number', ...min }, step: { type: 'number', exclusiveMinimum: 0 } },
    required: ['from', 'to', 'step'],
    additionalProperties: false,
    description: 'from, from + step, … up to to (included when on the step)',
  });
  const values = (items: JsonSchema = {}): JsonSchema => ({ type: 'array', items, minItems: 1, maxItems: MAX_AXIS_VALUES, uniqueItems: true });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'lbsim experiment',
    description: 'A base scenario, a grid of values by scenario path, seeds and metrics: lbsim sweep runs every combination on every seed.',
    type: 'object',
    additionalProperties: false,
    required: ['scenario'],
    properties: {
      $schema: { type: 'string' },
      name: { type: 'string', minLength: 1, maxLength: MAX_STRING_LENGTH, description: 'names the sweep in rows and tables (default: the scenario\'s name)' },
      description: { type: 'string', minLength: 1, maxLength: MAX_STRING_LENGTH },
      scenario: {
        description: 'a preset name, a scenario file (relative to the experiment file), or the scenario inline',
        anyOf: [{ type: 'string', minLength: 1 }, { $ref: SCENARIO_SCHEMA_REF }],
      },
      grid: {
        type: 'object',
        description: 'values by scenario path ("arrivals.ratePerSec", "servers[0].count"), as a list or a range {from, to, step}; "balancer" takes "name:option=value" strings or objects; "load" sets the arrival rate for that offered load',
        propertyNames: {
          anyOf: [{ const: 'load' }, { allOf: [{ pattern: PATH_PATTERN }, { not: { pattern: '^seed($|[.[])' } }, { not: { pattern: '(^|\\.)(__proto__|constructor|prototype)($|[.[])|\\["(__proto__|constructor|prototype)"\\]' } }] }],
        },
        properties: {
          load: { anyOf: [values({ type: 'number', exclusiveMinimum: 0, maximum: MAX_LOAD }), range({ exclusiveMinimum: 0, maximum: MAX_LOAD })] },
          balancer: values({ anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }] }),
        },
        additionalProperties: { anyOf: [values(), range()] },
      },
      seeds: {
        description: 'seeds every arm runs: a list, or a range "1..10" (default: the scenario\'s seed)',
        anyOf: [
          { type: 'array', items: { type: 'integer', minimum: 0, maximum: 2 ** 32 - 1 }, minItems: 1, maxItems: MAX_SEEDS, uniqueItems: true },
          { type: 'string', pattern: '^(\\d+\\.\\.\\d+|\\s*\\d+\\s*(,\\s*\\d+\\s*)*)$' },
        ],
      },
      requests: { type: 'integer', minimum: 1, maximum: MAX_REQUESTS, description: 'arrivals per run (overrides stop.requests)' },
      metrics: {
        type: 'array',
        items: { anyOf: [{ enum: RUN_METRICS.map((m) => m.name) }, { type: 'string', pattern: `^services\\.[^.]+\\.(${Object.keys(SERVICE_FIGURES).join('|')})$` }] },
        minItems: 1,
        uniqueItems: true,
        description: 'what rows report; for services calling services, the end-to-end view, and services.<name>.<figure> for one service',
      },
    },
  };
}
