// Runs real VS Code (code-server from .cache, see scripts/provision-e2e.sh) in Debian's Chromium and
// executes an extension-host test module inside it, as VS Code's own browser integration tests do.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, '.cache/code-server/node_modules/code-server/out/node/entry.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

export interface Workbench {
  page: import('playwright-core').Page;
  workspace: string;
  /** What the extension wrote to its "Mesolite" log channel (errors of commands included): for failure reports. */
  extensionLog(): string;
  close(): Promise<void>;
}

/** code-server with the extension under development, opened in Chromium; payload adds e.g. extensionTestsPath. */
export async function openWorkbench(settings: Record<string, unknown>, payloadFor: (remote: (p: string) => string) => string[][] = () => [],
  onContext?: (context: import('playwright-core').BrowserContext) => Promise<void>): Promise<Workbench> {
  if (!fs.existsSync(ENTRY)) throw new Error(`code-server is missing at ${ENTRY}: run scripts/provision-e2e.sh`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-e2e-'));
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(dir, 'user/User'), { recursive: true });
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(dir, 'user/User/settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'extensions.autoUpdate': false, 'update.mode': 'none', ...settings,
  }));
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');
  const port = await freePort();
  const server = spawn(process.execPath, [ENTRY, '--config', path.join(dir, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', path.join(dir, 'user'), '--extensions-dir', path.join(dir, 'extensions'), '--disable-telemetry', workspace],
  { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await browser.close();
    try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* gone */ }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server, 60_000);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await onContext?.(context);
    const page = await context.newPage();
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(ROOT)], ...payloadFor(remote), ['skipWelcome', 'true']];
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const extensionLog = () => {
      const logs = path.join(dir, 'user/logs');
      const files = fs.existsSync(logs) ? fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(path.join('mesolite.mesolite', 'Mesolite.log'))) : [];
      return files.map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('\n');
    };
    return { page, workspace, extensionLog, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The extension's settings for a cluster of that many agents, its master and frameworks on free ports. */
export async function clusterSettings(mode: 'process' | 'docker', agents: number, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    'mesolite.mode': mode, 'mesolite.agents': agents, 'mesolite.masterPort': await freePort(), 'mesolite.marathonPort': await freePort(),
    'mesolite.chronosPort': await freePort(), ...extra,
  };
}

/** Builds dist/ (the extension and the CLI bundle it runs), as the extension-host tests load it. */
export function buildExtension(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

/** The fixture app JSON as a define for bundleSuite (HELLO_APP). */
export const HELLO_APP = JSON.stringify(fs.readFileSync(path.join(ROOT, 'test/fixtures/hello.app.json'), 'utf8'));

/** Bundles an extension-host module (its run() is what code-server calls) into .cache/e2e/<name>/index.js. */
export async function bundleSuite(entry: string, name: string, define: Record<string, string> = {}): Promise<string> {
  const outfile = path.join(ROOT, '.cache/e2e', name, 'index.js');
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning', define });
  return outfile;
}

/** Runs testsModule's run() in the extension host; resolves with its exit code and the logs. */
export async function runExtensionTests(testsModule: string, settings: Record<string, unknown>, timeoutMs = 180_000): Promise<{ code: number; logs: string[] }> {
  const logs: string[] = [];
  let finish!: (r: { code: number; logs: string[] }) => void;
  const done = new Promise<{ code: number; logs: string[] }>((resolve) => (finish = resolve));
  const wb = await openWorkbench(settings, (remote) => [['extensionTestsPath', remote(testsModule.replace(/\.js$/, ''))]], async (context) => {
    await context.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => logs.push(`${type}: ${args.map(String).join(' ')}`));
    await context.exposeFunction('codeAutomationExit', (code: number, extra?: string[]) => finish({ code, logs: [...logs, ...(extra ?? [])] }));
  });
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`extension tests did not finish in ${timeoutMs} ms\n${logs.join('\n')}`)), timeoutMs).unref());
    const result = await Promise.race([done, timeout]);
    if (result.code !== 0) result.logs.push('--- the Mesolite log channel ---', wb.extensionLog());
    return result;
  } finally {
    await wb.close();
  }
}
