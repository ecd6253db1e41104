// Bundles the CLI into dist/mesolite.js: one self-contained file that runs on Node 20+. The Docker
// launcher (testcontainers and its dependencies, 5 MB) goes into dist/mesolite-docker.js, loaded only by
// the commands that handle Docker clusters, so daemons do not parse it on every start; the runtime
// image's Dockerfile goes beside them, so `mesolite up --docker` builds the image from dist/ alone.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
};

const dockerLauncherApart = {
  name: 'docker-launcher-apart',
  setup(b) {
    b.onResolve({ filter: /\/cluster\/docker$/ }, () => ({ path: './mesolite-docker.js', external: true }));
  },
};

await build({
  ...common,
  entryPoints: ['runtime/cli/main.ts'],
  outfile: 'dist/mesolite.js',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [dockerLauncherApart],
});
await build({
  ...common,
  entryPoints: ['runtime/cluster/docker/index.ts'],
  outfile: 'dist/mesolite-docker.js',
  // ssh2's optional native add-ons (only for ssh:// Docker hosts) fall back to JavaScript when absent.
  external: ['cpu-features', '*.node'],
});
chmodSync('dist/mesolite.js', 0o755);
copyFileSync('runtime/cluster/docker/runtime.Dockerfile', 'dist/runtime.Dockerfile');
