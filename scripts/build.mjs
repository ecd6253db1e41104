// Bundles the CLI into dist/mesolite.js (one self-contained file that runs on Node 20+) and the VS Code
// extension into dist/extension.js (vscode left external); the extension runs the CLI bundle.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning' };
await Promise.all([
  build({ ...node, entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/mesolite.js', banner: { js: '#!/usr/bin/env node' } }),
  // jsonc-parser's UMD build hides its modules from the bundler: take its ESM build.
  build({ ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], mainFields: ['module', 'main'] }),
  // The webviews run in the browser and are bundled apart from the extension.
  build({ entryPoints: ['webviews/logs/main.ts'], outfile: 'dist/webviews/logs.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' }),
]);
copyFileSync('node_modules/@xterm/xterm/css/xterm.css', 'dist/webviews/logs.css');
chmodSync('dist/mesolite.js', 0o755);
