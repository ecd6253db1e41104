// Mesos' default executor: runs task groups (LAUNCH_GROUP), each task in its own sandbox under
// tasks/<task_id>; when one task fails or is killed, the rest of its group is killed too.
import * as path from 'node:path';
import type { ExecutorEvent, TaskState } from '../common/protocol/v1';
import { BuiltinExecutor } from './builtin';

export class DefaultExecutor extends BuiltinExecutor {
  protected onLaunch(event: ExecutorEvent): void {
    if (event.type !== 'LAUNCH_GROUP') return this.options.log('The default executor runs task groups only; ignoring LAUNCH');
    for (const task of event.launch_group.task_group.tasks) this.launch(task, path.join(this.options.directory, 'tasks', task.task_id.value));
  }

  /** As Mesos' default executor: once it killed a task for failing its health checks, every task ending after says `healthy: false`. */
  protected override endsUnhealthy(): boolean {
    return this.killedForHealth.size > 0;
  }

  protected afterTaskExit(_taskId: string, state: TaskState): void {
    if (state === 'TASK_FINISHED') return;
    for (const taskId of this.processes.keys()) if (!this.terminal.has(taskId)) this.kill(taskId);
  }
}
