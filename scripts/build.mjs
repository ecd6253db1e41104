// Bundles the CLI into dist/mesolite.js: one self-contained file that runs on Node 20+.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

await build({
  entryPoints: ['runtime/cli/main.ts'],
  outfile: 'dist/mesolite.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync('dist/mesolite.js', 0o755);
