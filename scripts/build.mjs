// Bundles the CLI into dist/mesolite.js: one self-contained file that runs on Node 20+. The Docker
// launcher (testcontainers and its dependencies, 5 MB) goes into dist/mesolite-docker.js, loaded only by
// the commands that handle Docker clusters, so daemons do not parse it on every start; the runtime
// image's Dockerfile goes beside them, so `mesolite up --docker` builds the image from dist/ alone.
// The VS Code extension goes into dist/extension.js (vscode left external) and runs the CLI bundle; its
// webviews are bundled for the browser. The extension needs ZooKeeper (node-zookeeper-client and its
// dependencies, 220 KB) only for a zk:// master: runtime/client imports it lazily, from dist/mesolite-zk.js.
// The agents' Docker client (dockerode, 1 MB) is apart too, in dist/mesolite-dockerode.js.
// The offer-cycle debug adapter also runs alone over stdio, for other DAP clients: dist/mesolite-debug.js.
// node-pty (the agent's TTY sessions) is native: it stays out of the bundle, and its runtime files go to
// dist/node_modules/node-pty, where the bundle finds them in the extension, the Docker image and here.
//
// Each bundle records its own sources (dist/.inputs/<name>.json, from esbuild's metafile) so that
// `npm start` rebundles only when one of them is newer than the bundle (see staleBundles).
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning', metafile: true };

const dockerLauncherApart = {
  name: 'docker-launcher-apart',
  setup(b) {
    b.onResolve({ filter: /\/cluster\/docker$/ }, () => ({ path: './mesolite-docker.js', external: true }));
  },
};

/** The Docker engine's client (the agents' docker containerizer and executor) comes from dist/mesolite-dockerode.js, loaded lazily. */
const dockerClientApart = {
  name: 'docker-client-apart',
  setup(b) {
    b.onResolve({ filter: /\/common\/docker-client$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './mesolite-dockerode.js', external: true } : undefined));
  },
};

/** Lazy imports of runtime/zk/leader come from dist/mesolite-zk.js (static ones stay in the bundle). */
const zkApart = {
  name: 'zk-apart',
  setup(b) {
    b.onResolve({ filter: /\/zk\/leader$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './mesolite-zk.js', external: true } : undefined));
  },
};

// testcontainers reads Docker's streams with byline 5.0.0 (its last release), whose `new Buffer()` prints
// Node's DEP0005 warning on every Docker start: bundle it with Buffer.from, which does the same.
const bylineWithoutDeprecatedBuffer = {
  name: 'byline-buffer-from',
  setup(b) {
    b.onLoad({ filter: /[\\/]byline[\\/]lib[\\/]byline\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('new Buffer(', 'Buffer.from('),
      loader: 'js',
    }));
  },
};

/** node-pty's JavaScript (no tests or maps), the binary built here (Linux) and the prebuilt ones for macOS (agents are posix only). */
function copyNodePty() {
  const pty = 'node_modules/node-pty';
  rmSync('dist/node_modules', { recursive: true, force: true });
  for (const part of ['package.json', 'LICENSE', 'lib', 'build/Release/pty.node', 'prebuilds/darwin-arm64', 'prebuilds/darwin-x64']) {
    if (existsSync(`${pty}/${part}`)) cpSync(`${pty}/${part}`, `dist/${pty}/${part}`, { recursive: true, filter: (src) => !/\.(test\.js|map)$/.test(src) });
  }
  if (!existsSync(`dist/${pty}/build/Release/pty.node`)) console.warn('node-pty has no binary for this machine: agents here refuse TTY sessions');
}

/** Each bundle: esbuild's options, and what is copied beside it (also counted among its sources). */
const BUNDLES = {
  cli: {
    options: { ...node, entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/mesolite.js', banner: { js: '#!/usr/bin/env node' }, external: ['node-pty'], plugins: [dockerLauncherApart, dockerClientApart] },
    after: () => { chmodSync('dist/mesolite.js', 0o755); copyNodePty(); },
  },
  docker: {
    // ssh2's optional native add-ons (only for ssh:// Docker hosts) fall back to JavaScript when absent.
    options: { ...node, entryPoints: ['runtime/cluster/docker/index.ts'], outfile: 'dist/mesolite-docker.js', external: ['cpu-features', '*.node'], plugins: [bylineWithoutDeprecatedBuffer] },
    copies: [['runtime/cluster/docker/runtime.Dockerfile', 'dist/runtime.Dockerfile']],
  },
  // jsonc-parser's UMD build hides its modules from the bundler: take its ESM build.
  extension: {
    options: { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], mainFields: ['module', 'main'], plugins: [dockerLauncherApart, zkApart] },
  },
  dockerode: {
    options: { ...node, entryPoints: ['runtime/common/docker-client.ts'], outfile: 'dist/mesolite-dockerode.js', external: ['cpu-features', '*.node'] },
  },
  zk: {
    options: { ...node, entryPoints: ['runtime/zk/leader.ts'], outfile: 'dist/mesolite-zk.js' },
  },
  debug: {
    options: { ...node, entryPoints: ['extension/debug/main.ts'], outfile: 'dist/mesolite-debug.js', banner: { js: '#!/usr/bin/env node' } },
    after: () => chmodSync('dist/mesolite-debug.js', 0o755),
  },
  // The webviews run in the browser and are bundled apart from the extension.
  webviews: {
    options: { entryPoints: ['webviews/logs/main.ts'], outfile: 'dist/webviews/logs.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning', metafile: true },
    copies: [['node_modules/@xterm/xterm/css/xterm.css', 'dist/webviews/logs.css']],
  },
};

// Changes every bundle can depend on besides its own sources: the build itself and installed packages
// (npm rewrites node_modules/.package-lock.json on every install; package files keep old mtimes).
const SHARED_INPUTS = ['scripts/build.mjs', 'package.json', 'tsconfig.json', 'node_modules/.package-lock.json'];
const inputsFile = (name) => `dist/.inputs/${name}.json`;

export async function bundle(names = Object.keys(BUNDLES)) {
  const { build } = await import('esbuild');
  mkdirSync('dist/.inputs', { recursive: true });
  await Promise.all(names.map(async (name) => {
    const { options, copies = [], after } = BUNDLES[name];
    const { metafile } = await build(options);
    for (const [from, to] of copies) copyFileSync(from, to);
    after?.();
    const sources = Object.keys(metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
    writeFileSync(inputsFile(name), JSON.stringify([...sources, ...copies.map(([from]) => from)]));
  }));
}

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
};

/** The bundles among `names` that are missing or older than one of their sources. */
export function staleBundles(names) {
  return names.filter((name) => {
    const built = existsSync(inputsFile(name)) ? mtime(BUNDLES[name].options.outfile) : -Infinity;
    if (built === -Infinity || built === Infinity) return true;
    const sources = [...JSON.parse(readFileSync(inputsFile(name), 'utf8')), ...SHARED_INPUTS.filter(existsSync)];
    return sources.some((f) => mtime(f) > built);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
