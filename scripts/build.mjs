// Bundles the CLI into dist/mesolite.js: one self-contained file that runs on Node 20+. The runtime
// image's Dockerfile goes beside it, so `mesolite up --docker` can build the image from dist/ alone.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';

await build({
  entryPoints: ['runtime/cli/main.ts'],
  outfile: 'dist/mesolite.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  banner: { js: '#!/usr/bin/env node' },
  // ssh2's optional native add-ons (only for ssh:// Docker hosts) fall back to JavaScript when absent.
  external: ['cpu-features', '*.node'],
  logLevel: 'warning',
});
chmodSync('dist/mesolite.js', 0o755);
copyFileSync('runtime/cluster/docker/runtime.Dockerfile', 'dist/runtime.Dockerfile');
