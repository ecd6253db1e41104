// npm start: `mesolite up` from the bundle, rebundled first (esbuild alone, about a second) only when a
// source is newer than it. The type-check belongs to `npm run build` and `npm test`: it takes seconds
// and changes nothing that runs.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, staleBundles } from './build.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The banner's commands are written for the shell this was started from (npm sets INIT_CWD itself).
process.env.INIT_CWD ??= process.cwd();
process.chdir(root);
// What the CLI loads lazily goes with it: the Docker launcher (`npm start -- --docker`), the agents'
// Docker client (they take Docker tasks when an engine answers) and the ZooKeeper client (--masters=3).
const stale = staleBundles(['cli', 'docker', 'dockerode', 'zk']);
if (stale.length > 0) {
  process.stdout.write('Bundling dist/mesolite.js (sources changed)...\n');
  await bundle(stale);
}
// Run the CLI in this process: a second Node start would cost another ~50 ms before anything happens.
const cli = path.join(root, 'dist/mesolite.js');
process.argv = [process.argv[0], cli, 'up', ...process.argv.slice(2)];
createRequire(import.meta.url)(cli);
