import { describe, expect, it, vi } from 'vitest';

// As in the built element (vite.config.ts, `--mode embed`): the registry starts with the element's own policies.
vi.mock('../../src/balancers/builtins.js', async () => await import('../../demo/element-builtins.js'));

const { BUILTIN_BALANCERS: ELEMENT } = await import('../../demo/element-builtins.js');
const { getBalancer, balancerNames } = await import('../../src/balancers/registry.js');
const { MORE_POLICIES, isPolicy, loadPolicies, needsPolicies, policyNames } = await import('../../demo/policies.js');
const { resolveSource } = await import('../../demo/scenario-source.js');

type Info = { name: string; aliases?: readonly string[] };
const { BUILTIN_BALANCERS: LIBRARY } = await vi.importActual<{ BUILTIN_BALANCERS: readonly Info[] }>('../../src/balancers/builtins.js');

const keyed = (name: string) => ({ servers: [{ count: 2 }], keys: { dist: 'uniform', count: 10 }, balancer: { name } });

// One file, in this order: the loads below change the registry for the tests after them.
describe("the element's two files of policies", () => {
  it('before the second file: the element lists and accepts every policy, and says when a scenario needs the file', () => {
    expect(getBalancer('maglev')).toBeUndefined();
    expect(balancerNames().sort()).toEqual(ELEMENT.map((b) => b.name).sort());
    expect(policyNames().sort()).toEqual(LIBRARY.map((b) => b.name).sort());
    for (const b of LIBRARY) for (const n of [b.name, ...(b.aliases ?? [])]) expect(isPolicy(n), n).toBe(true);
    expect(isPolicy('no-such-policy')).toBe(false);

    expect(needsPolicies(keyed('maglev'))).toBe(true);
    expect(needsPolicies(keyed('round-robin'))).toBe(false);
    expect(needsPolicies(keyed('p2c'))).toBe(false);
    expect(needsPolicies(keyed('round-robin'), ['least-connections', 'ketama'])).toBe(true);
    expect(needsPolicies(null, ['jiq'])).toBe(true);
    expect(needsPolicies('first')).toBe(true);
    // A service's balancer in a topology, given by name alone.
    expect(needsPolicies({ services: { a: { servers: [{ count: 1 }], balancer: 'chwbl' } } })).toBe(true);
    expect(needsPolicies({ services: { a: { servers: [{ count: 1 }], balancer: 'random' } } })).toBe(false);
    // Object keys are not names: a field called "first" names no policy.
    expect(needsPolicies({ first: 1 })).toBe(false);
  });

  it('before the second file: an unknown name, in the scenario or in `balancers`, is told with every policy the element can run', async () => {
    const scenario = (name: string) => JSON.stringify({ ...keyed(name), arrivals: { process: 'poisson', ratePerSec: 5 }, service: { dist: 'exponential', meanMs: 100 }, stop: { timeMs: 1000 } });
    for (const [text, balancers] of [[scenario('no-such-policy'), null], [scenario('round-robin'), 'random, no-such-policy']]) {
      const r = await resolveSource({ scenario: text, balancers });
      expect(r.ok).toBe(false);
      const listed = (r as { error: string }).error.replace(/.*a known balancer: /, '').split(', ');
      expect(listed.sort()).toEqual(LIBRARY.map((b) => b.name).sort());
    }
    expect(getBalancer('maglev')).toBeUndefined();
  });

  it('walks hostile JSON without overflowing the stack or looping: nested 200,000 deep, and a cycle', () => {
    let deep: unknown = 'maglev';
    for (let i = 0; i < 200_000; i++) deep = i % 2 === 0 ? [deep] : { x: deep };
    expect(needsPolicies(deep)).toBe(true);
    const cyclic: Record<string, unknown> = { balancer: { name: 'round-robin' } };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, cyclic];
    expect(needsPolicies(cyclic)).toBe(false);
  });

  it('after loading it: every built-in policy is registered, in the same list, and nothing more is needed', async () => {
    const before = policyNames();
    await loadPolicies();
    for (const b of LIBRARY) expect(getBalancer(b.name)?.name, b.name).toBe(b.name);
    expect(policyNames()).toEqual(before);
    expect(needsPolicies(keyed('maglev'), ['ketama', 'edf'])).toBe(false);
  });

  it("(after loading) together hold the library's built-in policies, each once, and MORE_POLICIES names the second file's with their aliases", async () => {
    const { LOADED_POLICIES } = await import('../../demo/more-policies.js');
    const names = (list: readonly Info[]) => list.map((b) => b.name);
    expect([...names(ELEMENT), ...names(LOADED_POLICIES)].sort()).toEqual(names(LIBRARY).sort());
    expect(Object.fromEntries(LOADED_POLICIES.map((b) => [b.name, [...(b.aliases ?? [])]]))).toEqual(MORE_POLICIES);
  });
});
