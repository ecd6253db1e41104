// Attach Terminal as a user clicks it, in real VS Code (code-server in Chromium): a process cluster, the
// sample app RUNNING, Attach Terminal from the Tasks view's context menu, `pwd` typed into the terminal
// shows the task's sandbox and `exit` closes it; Run Command in Task… keeps its output until a key;
// two terminals from the inline action, both closed with a message when the task is killed. Screenshots go to test-results/terminal-*.png.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson } from '../../runtime/common/http';
import { freePort } from './harness';
import { deployThroughCodeLens, palette, withWorkbench } from './workbench';

test('UI: Attach Terminal on a running task, type pwd, see its sandbox, exit closes the terminal; a killed task closes its terminals', { timeout: 300_000 }, async () => {
  const masterPort = await freePort();
  const settings = {
    'mesolite.mode': 'process', 'mesolite.agents': 1, 'mesolite.agentResources': 'cpus:1;mem:1024;disk:2000',
    'mesolite.masterPort': masterPort, 'mesolite.marathonPort': await freePort(), 'mesolite.chronosPort': await freePort(), 'mesolite.clusterName': `e2e-terminal-${process.pid}`,
    // The DOM renderer, so that the terminal's rows can be read.
    'terminal.integrated.gpuAcceleration': 'off',
  };
  await withWorkbench('terminal', settings, async ({ page, workspace }, shot) => {
    await palette(page, 'Mesolite: Start Local Cluster');
    await palette(page, 'Mesolite: Focus on Tasks View');
    const container = page.locator('[id="workbench.view.extension.mesolite"]');
    await container.locator('.monaco-list-row', { hasText: 'agent ' }).first().waitFor({ timeout: 120_000 }).catch(() => undefined);

    await deployThroughCodeLens(page, workspace, 60_000);
    const row = container.locator('.monaco-list-row', { hasText: 'TASK_RUNNING' }).first();
    await row.waitFor({ timeout: 120_000 });
    // The row shows a short id; the task's full id comes from the master.
    type Tasks = { frameworks: Array<{ tasks: Array<{ id: string; state: string }> }> };
    const running = (await getJson<Tasks>(`http://127.0.0.1:${masterPort}/master/state`)).frameworks.flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING');
    const taskId = running.find((t) => t.id.startsWith('hello.'))!.id;

    // Where the task's sandbox is, as its agent says.
    const state = await getJson<{ slaves: Array<{ hostname: string; port: number }> }>(`http://127.0.0.1:${masterPort}/master/state`);
    type AgentState = { frameworks: Array<{ executors: Array<{ id: string; directory: string }> }> };
    const agent = await getJson<AgentState>(`http://${state.slaves[0].hostname}:${state.slaves[0].port}/state`);
    const sandbox = agent.frameworks.flatMap((f) => f.executors).find((e) => e.id === taskId)?.directory;
    assert.ok(sandbox, `the agent runs ${JSON.stringify(taskId)}: ${JSON.stringify(agent.frameworks.flatMap((f) => f.executors.map((e) => e.id)))}`);

    await row.click({ button: 'right' });
    const item = page.locator('.context-view .action-label', { hasText: 'Attach Terminal' });
    await item.hover();
    await page.keyboard.press('Enter');
    const terminal = page.locator('.terminal-wrapper.active .xterm-rows');
    await terminal.waitFor({ timeout: 30_000 });
    await page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: taskId }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    await terminal.locator('div', { hasText: /[$#]/ }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.type('pwd; echo "task=$MESOS_TASK_ID"\n');
    // The path is longer than a row: the rows are read as one text.
    const shown = async () => (await terminal.innerText()).replace(/\n/g, '');
    const deadline = Date.now() + 30_000;
    while (!(await shown()).includes(`task=${taskId}`) && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok((await shown()).includes(`task=${taskId}`), `the terminal shows the task's environment: ${await shown()}`);
    assert.ok((await shown()).includes(sandbox), `the terminal shows the sandbox ${sandbox}: ${await shown()}`);
    await shot('1-pwd');

    await page.keyboard.type('exit\n');
    await terminal.waitFor({ state: 'detached', timeout: 30_000 });
    await shot('2-closed');

    // One command: its output stays until a key is pressed.
    await palette(page, 'Mesolite: Run Command in Task…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: taskId }).first().click();
    await page.locator('.quick-input-widget input').fill('echo "ran-$((2+3))"; exit 4');
    await page.keyboard.press('Enter');
    await terminal.locator('div', { hasText: 'press any key to close' }).first().waitFor({ timeout: 30_000 });
    assert.match(await terminal.innerText(), /ran-5[\s\S]*exited with code 4/);
    await shot('3-run-command');
    await page.keyboard.press('Space');
    await terminal.waitFor({ state: 'detached', timeout: 30_000 });

    // Two terminals at once from the inline action; killing the task closes both, saying so.
    const inline = row.locator('.action-label[aria-label="Attach Terminal"]');
    for (let n = 1; n <= 2; n++) {
      await row.hover();
      await inline.click();
      await page.locator('.terminal-wrapper.active .xterm-rows div', { hasText: /[$#]/ }).first().waitFor({ timeout: 30_000 });
    }
    await page.locator('.terminal-tabs-entry', { hasText: taskId }).nth(1).waitFor({ timeout: 30_000 });
    await shot('4-two-terminals');
    await row.click({ button: 'right' });
    await page.locator('.context-view .action-label', { hasText: 'Kill Task' }).hover();
    await page.keyboard.press('Enter');
    await page.locator('.notification-list-item-message', { hasText: `${taskId} is TASK_KILLED: its terminals were closed` }).waitFor({ timeout: 60_000 });
    await page.locator('.terminal-wrapper .xterm-rows').first().waitFor({ state: 'detached', timeout: 10_000 });
    await shot('5-task-ended');
    await palette(page, 'Mesolite: Stop Local Cluster');
  });
});
