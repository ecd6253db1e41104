// Mesos-style flags: --name=value, --name / --no-name for booleans, and MESOS_NAME environment variables
// (command-line flags win over the environment, as in Mesos).
import { parseDuration } from './duration';

export type FlagType = 'string' | 'int' | 'bool' | 'duration';

export interface FlagSpec {
  type: FlagType;
  help: string;
  default?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export class FlagError extends Error {}

export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]: S[K]['type'] extends 'bool' ? boolean : S[K]['type'] extends 'string' ? string | undefined : number | undefined;
};

function convert(name: string, spec: FlagSpec, raw: string): string | number | boolean {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'bool':
      if (raw === 'true' || raw === '') return true;
      if (raw === 'false') return false;
      throw new FlagError(`Flag '--${name}' expects true or false, got '${raw}'`);
    case 'int': {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new FlagError(`Flag '--${name}' expects an integer, got '${raw}'`);
      return n;
    }
    case 'duration':
      try {
        return parseDuration(raw);
      } catch (e) {
        throw new FlagError(`Flag '--${name}': ${(e as Error).message}`);
      }
  }
}

export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  /** Effective raw values for GET_FLAGS and /master/state. */
  raw: Record<string, string>;
  positional: string[];
}

/** Flags from argv over `<envPrefix><NAME>` variables (MESOS_* as Mesos; Marathon's are MARATHON_*) over defaults. */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: string[], env: NodeJS.ProcessEnv = process.env, envPrefix = 'MESOS_'): ParsedFlags<S> {
  const raw: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) raw[name] = spec.default;
  for (const name of Object.keys(specs)) {
    const fromEnv = env[`${envPrefix}${name.toUpperCase()}`];
    if (fromEnv !== undefined) raw[name] = fromEnv;
  }
  const positional: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value = eq < 0 ? '' : arg.slice(eq + 1);
    if (eq < 0 && name.startsWith('no-') && specs[name.slice(3)]?.type === 'bool') {
      name = name.slice(3);
      value = 'false';
    }
    const spec = specs[name];
    if (!spec) throw new FlagError(`Unknown flag '--${name}'`);
    if (eq < 0 && spec.type !== 'bool') throw new FlagError(`Flag '--${name}' needs a value: --${name}=VALUE`);
    raw[name] = value === '' && spec.type === 'bool' ? 'true' : value;
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    values[name] = raw[name] === undefined ? (spec.type === 'bool' ? false : undefined) : convert(name, spec, raw[name]);
  }
  return { values: values as FlagValues<S>, raw, positional };
}

export function flagsHelp(specs: FlagSpecs): string {
  return Object.entries(specs)
    .map(([name, spec]) => `  --${name}${spec.type === 'bool' ? '' : '=VALUE'}\n      ${spec.help}${spec.default !== undefined ? ` (default: ${spec.default})` : ''}`)
    .join('\n');
}
