// The Jobs view's commands: Run Job Now, Disable / Enable Job, Delete Job (after confirmation). Each
// takes the row it was invoked on, or asks which job.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { command } from './command';

function requireChronos(c: Controller) {
  const chronos = c.requireSession().chronos;
  if (!chronos) throw new Error('This cluster has no Chronos-compatible job framework configured');
  return chronos;
}

async function pickJob(c: Controller, arg: unknown): Promise<string | undefined> {
  const name = (arg as { status?: { job?: { name?: unknown } } } | undefined)?.status?.job?.name ?? arg;
  if (typeof name === 'string') return name;
  const jobs = [...(c.requireSession().jobs?.keys() ?? [])];
  if (jobs.length === 0) throw new Error('The job framework has no jobs');
  return vscode.window.showQuickPick(jobs, { placeHolder: 'Job' });
}

/** Runs a change to a job (false: the user called it off), then has the Jobs view read the jobs again. */
async function change(c: Controller, arg: unknown, act: (name: string) => Promise<unknown>): Promise<boolean> {
  const name = await pickJob(c, arg);
  if (!name || (await act(name)) === false) return false;
  c.requireSession().refreshJobs();
  return true;
}

export function register(c: Controller): vscode.Disposable {
  return vscode.Disposable.from(
    command(c, 'runJob', (arg?: unknown) => change(c, arg, (name) => requireChronos(c).runNow(name))),
    command(c, 'disableJob', (arg?: unknown) => change(c, arg, (name) => requireChronos(c).setDisabled(name, true))),
    command(c, 'enableJob', (arg?: unknown) => change(c, arg, (name) => requireChronos(c).setDisabled(name, false))),
    command(c, 'deleteJob', (arg?: unknown) => change(c, arg, async (name) => {
      if ((await vscode.window.showWarningMessage(`Delete job ${name} and kill its tasks?`, { modal: true }, 'Delete')) !== 'Delete') return false;
      await requireChronos(c).deleteJob(name);
    })),
  );
}
