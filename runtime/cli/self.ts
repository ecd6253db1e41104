// How a person runs this very mesolite from a shell, for the commands the CLI prints (banners, hints):
// `mesolite` when the one on PATH is this bundle, `npx mesolite` inside its clone (npx finds the
// project's own bin), else node with the bundle's path. Printed commands must work as printed.
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

const real = (file: string) => {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
};

/** Where the person typed the command: npm run sets INIT_CWD to where `npm start` was typed. */
export const shellDir = () => real(process.env.INIT_CWD ?? process.cwd()) ?? process.cwd();

/** The directory the bundle (dist/mesolite.js) came with: the clone, or the installed extension. */
export const packageDir = () => path.dirname(path.dirname(real(process.argv[1]) ?? process.argv[1]));

export function selfCommand(): string {
  if (cached) return cached;
  const bundle = real(process.argv[1]) ?? process.argv[1];
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => real(path.join(dir, 'mesolite')));
  if (onPath.find(Boolean) === bundle) return (cached = 'mesolite');
  const clone = packageDir();
  const inClone = path.basename(path.dirname(bundle)) === 'dist' && fs.existsSync(path.join(clone, 'package.json'))
    && (shellDir() === clone || shellDir().startsWith(clone + path.sep));
  return (cached = inClone ? 'npx mesolite' : `node ${quote(bundle)}`);
}

export const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
