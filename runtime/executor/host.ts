// The executor host: one process per framework on an agent, running that framework's command and
// default executors as logical executors, each subscribed through the v1 Executor API over the host's
// connection. It survives agent restarts and reconnects, so tasks keep running.
import { postJson } from '../common/http';
import { createLogger } from '../common/log';
import type { ExecutorHostCall, ExecutorHostEvent } from '../common/protocol/internal';
import type { BuiltinExecutor, BuiltinExecutorOptions } from './builtin';
import { CommandExecutor } from './command';
import { DefaultExecutor } from './default';
import { DockerExecutor } from './docker';
import { HostConnection } from './host-connection';

const RETRY_MS = 500;
const REPORT_ATTEMPTS = 120;
const RECOVERY_TIMEOUT_MS = 15 * 60_000;

export function runExecutorHost(): void {
  const agentEndpoint = process.env.MESOS_AGENT_ENDPOINT;
  const frameworkId = process.env.MESOS_FRAMEWORK_ID;
  if (!agentEndpoint || !frameworkId) {
    process.stderr.write('executor-host is started by the agent (MESOS_AGENT_ENDPOINT and MESOS_FRAMEWORK_ID are required)\n');
    process.exit(2);
  }
  const log = createLogger(`executor-host ${frameworkId}`);
  const connection = new HostConnection(agentEndpoint, frameworkId);
  const executors = new Map<string, BuiltinExecutor>();
  // Read once: every read of process.env goes to the C library, and a host starts hundreds of executors.
  const hostEnv = { ...process.env } as Record<string, string>;
  let disconnectedSince: number | undefined;

  const call = (body: ExecutorHostCall) => postJson(connection.url, body);

  // Retried while the agent restarts; given up after a minute with a warning, as the agent may then count the executor running.
  const reportExit = (executorId: string, status: number, attempt = 0): void => {
    call({ type: 'EXECUTOR_EXITED', framework_id: { value: frameworkId }, executor_id: { value: executorId }, status })
      .then((r) => { if (r.status !== 202) throw new Error(`${r.status} ${r.body}`); })
      .catch((e: Error) => {
        if (attempt < REPORT_ATTEMPTS) setTimeout(() => reportExit(executorId, status, attempt + 1), RETRY_MS);
        else log.warn(`Could not report the exit of executor ${executorId} to the agent: ${e.message}`);
      })
      .finally(() => maybeExit());
  };

  let shuttingDown = false;
  const maybeExit = () => { if (shuttingDown && executors.size === 0) setTimeout(() => process.exit(0), 200); };

  const onEvent = (event: ExecutorHostEvent) => {
    switch (event.type) {
      case 'LAUNCH_EXECUTOR': {
        const { executor_info: info, directory, task_log, environment, docker } = event.launch_executor;
        const executorId = info.executor_id.value;
        if (executors.has(executorId)) return;
        const options: BuiltinExecutorOptions = {
          connection, frameworkId, executorId, directory, taskLog: task_log,
          // A container gets the executor's variables only, not the host's.
          env: docker ? environment : { ...hostEnv, ...environment },
          recoveryTimeoutMs: RECOVERY_TIMEOUT_MS, shutdownGraceMs: 3000,
          log: (m) => log.info(`[${executorId}] ${m}`),
          onTerminated: (status) => { executors.delete(executorId); reportExit(executorId, status); },
        };
        const executor = docker ? new DockerExecutor(options, docker) : info.type === 'DEFAULT' ? new DefaultExecutor(options) : new CommandExecutor(options);
        executors.set(executorId, executor);
        executor.start();
        return;
      }
      case 'SHUTDOWN_EXECUTOR':
        executors.get(event.shutdown_executor.executor_id.value)?.shutdownNow();
        return;
      case 'SHUTDOWN':
        shuttingDown = true;
        for (const e of executors.values()) e.shutdownNow();
        maybeExit();
        return;
      default:
        return;
    }
  };

  const subscribe = () => {
    const body: ExecutorHostCall = { type: 'SUBSCRIBE', framework_id: { value: frameworkId }, pid: process.pid, executor_ids: [...executors.keys()].map((value) => ({ value })) };
    connection.open(body, onEvent)
      .then((stream) => { disconnectedSince = undefined; return stream.ended; })
      .catch((e: Error) => log.warn(`Could not reach the agent at ${agentEndpoint}: ${e.message}`))
      .finally(() => {
        if (shuttingDown) return;
        disconnectedSince ??= Date.now();
        if (Date.now() - disconnectedSince > RECOVERY_TIMEOUT_MS) {
          log.warn('The agent did not come back within the recovery timeout; shutting down');
          shuttingDown = true;
          for (const e of executors.values()) e.shutdownNow();
          setTimeout(() => process.exit(1), 5000);
          return;
        }
        setTimeout(subscribe, RETRY_MS);
      });
  };

  // SIGTERM (e.g. `mesolite down`): kill every task, then exit once they are gone (at most ~4 s).
  process.on('SIGTERM', () => {
    shuttingDown = true;
    for (const e of executors.values()) e.shutdownNow();
    const deadline = Date.now() + 4000;
    const poll = setInterval(() => {
      if (Date.now() > deadline || ![...executors.values()].some((e) => e.running)) process.exit(0);
    }, 50);
    poll.unref();
    setTimeout(() => process.exit(0), 4500);
  });
  subscribe();
}
