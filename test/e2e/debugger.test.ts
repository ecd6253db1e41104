// The offer-cycle debugger in real VS Code (code-server in Chromium), as a user clicks it: a process
// cluster, Run and Debug → the Mesolite debugger, stopped on entry, F10 once (the Variables view shows
// the next cycle), a function breakpoint `offer marathon` hit once an app is deployed, Stop (allocation
// resumes on the master). Screenshots go to test-results/.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from './harness';
import { palette, pick, withWorkbench } from './workbench';

async function masterState(port: number): Promise<{ allocation_paused: boolean }> {
  return (await fetch(`http://127.0.0.1:${port}/master/state`)).json() as Promise<{ allocation_paused: boolean }>;
}

/** The number in the Variables view's "This cycle (N)" scope. */
async function shownCycle(page: Page): Promise<number> {
  const row = page.locator('.debug-pane .monaco-list-row', { hasText: 'This cycle (' }).first();
  await row.waitFor({ timeout: 30_000 });
  return Number(/This cycle \((\d+)\)/.exec(await row.innerText())![1]);
}

test('UI: debug offers from the Run view — stop on entry, F10, Variables, a function breakpoint, Stop resumes allocation', { timeout: 300_000 }, async () => {
  const [masterPort, marathonPort] = [await freePort(), await freePort()];
  const settings = {
    'mesolite.mode': 'process', 'mesolite.agents': 2, 'mesolite.agentResources': 'cpus:2;mem:1024;disk:2000',
    'mesolite.masterPort': masterPort, 'mesolite.marathonPort': marathonPort, 'mesolite.chronosPort': await freePort(),
  };
  await withWorkbench('debugger', settings, async ({ page }, shot) => {
    await palette(page, 'Mesolite: Start Local Cluster');
    await palette(page, 'Mesolite: Focus on Cluster View');
    await page.locator('[id="workbench.view.extension.mesolite"] .monaco-list-row', { hasText: 'agent ' }).nth(1).waitFor({ timeout: 180_000 });

    // Run and Debug without a launch.json: pick the Mesolite debugger; it targets the connected cluster.
    await palette(page, 'View: Show Run and Debug');
    await page.locator('.debug-view-content .monaco-button, .welcome-view-content .monaco-button', { hasText: 'Run and Debug' }).first().click({ timeout: 30_000 });
    await pick(page, 'Mesolite: Offer Cycles');
    const callStack = page.locator('.debug-call-stack .monaco-list-row');
    await callStack.filter({ hasText: 'Allocator' }).first().waitFor({ timeout: 60_000 });
    // The stop's description labels the thread: "Paused at cycle N".
    await callStack.filter({ hasText: /Allocator.*Paused at cycle \d+/is }).first().waitFor({ timeout: 30_000 });
    assert.equal((await masterState(masterPort)).allocation_paused, true, 'attaching paused allocation');
    const entry = await shownCycle(page);
    await shot('1-entry');

    await page.keyboard.press('F10');
    await page.locator('.debug-pane .monaco-list-row', { hasText: `This cycle (${entry + 1})` }).waitFor({ timeout: 30_000 });
    await callStack.filter({ hasText: `cycle ${entry + 1} · step` }).first().waitFor({ timeout: 30_000 });
    // A value in the Variables view: the Frameworks scope names the app framework with its share.
    await page.locator('.debug-pane .monaco-list-row', { hasText: 'Frameworks' }).first().click();
    await page.locator('.debug-pane .monaco-list-row', { hasText: /marathon.*share \d/ }).first().waitFor({ timeout: 30_000 });
    await shot('2-step-over');

    // The "+" in the Breakpoints view's title (shown on hover).
    await page.locator('.pane-header', { hasText: 'Breakpoints' }).hover();
    await page.locator('.pane-header .action-label[aria-label="Add Function Breakpoint"]').click();
    const input = page.locator('.debug-breakpoints .monaco-inputbox input, .debug-pane .monaco-inputbox input').first();
    await input.fill('offer marathon');
    await input.press('Enter');
    await page.locator('.debug-breakpoints .monaco-list-row', { hasText: 'offer marathon' }).waitFor({ timeout: 30_000 });
    const deployed = await fetch(`http://127.0.0.1:${marathonPort}/v2/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: '/dbg', cmd: 'sleep 600', cpus: 0.1, mem: 32 }) });
    assert.equal(deployed.status, 201);
    await page.keyboard.press('F5');
    await page.locator('.debug-call-stack', { hasText: /Paused on (function )?breakpoint/i }).waitFor({ timeout: 60_000 });
    await callStack.filter({ hasText: /offer O\d+ → marathon on S\d/ }).first().waitFor({ timeout: 30_000 });
    await shot('3-breakpoint');

    await page.keyboard.press('Shift+F5');
    await callStack.first().waitFor({ state: 'detached', timeout: 30_000 });
    const deadline = Date.now() + 10_000;
    while ((await masterState(masterPort)).allocation_paused && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal((await masterState(masterPort)).allocation_paused, false, 'Stop resumed allocation');
    await palette(page, 'Mesolite: Stop Local Cluster');
  });
});
