// Bundles the CLI into dist/mesolite.js: one self-contained file that runs on Node 20+. The Docker
// launcher (testcontainers and its dependencies, 5 MB) goes into dist/mesolite-docker.js, loaded only by
// the commands that handle Docker clusters, so daemons do not parse it on every start; the runtime
// image's Dockerfile goes beside them, so `mesolite up --docker` builds the image from dist/ alone.
// The VS Code extension goes into dist/extension.js (vscode left external) and runs the CLI bundle; its
// webviews are bundled for the browser. The offer-cycle debug adapter also runs alone over stdio, for
// other DAP clients: dist/mesolite-debug.js.
// node-pty (the agent's TTY sessions) is native: it stays out of the bundle, and its runtime files go to
// dist/node_modules/node-pty, where the bundle finds them in the extension, the Docker image and here.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning' };

const dockerLauncherApart = {
  name: 'docker-launcher-apart',
  setup(b) {
    b.onResolve({ filter: /\/cluster\/docker$/ }, () => ({ path: './mesolite-docker.js', external: true }));
  },
};

await Promise.all([
  build({ ...node, entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/mesolite.js', banner: { js: '#!/usr/bin/env node' }, external: ['node-pty'], plugins: [dockerLauncherApart] }),
  // ssh2's optional native add-ons (only for ssh:// Docker hosts) fall back to JavaScript when absent.
  build({ ...node, entryPoints: ['runtime/cluster/docker/index.ts'], outfile: 'dist/mesolite-docker.js', external: ['cpu-features', '*.node'] }),
  // jsonc-parser's UMD build hides its modules from the bundler: take its ESM build.
  build({ ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], mainFields: ['module', 'main'], plugins: [dockerLauncherApart] }),
  build({ ...node, entryPoints: ['extension/debug/main.ts'], outfile: 'dist/mesolite-debug.js', banner: { js: '#!/usr/bin/env node' } }),
  // The webviews run in the browser and are bundled apart from the extension.
  build({ entryPoints: ['webviews/logs/main.ts'], outfile: 'dist/webviews/logs.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' }),
]);
copyFileSync('node_modules/@xterm/xterm/css/xterm.css', 'dist/webviews/logs.css');
chmodSync('dist/mesolite.js', 0o755);
chmodSync('dist/mesolite-debug.js', 0o755);
copyFileSync('runtime/cluster/docker/runtime.Dockerfile', 'dist/runtime.Dockerfile');
// Its JavaScript (no tests or maps), the binary built here (Linux) and the prebuilt ones for macOS (agents are posix only).
const pty = 'node_modules/node-pty';
rmSync('dist/node_modules', { recursive: true, force: true });
for (const part of ['package.json', 'LICENSE', 'lib', 'build/Release/pty.node', 'prebuilds/darwin-arm64', 'prebuilds/darwin-x64']) {
  if (existsSync(`${pty}/${part}`)) cpSync(`${pty}/${part}`, `dist/${pty}/${part}`, { recursive: true, filter: (src) => !/\.(test\.js|map)$/.test(src) });
}
if (!existsSync(`dist/${pty}/build/Release/pty.node`)) console.warn('node-pty has no binary for this machine: agents here refuse TTY sessions');
