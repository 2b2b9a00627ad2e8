// The element's own file (demo/lbsim-view.ts and what it imports statically) carries what a single
// pool's figure needs; topologies' and workflows' parsers and presets come with their scenes' files
// (dynamic imports). This walks the static imports the bundler follows into that file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Relative modules `file` imports for their values (not `import type`, not `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gm)) specs.push(m[1]);
  return specs.map((s) => {
    const js = resolve(dirname(file), s);
    const ts = js.replace(/\.js$/, '.ts');
    return existsSync(ts) ? ts : js;
  });
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (f.endsWith('.ts')) todo.push(...staticImports(f));
  }
  return new Set([...seen].map((f) => relative(root, f)));
}

/** Packages `file` imports for their values (bare specifiers: not relative, not `node:`). */
function packageImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'([^.'][^']*)'/gm)].map((m) => m[1]).filter((s) => !s.startsWith('node:'));
}

describe("the element's file", () => {
  const files = reachable(join(root, 'demo/lbsim-view.ts'));

  it('holds a single pool: its parser, its presets, its scene', () => {
    for (const f of ['src/scenario/pool-scenario.ts', 'src/scenario/pool-presets.ts', 'demo/scene-model.ts', 'demo/scenario-parse.ts']) expect(files, f).toContain(f);
  });

  it('carries no d3 package (its scales are demo/scale.ts: d3-scale would bring d3-color, -format, -interpolate and -array)', () => {
    const ts = [...files].filter((f) => f.endsWith('.ts'));
    expect(ts).toContain('demo/scale.ts');
    expect(ts.flatMap((f) => packageImports(join(root, f))).filter((p) => p.startsWith('d3'))).toEqual([]);
  });

  it("leaves out topologies' and workflows' parsers, presets, engines and scenes (their own files)", () => {
    const away = [
      'src/scenario/scenario.ts', 'src/scenario/topology-scenario.ts', 'src/scenario/topology-spec.ts', 'src/scenario/limit-spec.ts',
      'src/scenario/presets.ts', 'src/scenario/topology-presets.ts', 'src/workflow/presets.ts',
      'src/workflow/workflow-spec.ts', 'src/workflow/machine.ts', 'src/workflow/world.ts', 'src/model/topology.ts',
      'demo/topology-scene.ts', 'demo/workflow-scene.ts',
    ];
    for (const f of away) expect(existsSync(join(root, f)), f).toBe(true);
    expect(away.filter((f) => files.has(f))).toEqual([]);
  });
});
