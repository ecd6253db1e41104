// The main path as a user clicks it, in the workbench, in both modes: palette → Start Local Cluster →
// every agent in the Cluster view → CodeLens on an app JSON → task RUNNING → Show Task Logs shows its
// output → Stop from the status bar's actions. In Docker mode also ZooKeeper and three masters (the leader
// and two standbys) in the Cluster view, Show Container Logs, the members' output in the log channel, and
// Stop leaves no container of the cluster.
// Screenshots go to test-results/.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from './harness';
import { assertNoContainers, clusterName, deployThroughCodeLens, inWorkbench, palette, pick } from './workbench';

const AGENTS = 2;

for (const mode of ['process', 'docker'] as const) {
  test(`UI (${mode} mode): start, deploy through the CodeLens, read the logs in the webview, stop`, { timeout: 420_000 }, async () => {
    const settings = {
      'mesolite.mode': mode, 'mesolite.agents': AGENTS, 'mesolite.agentResources': 'cpus:1;mem:1024;disk:2000',
      'mesolite.masterPort': await freePort(), 'mesolite.marathonPort': await freePort(), 'mesolite.chronosPort': await freePort(),
    };
    await inWorkbench(mode, settings, async ({ page, workspace }, shot) => {
      await palette(page, 'Mesolite: Start Local Cluster');
      await palette(page, 'Mesolite: Focus on Cluster View');
      const container = page.locator('[id="workbench.view.extension.mesolite"]');
      const agents = container.locator('.monaco-list-row', { hasText: 'agent ' });
      await agents.nth(AGENTS - 1).waitFor({ timeout: 180_000 });
      assert.equal(await agents.count(), AGENTS, 'every agent, once, in the Cluster view');
      if (mode === 'docker') {
        assert.equal(await container.locator('.monaco-list-row', { hasText: 'zookeeper ' }).count(), 1, 'ZooKeeper in the Cluster view');
        // Docker mode starts the full cluster by default: three masters, one leading.
        const masters = container.locator('.monaco-list-row', { hasText: 'master ' });
        await masters.filter({ hasText: 'leader' }).waitFor({ timeout: 30_000 });
        assert.equal(await masters.filter({ hasText: 'leader' }).count(), 1, 'the leading master');
        assert.equal(await masters.filter({ hasText: 'standby' }).count(), 2, 'two standby masters');
      }
      await shot('1-cluster');

      await deployThroughCodeLens(page, workspace);
      await container.locator('.monaco-list-row', { hasText: 'TASK_RUNNING' }).first().waitFor({ timeout: 120_000 });
      await shot('2-running');

      const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await palette(page, 'Mesolite: Show Task Logs');
      await pick(page, 'hello.');
      await webview.locator('.xterm-rows', { hasText: 'hello from mesolite' }).waitFor({ timeout: 60_000 });
      await shot('3-logs');

      if (mode === 'docker') {
        // One webview at a time, so that the frame locator is unambiguous.
        await palette(page, 'View: Close Editor');
        await palette(page, 'Mesolite: Show Container Logs');
        await pick(page, 'agent-1');
        await webview.locator('.xterm-rows', { hasText: 'Registered with master' }).waitFor({ timeout: 60_000 });
        await shot('4-container-logs');
        // The members' output, followed into the "Mesolite" log channel.
        await palette(page, 'Output: Show Output Channels');
        await pick(page, 'Mesolite');
        await page.locator('.part.panel .view-lines', { hasText: /\[(zookeeper-1|master-1|agent-\d|marathon)\]/ }).waitFor({ timeout: 30_000 });
        await shot('5-log-channel');
      }

      // The status bar item's quick pick of actions.
      await page.locator('.statusbar-item', { hasText: `${AGENTS} agents` }).click();
      await pick(page, 'Stop Local Cluster');
      await agents.first().waitFor({ state: 'detached', timeout: 60_000 });
      if (mode === 'docker') await assertNoContainers(clusterName(mode), `no container labelled mesolite.cluster=${clusterName(mode)} remains`);
    });
  });
}

test('UI (docker mode): a cluster of the same name still running is connected to, then stopped', { timeout: 300_000 }, async () => {
  await inWorkbench('kept', { 'mesolite.mode': 'docker' }, async ({ page }) => {
    // As a window that chose "Keep Running After Close" leaves it.
    const { MesoliteCluster } = await import('../../runtime/cluster/docker');
    await new MesoliteCluster().withName(clusterName('kept')).withMasters(1).withAgents(1).withMarathon().start();
    await palette(page, 'Mesolite: Start Local Cluster');
    const notice = page.locator('.notifications-toasts .notification-list-item', { hasText: `A Docker cluster named '${clusterName('kept')}' is running` });
    await notice.locator('.monaco-button', { hasText: 'Connect' }).click({ timeout: 60_000 });
    await palette(page, 'Mesolite: Focus on Cluster View');
    const rows = page.locator('[id="workbench.view.extension.mesolite"] .monaco-list-row');
    await rows.filter({ hasText: 'agent ' }).first().waitFor({ timeout: 60_000 });
    assert.equal(await rows.filter({ hasText: 'leader' }).count(), 1, 'the leading master is marked');
    await palette(page, 'Mesolite: Stop Local Cluster');
    await rows.filter({ hasText: 'agent ' }).first().waitFor({ state: 'detached', timeout: 60_000 });
    await assertNoContainers(clusterName('kept'), 'Stop removes a cluster connected to by name, too');
  });
});

test('UI (docker mode): cancelling Start Local Cluster leaves nothing of the cluster', { timeout: 300_000 }, async () => {
  await inWorkbench('cancelled', { 'mesolite.mode': 'docker' }, async ({ page, extensionLog }) => {
    await palette(page, 'Mesolite: Start Local Cluster');
    // The start takes seconds; Cancel is clicked as soon as its notification shows.
    const cancel = page.locator('.notifications-toasts .notification-list-item .monaco-button', { hasText: 'Cancel' });
    await cancel.click({ timeout: 60_000 });
    await cancel.waitFor({ state: 'detached', timeout: 120_000 });
    const deadline = Date.now() + 60_000;
    while (!/Start cancelled/.test(extensionLog()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.match(extensionLog(), /Start cancelled; what was started is removed/);
    assert.equal(await page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'cancelled' }).count(), 0, 'a cancel is no error to show');
    await assertNoContainers(clusterName('cancelled'), 'a cancelled start removes what it started');
    assert.equal(await page.locator('.statusbar-item', { hasText: 'agents' }).count(), 0, 'no session after a cancelled start');
  });
});
