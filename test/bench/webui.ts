// The master web UI at scale: a real master with 100 emulated agents (test/helpers/agent-emulator.ts)
// running 1,000 tasks, its dashboard opened in Debian's Chromium. Prints the time from navigation to the
// first paint of the dashboard with every running task counted (target 1 s), the bytes the page
// downloads, and what the web UI adds to the master's start (target 20 ms). Asserts nothing about time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createLogger } from '../../runtime/common/log';
import { Router } from '../../runtime/common/router';
import { mountWebUi } from '../../runtime/common/webui';
import { AgentEmulator } from '../helpers/agent-emulator';
import { launchChromium } from '../helpers/chromium';
import { commandTask, freePort, startDaemon, stopDaemon, TestCluster, TestScheduler, waitUntil } from '../helpers/cluster';

const AGENTS = 100;
const TASKS = 1000;
const RUNS = Number(process.env.RUNS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[], unit = 'ms') => `median ${median(xs).toFixed(1)} ${unit} (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, ${xs.length} runs)`;

async function runTasks(cluster: TestCluster): Promise<TestScheduler> {
  const sdk = new TestScheduler(cluster.masterAddress, { name: 'bench-webui' });
  let launched = 0;
  sdk.on('event', (e) => {
    if (e.type !== 'OFFERS') return;
    for (const offer of e.offers.offers) {
      const tasks = Array.from({ length: Math.min(10, TASKS - launched) }, () => commandTask(offer, `bench-${++launched}`, 'sleep 1000', 'cpus:0.1;mem:16'));
      // A lost launch shows as fewer running tasks, which the wait below reports.
      void (tasks.length ? sdk.launch(offer, tasks) : sdk.decline([offer.id.value])).catch(() => undefined);
    }
  });
  await sdk.subscribe();
  await waitUntil(`${TASKS} running tasks`, async () => {
    const state = await cluster.state();
    return state.frameworks.reduce((n, f) => n + f.tasks.filter((t) => t.state === 'TASK_RUNNING').length, 0) === TASKS;
  }, 120_000);
  return sdk;
}

async function firstPaint(url: string): Promise<{ paints: number[]; bytes: Map<string, number> }> {
  const browser = await launchChromium();
  const paints: number[] = [];
  const bytes = new Map<string, number>();
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      if (i === 0) {
        page.on('response', async (r) => {
          const pathname = new URL(r.url()).pathname;
          if (r.request().method() === 'GET' && !pathname.startsWith('/master/')) bytes.set(pathname, (await r.body().catch(() => Buffer.alloc(0))).length);
        });
      }
      await page.goto(url);
      // The dashboard with every task counted, measured in the page from its navigation start.
      // (globalThis as any: this file is type-checked without the DOM's types; strings would need eval, which the CSP forbids.)
      await page.waitForFunction((n) => (globalThis as any).document.querySelector('[data-state="TASK_RUNNING"]')?.textContent === String(n), TASKS, { timeout: 60_000, polling: 'raf' });
      paints.push(await page.evaluate(() => new Promise<number>((r) => (globalThis as any).requestAnimationFrame(() => r(performance.now())))));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { paints, bytes };
}

/** What the web UI adds to a master's start: mounting its routes (assets are read on first request). */
function mountCost(): number[] {
  const log = createLogger('bench', true);
  return Array.from({ length: 20 }, () => {
    const started = performance.now();
    mountWebUi(new Router(log), 'dashboard');
    return performance.now() - started;
  });
}

/** A master process from spawn to its first answer, for scale. */
async function masterStart(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const started = performance.now();
    const daemon = startDaemon(['master', '--ip=127.0.0.1', `--port=${port}`]);
    await waitUntil('the master', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 10_000);
    times.push(performance.now() - started);
    await stopDaemon(daemon);
  }
  return times;
}

function bundleShare(): string {
  const meta = path.resolve(__dirname, '../../dist/.inputs/cli.json');
  const bundle = path.resolve(__dirname, '../../dist/mesolite.js');
  if (!fs.existsSync(meta)) return 'unknown (build first)';
  const source = fs.statSync(path.resolve(__dirname, '../../runtime/common/webui.ts')).size;
  return `${(source / 1024).toFixed(1)} KB of source in a ${(fs.statSync(bundle).size / 1024 / 1024).toFixed(1)} MB bundle`;
}

async function main(): Promise<void> {
  const cluster = await TestCluster.start({ agents: 0 });
  let emulator: AgentEmulator | undefined;
  let sdk: TestScheduler | undefined;
  try {
    emulator = await AgentEmulator.start(cluster.masterUrl, AGENTS, { resources: 'cpus:2;mem:4096;disk:10000;ports:[31000-32000]' });
    sdk = await runTasks(cluster);
    console.log(`cluster: ${AGENTS} emulated agents, ${TASKS} running tasks`);
    const { paints, bytes } = await firstPaint(`${cluster.masterUrl}/`);
    console.log(`dashboard first paint with ${TASKS} tasks counted (navigation start to the frame after): ${range(paints)}`);
    const total = [...bytes.values()].reduce((a, b) => a + b, 0);
    const dist = path.resolve(__dirname, '../../dist/webui');
    const gzipped = fs.readdirSync(dist).filter((f) => /^(dashboard\.js|webui\.css|logs\.css)$/.test(f)).reduce((n, f) => n + gzipSync(fs.readFileSync(path.join(dist, f))).length, 0);
    console.log(`bytes shipped (static files of the page, uncompressed): ${(total / 1024).toFixed(1)} KB: ${[...bytes].map(([p, n]) => `${p} ${(n / 1024).toFixed(1)} KB`).join(', ')}; ${(gzipped / 1024).toFixed(1)} KB if gzipped`);
  } finally {
    await sdk?.teardown().catch(() => undefined); // the cluster stops next
    emulator?.stop();
    await cluster.stop();
  }
  console.log(`master start-up added by the web UI: mounting its routes ${range(mountCost().map((ms) => ms * 1000), 'µs')}; no file is read until a page is asked for; ${bundleShare()}`);
  console.log(`for scale, a master process from spawn to its first /health answer: ${range(await masterStart())}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
