/**
 * Paths into a scenario's JSON, written as errors name fields: `arrivals.ratePerSec`,
 * `servers[0].count`, `client.retries.budget.ratio`, and in a topology
 * `services.user-db.servers[0].count` (service names may hold "-") and `calls["api->db"].timeoutMs`
 * (an edge's key, quoted). An experiment's grid sets values at them.
 */
import { ScenarioError, isObject } from '../input/check.js';

export type PathKey = string | number;

/** The path syntax (the experiment schema's pattern is its source). */
export const PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*|\[\d{1,7}\]|\["[^"\\\u0000-\u001f]{1,200}"\])*$/;
/** Keys that would reach an object's prototype instead of a field. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** The keys of `path` ("servers[0].count" → ["servers", 0, "count"]), or a ScenarioError naming `at`. */
export function parsePath(path: string, at: string): PathKey[] {
  if (path.length > 200 || !PATH.test(path)) {
    throw new ScenarioError(at, path, 'a path into the scenario such as "arrivals.ratePerSec", "servers[0].count" or calls["api->db"].timeoutMs (field names joined by ".", array items as [i], other keys quoted as ["key"])');
  }
  const keys = [...path.matchAll(/\["([^"]*)"\]|\[(\d+)\]|([^.[\]]+)/g)].map((m): PathKey => (m[2] !== undefined ? Number(m[2]) : m[1] ?? m[3]));
  const bad = keys.find((k) => typeof k === 'string' && FORBIDDEN.has(k));
  if (bad !== undefined) throw new ScenarioError(at, path, `a path of scenario fields (not ${JSON.stringify(bad)})`);
  return keys;
}

/**
 * Sets `value` at `keys` in `json` (changed in place: pass a copy you own). Missing objects on
 * the way are created; an array item must exist. A ScenarioError names `at` when the path runs
 * through something that is not an object or array, or past an array's end.
 */
export function setAtPath(json: Record<string, unknown>, keys: readonly PathKey[], value: unknown, at: string, path: string): void {
  let node: unknown = json;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i], last = i === keys.length - 1;
    const where = keys.slice(0, i).reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k), '') || '(root)';
    if (typeof key === 'number') {
      if (!Array.isArray(node)) throw new ScenarioError(at, path, `a path that matches the scenario (${where} is not an array)`);
      if (key >= node.length) throw new ScenarioError(at, path, `a path that matches the scenario (${where} has ${node.length} item${node.length === 1 ? '' : 's'})`);
      if (last) node[key] = value;
      else node = node[key];
    } else {
      if (!isObject(node)) throw new ScenarioError(at, path, `a path that matches the scenario (${where} is not an object)`);
      if (last) node[key] = value;
      else {
        if (node[key] === undefined) node[key] = {};
        node = node[key];
      }
    }
  }
}
