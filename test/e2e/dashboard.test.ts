// The master web UI inside VS Code (code-server + Chromium), process mode: Mesolite: Open Dashboard shows
// the cluster's pages in a webview panel, live through the extension host; Open in Browser opens the
// leading master's real URL. Screenshots go to test-results/.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from './harness';
import { inWorkbench, palette } from './workbench';

const AGENTS = 2;

test('UI (process mode): Open Dashboard shows the master UI in a panel, live; Open in Browser opens the leader', { timeout: 300_000 }, async () => {
  const masterPort = await freePort();
  const settings = { 'mesolite.mode': 'process', 'mesolite.agents': AGENTS, 'mesolite.agentResources': 'cpus:1;mem:1024;disk:2000', 'mesolite.masterPort': masterPort, 'mesolite.marathonPort': await freePort() };
  await inWorkbench('dashboard', settings, async ({ page }, shot) => {
    await palette(page, 'Mesolite: Start Local Cluster');
    await palette(page, 'Mesolite: Focus on Cluster View');
    const container = page.locator('[id="workbench.view.extension.mesolite"]');
    await container.locator('.monaco-list-row', { hasText: 'agent ' }).nth(AGENTS - 1).waitFor({ timeout: 180_000 });

    await palette(page, 'Mesolite: Open Dashboard');
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await webview.locator('#status', { hasText: /^Live$/ }).waitFor({ timeout: 60_000 });
    await webview.getByRole('link', { name: 'Agents', exact: true }).click();
    await webview.locator('#table-agents tbody tr').nth(AGENTS - 1).waitFor({ timeout: 30_000 });
    assert.equal(await webview.locator('#table-agents tbody tr').count(), AGENTS);
    await shot('1-dashboard-agents');

    // Open in Browser: VS Code asks before opening an external site; the new tab is the master's UI.
    const opened = page.context().waitForEvent('page', { timeout: 30_000 });
    await palette(page, 'Mesolite: Open in Browser');
    const dialog = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ });
    await dialog.click({ timeout: 10_000 }).catch(() => undefined); // no dialog when the domain is trusted
    const tab = await opened;
    await tab.waitForLoadState();
    // code-server forwards a local port through its own (/proxy/<port>/): the page works under that prefix too.
    const url = new URL(tab.url());
    assert.ok(url.port === String(masterPort) || url.pathname.startsWith(`/proxy/${masterPort}/`), tab.url());
    await tab.locator('#status', { hasText: /^Live$/ }).waitFor({ timeout: 30_000 });
    await tab.locator('#table-dash-active').waitFor();
    await tab.screenshot({ path: 'test-results/ui-dashboard-2-browser.png' });
  });
});
