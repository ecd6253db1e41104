// The main path as a user clicks it, in the workbench: palette → Start Local Cluster → agents in the
// Cluster view → CodeLens on an app JSON → task RUNNING → Show Task Logs shows its output. Screenshots
// go to test-results/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort, openWorkbench } from './harness';

const SHOTS = path.resolve(__dirname, '../../test-results');

/** Runs a command from the palette; until the extension host has registered it, the palette is reopened. */
async function palette(page: Page, text: string, timeoutMs = 60_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await input.fill(`>${text}`);
    try {
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await input.press('Enter');
}

test('UI: start, deploy through the CodeLens, read the task log in the webview', { timeout: 240_000 }, async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const wb = await openWorkbench({ 'mesolite.mode': 'process', 'mesolite.masterPort': await freePort(), 'mesolite.marathonPort': await freePort() });
  const { page } = wb;
  try {
    fs.copyFileSync(path.resolve(__dirname, '../fixtures/hello.app.json'), path.join(wb.workspace, 'hello.app.json'));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await palette(page, 'Mesolite: Start Local Cluster');
    await palette(page, 'Mesolite: Focus on Cluster View');
    const container = page.locator('[id="workbench.view.extension.mesolite"]');
    await container.locator('.monaco-list-row', { hasText: 'agent ' }).nth(1).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, 'ui-1-cluster.png') });

    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('hello.app.json');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'hello.app.json' }).first().waitFor();
    await page.keyboard.press('Enter');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Deploy to local cluster' });
    await lens.waitFor({ timeout: 30_000 });
    await lens.click();
    await container.locator('.monaco-list-row', { hasText: 'TASK_RUNNING' }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, 'ui-2-running.png') });

    await palette(page, 'Mesolite: Show Task Logs');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'hello.' }).first().click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('.xterm-rows', { hasText: 'hello from mesolite' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, 'ui-3-logs.png') });
    await palette(page, 'Mesolite: Stop Local Cluster');
    await container.locator('.monaco-list-row', { hasText: 'agent ' }).first().waitFor({ state: 'detached', timeout: 30_000 });
  } catch (e) {
    await page.screenshot({ path: path.join(SHOTS, 'ui-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await wb.close();
  }
});
