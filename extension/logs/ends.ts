// Log sources that know when to stop: when the session ends (the cluster stopped, disconnected or
// replaced) every log of its cluster ends, saying so once, instead of retrying a gone agent twice a second;
// a task's log ends after the task did, once what it wrote last is read.
import type { FilesClient } from '../../runtime/client/files';
import type { Task } from '../../runtime/common/protocol/v1';
import type { ClusterSession } from '../session';
import type { LogSource } from './panel';

export const CLUSTER_GONE = 'The cluster is gone (stopped or disconnected): no longer following.';
const READ_BYTES = 64 * 1024;

/** source, ended when the session ends. */
export function whileConnected(session: ClusterSession, source: LogSource): LogSource {
  return (stream, onData, onError, onEnd) => {
    if (session.isEnded) {
      onEnd(CLUSTER_GONE);
      return { stop: () => undefined };
    }
    const inner = source(stream, onData, onError, onEnd);
    const listener = session.onDidEnd(() => { inner.stop(); onEnd(CLUSTER_GONE); });
    return { stop: () => { listener.dispose(); inner.stop(); } };
  };
}

/** Why the task's log has nothing more to come, if it has not: the task ended or the master forgot it. */
function taskEnd(session: ClusterSession, task: Task): string | undefined {
  const same = (t: Task) => t.task_id.value === task.task_id.value && t.framework_id.value === task.framework_id.value;
  const tasks = session.state?.get_tasks;
  if (!tasks || tasks.tasks.some(same)) return undefined;
  const ended = tasks.completed_tasks.find(same);
  return ended ? `The task ended (${ended.state}): no longer following.` : 'The task is gone: no longer following.';
}

/** The task's sandbox file (stdout, stderr), read at the offsets the agent's /files/read gives, every intervalMs. */
export function taskLog(session: ClusterSession, files: FilesClient, sandbox: string, task: Task, intervalMs = 500): LogSource {
  return whileConnected(session, (stream, onData, onError, onEnd) => {
    let offset = 0;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const step = async () => {
      // Looked at before reading: what the task wrote before it ended is in this read.
      const end = taskEnd(session, task);
      try {
        for (;;) {
          const chunk = await files.read(`${sandbox}/${stream}`, offset, READ_BYTES);
          if (stopped || chunk.data.length === 0) break;
          offset = chunk.offset + Buffer.byteLength(chunk.data);
          onData(chunk.data);
        }
      } catch (e) {
        onError((e as Error).message);
      }
      if (stopped) return;
      if (end) onEnd(end);
      else timer = setTimeout(step, intervalMs);
    };
    void step();
    return { stop: () => { stopped = true; clearTimeout(timer); } };
  });
}
