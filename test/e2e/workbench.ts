// What the UI-level e2e tests share: the command palette, quick picks, a fresh workbench per test with
// screenshots and the log channel on failure, and the Docker clusters they leave (none).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './harness';

const SHOTS = path.resolve(__dirname, '../../test-results');
// The local images the test runner provisions (these machines cannot pull), through the settings.
const LOCAL_IMAGES = { 'mesolite.images.runtime': process.env.MESOLITE_NODE_IMAGE, 'mesolite.images.zookeeper': process.env.MESOLITE_ZOOKEEPER_IMAGE };

/** Runs a command from the palette; until the extension host has registered it, the palette is reopened. */
export async function palette(page: Page, text: string, timeoutMs = 60_000): Promise<void> {
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

export async function pick(page: Page, text: string): Promise<void> {
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first().click();
}

/** Opens hello.app.json (the fixture, copied into the workspace) and clicks "Deploy to local cluster" above it. */
export async function deployThroughCodeLens(page: Page, workspace: string, timeoutMs = 30_000): Promise<void> {
  fs.copyFileSync(path.resolve(__dirname, '../fixtures/hello.app.json'), path.join(workspace, 'hello.app.json'));
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('hello.app.json');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'hello.app.json' }).first().waitFor();
  await page.keyboard.press('Enter');
  const lens = page.locator('.codelens-decoration a', { hasText: 'Deploy to local cluster' });
  await lens.waitFor({ timeout: timeoutMs });
  await lens.click();
}

/** Stop empties the views first and removes the containers while its notification shows: wait, then assert. */
export async function assertNoContainers(cluster: string, message: string): Promise<void> {
  const { clusterContainers } = await import('../../runtime/cluster/docker');
  const count = async () => (await clusterContainers(cluster)).length;
  const deadline = Date.now() + 120_000;
  while ((await count()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  assert.equal(await count(), 0, message);
}

/** Unique per run, so that concurrent runs on one Docker engine do not collide. */
export const clusterName = (name: string) => `e2e-${process.pid}-${name}`;

/**
 * Runs body in a fresh workbench with the extension, `shot(step)` saving test-results/<prefix>-<step>.png;
 * on failure saves a screenshot and prints the extension's log channel; `after` runs whatever happened.
 */
export async function withWorkbench(prefix: string, settings: Record<string, unknown>, body: (wb: Workbench, shot: (step: string) => Promise<unknown>) => Promise<void>, after?: () => Promise<void>): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const wb = await openWorkbench(settings);
  const shot = (step: string) => wb.page.screenshot({ path: path.join(SHOTS, `${prefix}-${step}.png`) });
  try {
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await body(wb, shot);
  } catch (e) {
    await shot('failure').catch(() => undefined); // the test's own error is what matters
    console.error(`--- the Mesolite log channel ---\n${wb.extensionLog()}`);
    throw e;
  } finally {
    await wb.close();
    await after?.();
  }
}

/** A fresh workbench for a cluster of that name; afterwards its Docker cluster is removed, whatever happened (only this test's own). */
export async function inWorkbench(name: string, settings: Record<string, unknown>, body: (wb: Workbench, shot: (step: string) => Promise<unknown>) => Promise<void>): Promise<void> {
  const cluster = clusterName(name);
  await withWorkbench(`ui-${name}`, { 'mesolite.clusterName': cluster, ...LOCAL_IMAGES, ...settings }, body, async () => {
    if (settings['mesolite.mode'] === 'docker') await (await import('../../runtime/cluster/docker')).removeCluster(cluster);
  });
}
