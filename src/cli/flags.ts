/**
 * Command-line flags, shared by the commands: strict parsing (an unknown flag names the
 * command's own), integer flags in decimal digits, one positional argument. Errors are
 * UsageError (the usage hint follows) or ScenarioError naming the flag; both exit 2.
 */
import { parseArgs } from 'node:util';
import { ScenarioError } from '../input/check.js';

export class UsageError extends Error {}

/** Where a command writes: results to `out`, messages to `err`; `progress` when stderr is a terminal. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  progress: boolean;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

/** A flag's kind: one string, a switch, or a string that may be given several times. */
export type FlagKind = 'string' | 'boolean' | 'strings';

export function options(args: readonly string[], spec: Record<string, FlagKind>): { values: Flags; positionals: string[] } {
  const config = Object.fromEntries(Object.entries(spec).map(([k, kind]) => [k, kind === 'strings' ? { type: 'string' as const, multiple: true } : { type: kind }]));
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true });
    return { values: values as Flags, positionals };
  } catch (e) {
    const message = (e as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) {
      const known = Object.keys(spec).map((k) => `--${k}`).join(', ') || 'none';
      throw new UsageError(`unknown option ${unknown[1]} for this command (its options: ${known})`);
    }
    const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
    if (ambiguous) throw new UsageError(`${ambiguous[1]} needs a value that does not start with '-' (write ${ambiguous[1]}=VALUE)`);
    throw new UsageError(message);
  }
}

export const str = (v: Flags[string]): string | undefined => (typeof v === 'string' ? v : undefined);
export const strs = (v: Flags[string]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${positionals.length ? positionals.map((p) => JSON.stringify(p)).join(' ') : 'none'}`);
  return positionals[0];
}

/**
 * An integer flag: decimal digits, optionally grouped by `_` (1_000_000) and with an exponent
 * (1e6); nothing else (not `_`, `0x10`, `+5` or `1.5`), and within [min, max].
 */
export function integerFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!/^\d+(_\d+)*(\.\d+)?(e\+?\d+)?$/i.test(value) || !Number.isInteger(n) || n < min || n > max) {
    throw new ScenarioError(flag, value, `an integer from ${min} to ${max} in decimal digits (1000000, 1_000_000 or 1e6)`);
  }
  return n;
}
