// The master's web UI in Debian's Chromium against a real process cluster: every page shows the
// cluster's real data (agents, a framework with a running task, a role's weight, an offer held by the
// framework, a maintenance window), the sandbox viewer follows a task's output, and the page stays live
// from the operator stream, also across a leader's death; the app framework's UI creates an app from its form, shows it scaled to 2
// and destroys it. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { getJson, postJson } from '../../runtime/common/http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandTask, freePort, startDaemon, stopDaemon, subscribedScheduler, TestCluster, waitUntil, type Daemon } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';
import { launchChromium, screenshot } from '../helpers/chromium';
import { MarathonDaemon } from '../helpers/marathon';

let browser: Browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

async function openPage(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // Uncaught exceptions of the page's code (a failed request is the page's to show, not an error here).
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const text = (page: Page, selector = 'main') => page.locator(selector).innerText();

async function until(page: Page, what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the page shows:\n${await text(page, 'body')}`);
    await page.waitForTimeout(100);
  }
}

test('every page of the master UI shows the cluster, live from the operator stream', async (t) => {
  const cluster = await TestCluster.start({ agents: 2 }, t);
  const scheduler = await subscribedScheduler(t, cluster, { name: 'webui-framework', roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] });
  const [offer] = await scheduler.offers();
  await scheduler.launch(offer, [commandTask(offer, 'ticker', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done')]);
  await scheduler.status('ticker', 'TASK_RUNNING');
  const window = { machine_ids: [{ hostname: 'rack-7.example', ip: '10.0.0.7' }], unavailability: { start: { nanoseconds: Date.now() * 1e6 + 3_600e9 } } };
  assert.equal((await postJson(`${cluster.masterUrl}/api/v1`, { type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule: { windows: [window] } } })).status, 200);

  assert.equal((await postJson(`${cluster.masterUrl}/api/v1`, { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'web', weight: 2 }] } })).status, 200);

  const page = await openPage(`${cluster.masterUrl}/`);
  await until(page, 'the live stream', async () => (await text(page, '#status')) === 'Live');
  await until(page, 'the running task', async () => (await page.locator('[data-state="TASK_RUNNING"]').innerText()) === '1');
  assert.match(await text(page), /ticker/);
  await screenshot(page, 'webui-dashboard');

  await page.goto(`${cluster.masterUrl}/#/frameworks`);
  await until(page, 'the framework', async () => /webui-framework/.test(await text(page)));
  await screenshot(page, 'webui-frameworks');
  await page.getByRole('link', { name: scheduler.frameworkId! }).first().click();
  await until(page, 'the framework page', async () => /Framework webui-framework[\s\S]*MULTI_ROLE[\s\S]*ticker/.test(await text(page)));
  await screenshot(page, 'webui-framework');

  await page.goto(`${cluster.masterUrl}/#/agents`);
  await until(page, 'both agents', async () => (await page.locator('#table-agents tbody tr').count()) === 2);
  await screenshot(page, 'webui-agents');
  await page.goto(`${cluster.masterUrl}/#/agents/${offer.agent_id.value}`);
  await until(page, 'the agent page', async () => /Agent [\s\S]*Total[\s\S]*Allocated[\s\S]*webui-framework[\s\S]*ticker/.test(await text(page)));
  await screenshot(page, 'webui-agent');

  await page.goto(`${cluster.masterUrl}/#/roles`);
  await until(page, 'the role with its weight', async () => (await text(page, '#table-roles')).split('\n').some((row) => /^web\t2\t1/.test(row)));
  await screenshot(page, 'webui-roles');

  await page.goto(`${cluster.masterUrl}/#/offers`);
  await until(page, 'an offer', async () => /Offers \([1-9]/.test(await text(page)) && /webui-framework/.test(await text(page, '#table-offers')));
  await screenshot(page, 'webui-offers');

  await page.goto(`${cluster.masterUrl}/#/maintenance`);
  await until(page, 'the maintenance window', async () => /rack-7\.example \(10\.0\.0\.7\)/.test(await text(page)));
  await screenshot(page, 'webui-maintenance');

  await page.goto(`${cluster.masterUrl}/#/allocation`);
  await until(page, 'the allocation cycles and share plot', async () => (await page.locator('#table-cycles tbody tr').count()) > 0
    && (await page.locator('polyline[data-series="web"]').count()) === 1);
  await screenshot(page, 'webui-allocation');
  await page.goto(`${cluster.masterUrl}/#/why/${scheduler.frameworkId}`);
  await until(page, 'the explanation', async () => /Why is webui-framework waiting\?/.test(await text(page)) && (await page.locator('.verdict').count()) === 1);
  await screenshot(page, 'webui-why');

  // The sandbox: listing, then the task's stdout followed live in the xterm.js viewer.
  await page.goto(`${cluster.masterUrl}/#/frameworks/${scheduler.frameworkId}`);
  await until(page, 'the sandbox link', async () => (await page.getByRole('link', { name: 'Sandbox' }).count()) > 0);
  await page.getByRole('link', { name: 'Sandbox' }).first().click();
  await until(page, 'the sandbox listing', async () => /stdout[\s\S]*Download/.test(await text(page)));
  assert.match(await text(page), /-rw/);
  await page.getByRole('link', { name: 'stdout', exact: true }).click();
  const ticks = async () => Math.max(0, ...[...(await text(page, '.xterm-rows')).matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
  await until(page, 'the file in the viewer', async () => (await ticks()) > 0);
  const first = await ticks();
  await until(page, 'new output followed', async () => (await ticks()) >= first + 3);
  await screenshot(page, 'webui-sandbox');
  const download = await page.request.get(`${cluster.masterUrl}${await page.getByRole('link', { name: 'Download' }).last().getAttribute('href')}`);
  assert.equal(download.status(), 200);
  assert.match(await download.text(), /^tick 1\n/);

  // Live: a task ending shows without reloading the page.
  await page.goto(`${cluster.masterUrl}/#/`);
  await scheduler.kill('ticker', offer.agent_id.value);
  await until(page, 'the killed task', async () => (await page.locator('[data-state="TASK_KILLED"]').innerText()) === '1');
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
});

test('the app framework UI creates an app from its form, shows its instances scaled to 2, and destroys it', async (t) => {
  const cluster = await TestCluster.start({ agents: 2 }, t);
  const marathon = await MarathonDaemon.start(cluster.masterAddress);
  t.after(() => marathon.stop());
  const page = await openPage(`${marathon.url}/`);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  await until(page, 'the live event stream', async () => (await text(page, '#status')) === 'Live');

  await page.getByRole('link', { name: 'Create Application' }).click();
  // The schema (the API's and the editor's) refuses a bad definition in the browser, naming the field.
  await page.fill('#f-id', '/web/hello');
  await page.fill('#f-cmd', 'while true; do echo hello; sleep 1; done');
  await page.fill('#f-cpus', '-1');
  await page.click('#submit-app');
  await until(page, 'the schema error', async () => /\/cpus: must be >= 0/.test(await text(page, '#form-errors')));
  await page.fill('#f-cpus', '0.1');
  await page.fill('#f-mem', '32');
  // JSON mode shows the same definition; back to the form keeps it.
  await page.click('#json-mode');
  assert.match(await page.inputValue('#f-json'), /"id": "\/web\/hello"/);
  await page.click('#json-mode');
  await screenshot(page, 'webui-apps-create');
  await page.click('#submit-app');
  await until(page, 'the app page', async () => /\/web\/hello/.test(await text(page, 'main h2')));
  await marathon.running('/web/hello', 1);

  // Scaled with the REST call the guides show; the page follows from /v2/events.
  assert.equal((await marathon.api('PUT', '/v2/apps/web/hello', { instances: 2 })).status, 200);
  await until(page, 'two running instances', async () => (await page.locator('#table-instances tbody tr', { hasText: 'TASK_RUNNING' }).count()) === 2, 30_000);
  assert.match(await text(page, '.app-status'), /Running|Deploying/);
  await screenshot(page, 'webui-apps-app');

  await page.goto(`${marathon.url}/ui/#/`);
  await until(page, 'the apps list', async () => /\/web\/hello\t0\.1\t32 MB\tRunning\t2 of 2/.test(await text(page, '#table-apps')));
  await screenshot(page, 'webui-apps-list');
  await page.goto(`${marathon.url}/ui/#/groups`);
  await until(page, 'the group', async () => /\/web\t1\t2/.test(await text(page, '#table-groups')));

  await page.goto(`${marathon.url}/ui/#/apps/web/hello`);
  await until(page, 'the app page again', async () => (await page.locator('#action-destroy').count()) === 1);
  page.once('dialog', (d) => void d.accept());
  await page.click('#action-destroy');
  await until(page, 'the app gone from the list', async () => (await text(page, '#table-apps')).includes('None'), 30_000);
  assert.equal((await marathon.api('GET', '/v2/apps/web/hello')).status, 404);
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
});

test('a follower sends the browser to the leader, and the dashboard stays live when that leader dies', async (t) => {
  const zk = await ZooKeeperServer.start();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-webui-ha-'));
  const daemons: Daemon[] = [];
  t.after(async () => {
    for (const d of daemons.reverse()) await stopDaemon(d);
    await zk.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });
  const ports = [await freePort(), await freePort(), await freePort()];
  const masters = new Map(ports.map((port) => [port, startDaemon(['master', '--ip=127.0.0.1', `--port=${port}`, `--zk=${zk.url()}`, '--quorum=2', '--zk_session_timeout=2secs', '--allocation_interval=100ms'])]));
  daemons.push(...masters.values());
  daemons.push(startDaemon(['agent', `--master=${zk.url()}`, '--ip=127.0.0.1', `--port=${await freePort()}`, `--work_dir=${path.join(workDir, 'agent')}`, '--resources=cpus:2;mem:1024;ports:[34000-34099]']));
  const leaderPort = async (except?: number) => waitUntil('a leading master', async () => {
    for (const port of ports.filter((p) => p !== except)) {
      const s = await getJson<{ pid: string; leader: string; activated_slaves: number }>(`http://127.0.0.1:${port}/master/state`).catch(() => undefined);
      if (s?.leader && s.leader === s.pid && s.activated_slaves === 1) return port;
    }
    return undefined;
  }, 30_000);
  const leader = await leaderPort();
  const follower = ports.find((p) => p !== leader)!;

  const page = await openPage(`http://127.0.0.1:${follower}/#/agents`);
  await until(page, 'the leader\'s live page', async () => new URL(page.url()).port === String(leader) && (await text(page, '#status')) === 'Live');
  await until(page, 'the agent', async () => (await page.locator('#table-agents tbody tr').count()) === 1);

  await stopDaemon(masters.get(leader), 'SIGKILL');
  const next = await leaderPort(leader);
  await until(page, 'the new leader\'s live page', async () => new URL(page.url()).port === String(next) && (await text(page, '#status')).startsWith('Live'), 40_000);
  // Live from the new leader's stream: a framework that subscribes now shows up without a reload.
  await page.goto(`http://127.0.0.1:${next}/#/frameworks`);
  await until(page, 'live again', async () => (await text(page, '#status')) === 'Live');
  await subscribedScheduler(t, `127.0.0.1:${next}`, { name: 'after-failover' }, 'teardown-may-fail');
  await until(page, 'the new framework', async () => /after-failover/.test(await text(page)));
  await screenshot(page, 'webui-failover');
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
});
