// The Jobs view: the job framework's jobs with their last status, state and schedule (or parents), the
// next run, the last success and error; Run Now, Disable/Enable and Delete on each row.
import * as vscode from 'vscode';
import type { JobStatus } from '../jobs-feed';
import { jobDescription, naturalCompare, nextRun } from './labels';
import { TreeView } from './view';

const ICONS: Record<string, string> = { success: 'pass-filled', failure: 'error', fresh: 'circle-outline' };

export class JobItem extends vscode.TreeItem {
  constructor(readonly status: JobStatus) {
    super(status.job.name, vscode.TreeItemCollapsibleState.None);
    const { job, summary } = status;
    this.id = `job:${job.name}`;
    this.description = jobDescription(status);
    this.iconPath = new vscode.ThemeIcon(summary?.state.endsWith('running') ? 'sync~spin' : job.disabled ? 'circle-slash' : ICONS[summary?.status ?? 'fresh']);
    this.tooltip = [
      job.name, job.command,
      job.parents?.length ? `parents: ${job.parents.join(', ')}` : `schedule: ${job.schedule}`,
      `next run: ${nextRun(job.schedule) ?? 'none'}`,
      `successes: ${job.successCount}, last ${job.lastSuccess || 'never'}`,
      `errors: ${job.errorCount}, last ${job.lastError || 'never'}`,
    ].join('\n');
    this.contextValue = job.disabled ? 'job.disabled' : 'job';
  }
}

export class JobsView extends TreeView<JobItem> {
  readonly parts = ['jobs'] as const;

  getChildren(parent?: JobItem): JobItem[] {
    const jobs = this.c.session?.jobs;
    if (!jobs || parent) return [];
    return [...jobs.values()].sort((a, b) => naturalCompare(a.job.name, b.job.name)).map((s) => new JobItem(s));
  }
}
