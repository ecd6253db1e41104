// An executor host's task log (executor-hosts/<framework>/tasks.log): the host appends "started <pid>
// <task id>" when a task's process starts, the task's wrapper "exited <status> <task id>" when it ends.
// It outlives the host, so an agent still learns how its tasks ended and which processes to clean up.
// Appending costs a fraction of creating a file per task; lines are short single writes, so O_APPEND
// keeps them whole however many wrappers write at once (task ids have no control characters).
import * as fs from 'node:fs';

export interface LoggedTask { pid?: number; status?: number }

export function logTaskStarted(file: string, taskId: string, pid: number): void {
  fs.appendFileSync(file, `started ${pid} ${taskId}\n`);
}

/** The shell lines a task's wrapper runs to record its exit status ($code, $task) in $log. */
export const LOG_TASK_EXITED = 'echo "exited $code $task" >> "$log"';

/** Each task's latest pid and exit status (a task id can be used again once its task ended). */
export function readTaskLog(file: string): Map<string, LoggedTask> {
  const tasks = new Map<string, LoggedTask>();
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return tasks;
  }
  for (const line of text.split('\n')) {
    const match = /^(started|exited) (-?\d+) (.+)$/.exec(line);
    if (!match) continue;
    const [, what, n, taskId] = match;
    if (what === 'started') tasks.set(taskId, { pid: Number(n) });
    else tasks.set(taskId, { ...tasks.get(taskId), status: Number(n) });
  }
  return tasks;
}
