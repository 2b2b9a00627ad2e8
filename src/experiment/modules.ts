/**
 * Modules a run needs besides lbsim, such as one registering a custom balancer: imported by
 * this thread and by every worker before its first run. A path (relative to the working
 * directory: `./m.mjs`, or `m.mjs` when that file exists) becomes a file URL; URLs and package
 * names are imported as given.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioError, join } from '../input/check.js';

export function moduleUrl(spec: string): string {
  return spec.startsWith('.') || isAbsolute(spec) || existsSync(resolve(spec)) ? pathToFileURL(resolve(spec)).href : spec;
}

/**
 * Imports `specs` in order (once per thread: modules are cached); a ScenarioError names the one
 * that fails (`path`, or `path[i]` when there are several or the path is an option's).
 */
export async function importModules(specs: readonly string[], path = '--require'): Promise<void> {
  for (let i = 0; i < specs.length; i++) {
    try {
      await import(moduleUrl(specs[i]));
    } catch (e) {
      const reason = String((e as Error)?.message ?? e).split('\n')[0];
      throw new ScenarioError(specs.length > 1 || path !== '--require' ? join(path, i) : path, specs[i], `a module that can be imported (${reason})`);
    }
  }
}
