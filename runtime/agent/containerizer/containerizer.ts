// Starts executors. Command and default executors run as logical executors inside one executor-host
// process per framework (a few MB per task instead of a Node process each); a framework's own
// executor (ExecutorInfo.command) gets its own process. Both get the environment Mesos gives executors.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandArgv, commandEnvironment, launchDetached } from '../../common/process';
import type { ExecutorInfo } from '../../common/protocol/v1';

export interface AgentIdentity {
  agentId: string;
  endpoint: string; // ip:port of the agent's HTTP API
  pid: string;
  shutdownGracePeriod: string;
}

/** The agent's own environment minus its MESOS_* flags, which belong to the agent, not its executors. */
function inheritedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MESOS_')) env[k] = v;
  return env;
}

/** The MESOS_* variables Mesos gives an executor (logical ones in an executor host get them too). */
export function executorEnvironment(agent: AgentIdentity, frameworkId: string, executorId: string, directory: string): Record<string, string> {
  return {
    MESOS_FRAMEWORK_ID: frameworkId,
    MESOS_EXECUTOR_ID: executorId,
    MESOS_DIRECTORY: directory,
    MESOS_SANDBOX: directory,
    MESOS_AGENT_ENDPOINT: agent.endpoint,
    MESOS_SLAVE_ID: agent.agentId,
    MESOS_SLAVE_PID: agent.pid,
    MESOS_CHECKPOINT: '1',
    MESOS_RECOVERY_TIMEOUT: '15mins',
    MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: agent.shutdownGracePeriod,
    MESOS_HTTP_COMMAND_EXECUTOR: '1',
  };
}

export function launchExecutorHost(agent: AgentIdentity, frameworkId: string, invocation: { command: string; args: string[] }, logDir: string): ChildProcess {
  fs.mkdirSync(logDir, { recursive: true });
  return launchDetached({
    argv: [invocation.command, ...invocation.args],
    cwd: logDir,
    env: { ...inheritedEnvironment(), MESOS_FRAMEWORK_ID: frameworkId, MESOS_AGENT_ENDPOINT: agent.endpoint, MESOS_SLAVE_ID: agent.agentId },
    stdoutPath: path.join(logDir, 'stdout'),
    stderrPath: path.join(logDir, 'stderr'),
  });
}

export function launchCustomExecutor(agent: AgentIdentity, frameworkId: string, info: ExecutorInfo, directory: string): ChildProcess {
  return launchDetached({
    argv: commandArgv(info.command!),
    cwd: directory,
    env: { ...inheritedEnvironment(), ...executorEnvironment(agent, frameworkId, info.executor_id.value, directory), ...commandEnvironment(info.command) },
    stdoutPath: path.join(directory, 'stdout'),
    stderrPath: path.join(directory, 'stderr'),
  });
}
