// A first run as a user sees it in the workbench (issue 16, items 12-15), process mode: the "cluster up"
// message goes away by itself and "keep running" is in Cluster Actions; a task's state shows beside its
// short label at the default side-bar width; the Apps view shows the app and scales it from its row's
// inline action; a Logs panel open while the cluster stops says once that it is gone and stops following.
// Screenshots go to test-results/.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { freePort } from './harness';
import { deployThroughCodeLens, inWorkbench, palette, pick } from './workbench';

const AGENTS = 2;

/** The rows of one view of the Mesolite container, by its title. */
const viewRows = (page: Page, title: string) =>
  page.locator('[id="workbench.view.extension.mesolite"] .pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`) }) }).locator('.monaco-list-row');

/** Whether the row's description starts with text, shown whole (not cut off by the view's width). */
async function startsVisible(row: Locator, text: string): Promise<boolean> {
  return row.locator('.label-description').evaluate((el, text) => {
    const node = el.firstChild;
    if (!node?.textContent?.startsWith(text)) return false;
    const range = el.ownerDocument.createRange();
    range.setStart(node, 0);
    range.setEnd(node, text.length);
    const container = el.closest('.monaco-icon-label-container') ?? el.parentElement!;
    return range.getBoundingClientRect().right <= container.getBoundingClientRect().right + 0.5;
  }, text);
}

test('UI (process mode): a passing "cluster up", short task labels with their state, the Apps view scales, the Logs panel stops with the cluster', { timeout: 420_000 }, async () => {
  const settings = {
    'mesolite.mode': 'process', 'mesolite.agents': AGENTS, 'mesolite.agentResources': 'cpus:1;mem:1024;disk:2000',
    'mesolite.masterPort': await freePort(), 'mesolite.marathonPort': await freePort(), 'mesolite.chronosPort': await freePort(),
  };
  await inWorkbench('first-run', settings, async ({ page, workspace }, shot) => {
    await palette(page, 'Mesolite: Start Local Cluster');
    // Item 15: said in the status bar, no notification waiting for an answer, gone by itself.
    const up = page.locator('.statusbar-item', { hasText: 'Mesolite cluster up' });
    await up.waitFor({ timeout: 180_000 });
    await shot('1-up');
    assert.equal(await page.locator('.notifications-toasts .notification-list-item', { hasText: 'Keep Running' }).count(), 0, 'no notification with a sticky button');
    await up.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: `${AGENTS} agents` }).click();
    await pick(page, 'Keep Running After Close');
    await page.locator('.statusbar-item', { hasText: 'keeps running after this window closes' }).waitFor({ timeout: 10_000 });

    await palette(page, 'Mesolite: Focus on Cluster View');
    await deployThroughCodeLens(page, workspace);
    // Item 13: the short label, and the state beside it, whole, at the default side-bar width.
    const task = viewRows(page, 'Tasks').filter({ hasText: /hello\.[0-9a-f]{8}/ }).filter({ hasText: 'TASK_RUNNING' }).first();
    await task.waitFor({ timeout: 120_000 });
    assert.match(await task.locator('.label-name').innerText(), /^hello\.[0-9a-f]{8}$/);
    assert.ok(await startsVisible(task, 'TASK_RUNNING'), 'the state is not cut off');
    await shot('2-tasks');

    // Item 14: the app, its counts, Scale from the row's inline action.
    const app = viewRows(page, 'Apps').filter({ hasText: '/hello' });
    await app.filter({ hasText: '1/1 running' }).waitFor({ timeout: 60_000 });
    await app.hover();
    await app.locator('.action-label[aria-label^="Scale App"]').click();
    await page.locator('.quick-input-widget input').fill('2');
    await page.keyboard.press('Enter');
    await app.filter({ hasText: '2/2 running' }).waitFor({ timeout: 120_000 });
    await shot('3-apps');

    // Item 12: a Logs panel open when the cluster stops says so once, then nothing more.
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await palette(page, 'Mesolite: Show Task Logs');
    await pick(page, 'hello.');
    const terminal = webview.locator('.xterm-rows');
    await terminal.filter({ hasText: 'hello from mesolite' }).waitFor({ timeout: 60_000 });
    await palette(page, 'Mesolite: Stop Local Cluster');
    await terminal.filter({ hasText: 'no longer following' }).waitFor({ timeout: 60_000 });
    // The old follower retried twice a second: give it time to show up if it still did.
    await new Promise((r) => setTimeout(r, 3_000));
    await shot('4-logs-after-stop');
    const text = await terminal.innerText();
    assert.equal(text.split('no longer following').length - 1, 1, `said once:\n${text}`);
    assert.doesNotMatch(text, /ECONNREFUSED/);
  });
});
