// Bundles the CLI into dist/mesolite.js (one self-contained file that runs on Node 20+) and the VS Code
// extension into dist/extension.js (vscode left external); the extension runs the CLI bundle.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning' };
await Promise.all([
  build({ ...node, entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/mesolite.js', banner: { js: '#!/usr/bin/env node' } }),
  // jsonc-parser's UMD build hides its modules from the bundler: take its ESM build.
  build({ ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], mainFields: ['module', 'main'] }),
]);
chmodSync('dist/mesolite.js', 0o755);
