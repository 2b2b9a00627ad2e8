/** Validation of a service's `limit`: `{"static": n}` or `{"aimd": {...}}` (see ConcurrencyLimit). */
import { ScenarioError, isObject, join, numberField, object } from '../input/check.js';
import { AIMD_DEFAULTS, type LimitConfig } from '../model/concurrency-limit.js';
import { MAX_CLIENT_MS } from './client-spec.js';

export type { LimitConfig } from '../model/concurrency-limit.js';

export const LIMIT_FIELDS = ['static', 'aimd'] as const;
export const AIMD_FIELDS = ['initialLimit', 'minLimit', 'maxLimit', 'backoffRatio', 'timeoutMs'] as const;
const MAX_LIMIT = 10_000_000;

export function parseLimit(value: unknown, path: string): LimitConfig {
  const expected = '{"static": n} or {"aimd": {"initialLimit", "minLimit", "maxLimit", "backoffRatio", "timeoutMs"}}';
  const o = object(value, path, LIMIT_FIELDS);
  if ((o.static === undefined) === (o.aimd === undefined)) throw new ScenarioError(path, value, expected);
  if (o.static !== undefined) return { static: numberField(o, 'static', path, { integer: true, min: 1, max: MAX_LIMIT }) };
  const p = join(path, 'aimd');
  if (!isObject(o.aimd)) throw new ScenarioError(p, o.aimd, 'an object (every field optional, defaults as Netflix\'s AIMDLimit)');
  const x = object(o.aimd, p, AIMD_FIELDS);
  const minLimit = numberField(x, 'minLimit', p, { integer: true, min: 1, max: MAX_LIMIT }, AIMD_DEFAULTS.minLimit);
  const maxLimit = numberField(x, 'maxLimit', p, { integer: true, min: minLimit, max: MAX_LIMIT }, Math.max(minLimit, AIMD_DEFAULTS.maxLimit));
  return {
    aimd: {
      initialLimit: numberField(x, 'initialLimit', p, { integer: true, min: minLimit, max: maxLimit }, Math.min(maxLimit, Math.max(minLimit, AIMD_DEFAULTS.initialLimit))),
      minLimit,
      maxLimit,
      backoffRatio: numberField(x, 'backoffRatio', p, { min: 0.5, max: 0.999 }, AIMD_DEFAULTS.backoffRatio), // Netflix: [0.5, 1)
      timeoutMs: numberField(x, 'timeoutMs', p, { above: 0, max: MAX_CLIENT_MS }, AIMD_DEFAULTS.timeoutMs), // as a client's timeoutMs
    },
  };
}
