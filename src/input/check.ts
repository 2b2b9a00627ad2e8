/**
 * Field checks for validating JSON input. Every failure throws a `ScenarioError` that names the
 * path (`servers[0].concurrency`), the value received and what was expected.
 */

export class ScenarioError extends Error {
  constructor(
    readonly path: string,
    readonly value: unknown,
    readonly expected: string,
    /** What was received, in words, in place of `value` when that must not be shown (a file's content). */
    got?: string,
  ) {
    super(printable(`${shortPath(path) || '(root)'}: got ${got ?? show(value)}, expected ${expected}`));
    this.name = 'ScenarioError';
  }
}

/**
 * Text from input made safe for a terminal: control characters (escape sequences, C1 controls,
 * line breaks) shown as '?'. Messages quote keys and file names as written, and a scenario file
 * may come from anyone.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** A path as shown in a message: an unknown key may be any length, the message stays one line. */
function shortPath(path: string): string {
  return path.length > 200 ? `${path.slice(0, 197)}...` : path;
}

/** A short, single-line rendering of a JSON value for error messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    // A long array is shown by its first items: stringifying all of it would cost its size.
    text = Array.isArray(value) && value.length > 20 ? `${JSON.stringify(value.slice(0, 20)).slice(0, -1)},...]` : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` must be a plain object whose keys are all in `allowed`. */
export function object(value: unknown, path: string, allowed: readonly string[]): Json {
  if (!isObject(value)) throw new ScenarioError(path, value, 'an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const known = allowed.length ? `known fields: ${allowed.join(', ')}` : 'it takes none';
      throw new ScenarioError(join(path, key), value[key], `no such field (${known})`);
    }
  }
  return value;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export interface NumberRule {
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound */
  above?: number;
  /** inclusive upper bound */
  max?: number;
  integer?: boolean;
}

function describe(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a finite number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  const parts: string[] = [];
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return [kind, parts.join(' and ')].filter(Boolean).join(' ');
}

/** A finite number obeying `rule`. */
export function number(value: unknown, path: string, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new ScenarioError(path, value, describe(rule));
  return value as number;
}

/** Field `key` of `obj` as a number; `fallback` when absent (required when no fallback). */
export function numberField(obj: Json, key: string, path: string, rule: NumberRule = {}, fallback?: number): number {
  const value = obj[key];
  if (value === undefined && fallback !== undefined) return fallback;
  return number(value, join(path, key), rule);
}

export function optionalNumberField(obj: Json, key: string, path: string, rule: NumberRule = {}): number | undefined {
  return obj[key] === undefined ? undefined : number(obj[key], join(path, key), rule);
}

/** Longest name accepted (names are printed in tables and file headers). */
export const MAX_STRING_LENGTH = 1000;

/**
 * Field `key` of `obj` as a non-empty string of at most MAX_STRING_LENGTH characters. Control
 * characters are kept (the data is the user's); whoever prints a name to a terminal makes it
 * printable (cli/format.ts `printable`).
 */
export function stringField(obj: Json, key: string, path: string, fallback?: string): string {
  const value = obj[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_STRING_LENGTH) {
    throw new ScenarioError(join(path, key), value, `a non-empty string of at most ${MAX_STRING_LENGTH} characters`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !options.includes(value as T)) {
    throw new ScenarioError(path, value, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
  }
  return value as T;
}

export function booleanField(obj: Json, key: string, path: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ScenarioError(join(path, key), value, 'true or false');
  return value;
}

export function array(value: unknown, path: string, minLength = 0): unknown[] {
  if (!Array.isArray(value) || value.length < minLength) {
    throw new ScenarioError(path, value, minLength > 0 ? `an array of at least ${minLength} item(s)` : 'an array');
  }
  return value;
}

/** An array of finite numbers obeying `rule`, at least `minLength` long. */
export function numberArray(value: unknown, path: string, rule: NumberRule = {}, minLength = 1): number[] {
  const items = array(value, path, minLength);
  return items.map((item, i) => number(item, join(path, i), rule));
}
