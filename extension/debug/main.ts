// dist/mesolite-debug.js: the offer-cycle debug adapter on stdin/stdout, for any DAP client (nvim-dap,
// Emacs dap-mode, Helix). `--master=HOST:PORT|zk://...` names the master when the attach arguments don't.
import { OfferDebugSession } from './session';

const args = process.argv.slice(2);
const master = args.find((a) => a.startsWith('--master='))?.slice('--master='.length);
if (args.some((a) => a === '--help' || a === '-h')) {
  process.stderr.write('Usage: mesolite-debug [--master=HOST:PORT|zk://host:port/mesos]  (speaks DAP on stdin/stdout)\n');
  process.exit(0);
}
const session = new OfferDebugSession({ master });
// A client that goes away without disconnecting still leaves allocation running.
process.on('SIGTERM', () => session.shutdown());
process.on('SIGINT', () => session.shutdown());
session.start(process.stdin, process.stdout);
