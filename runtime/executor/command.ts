// Mesos' command executor: runs the one task (TaskInfo.command) it was started for.
import type { ExecutorEvent, TaskState } from '../common/protocol/v1';
import { BuiltinExecutor } from './builtin';

export class CommandExecutor extends BuiltinExecutor {
  protected onLaunch(event: ExecutorEvent): void {
    if (event.type !== 'LAUNCH') return this.options.log('The command executor runs single tasks only; ignoring LAUNCH_GROUP');
    if (this.processes.size > 0 && !this.processes.has(event.launch.task.task_id.value)) {
      return this.options.log(`Ignoring a second task ${event.launch.task.task_id.value}: a command executor runs one task`);
    }
    this.launch(event.launch.task, this.options.directory);
  }

  protected afterTaskExit(_taskId: string, _state: TaskState): void {}
}
