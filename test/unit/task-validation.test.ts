// Semantic checks on TaskInfo and ExecutorInfo (runtime/master/validation.ts), as Mesos' master does
// them before a LAUNCH or LAUNCH_GROUP. Each returns a message naming the problem, or undefined.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutorInfo, TaskInfo } from '../../runtime/common/protocol/v1';
import { validateExecutorInfo, validateFrameworkInfo, validateTaskInfo } from '../../runtime/master/validation';

const FRAMEWORK = '12220-3440-12532-2345';

/** The TaskInfo of the ACCEPT example in docs/scheduler-http-api.md. */
function docsTask(): TaskInfo {
  return {
    name: 'My Task',
    task_id: { value: '12220-3440-12532-my-task' },
    agent_id: { value: '12220-3440-12532-S1233' },
    executor: { command: { shell: true, value: 'sleep 1000' }, executor_id: { value: '12214-23523-my-executor' } },
    resources: [
      { allocation_info: { role: 'engineering' }, name: 'cpus', role: '*', type: 'SCALAR', scalar: { value: 1.0 } },
      { allocation_info: { role: 'engineering' }, name: 'mem', role: '*', type: 'SCALAR', scalar: { value: 128.0 } },
    ],
  };
}

function commandTask(overrides: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: 'sleeper',
    task_id: { value: 'sleeper-1' },
    agent_id: { value: 'S1' },
    command: { value: 'sleep 100' },
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }],
    ...overrides,
  };
}

const groupExecutor = (overrides: Partial<ExecutorInfo> = {}): ExecutorInfo => ({
  type: 'DEFAULT', executor_id: { value: 'default-executor' }, framework_id: { value: FRAMEWORK }, ...overrides,
});

/** Builds a task with an invalid value without fighting the types. */
const malformed = (task: Record<string, unknown>) => task as unknown as TaskInfo;

// --- TaskInfo ------------------------------------------------------------------------------------

test('the docs ACCEPT example task and its executor are valid', () => {
  const task = docsTask();
  assert.equal(validateTaskInfo(task, false), undefined);
  assert.equal(validateExecutorInfo(task.executor!, FRAMEWORK, false), undefined);
});

test('a command task is valid, with a shell command or an argv', () => {
  assert.equal(validateTaskInfo(commandTask(), false), undefined);
  assert.equal(validateTaskInfo(commandTask({ command: { shell: false, value: '/bin/sleep', arguments: ['sleep', '5'] } }), false), undefined);
  assert.equal(validateTaskInfo(commandTask({ resources: undefined }), false), undefined, 'resources may be omitted');
});

test('a task needs exactly one of command and executor', () => {
  const both = commandTask({ executor: docsTask().executor });
  const neither = commandTask({ command: undefined });
  for (const task of [both, neither]) {
    assert.equal(validateTaskInfo(task, false), 'Task sleeper-1 should have at least one (but not both) of CommandInfo or ExecutorInfo present');
  }
});

test('task ids must be non-empty, not "." or "..", and contain no "/"', () => {
  for (const value of ['', '.', '..', 'a/b', '/abs', 'nul\u0000byte', 'new\nline']) {
    const message = validateTaskInfo(commandTask({ task_id: { value } }), false);
    assert.ok(message?.includes("'task_id.value'"), `${JSON.stringify(value)} -> ${message}`);
  }
  assert.match(validateTaskInfo(malformed({ ...commandTask(), task_id: undefined }), false) ?? '', /'task_id\.value'/);
  assert.match(validateTaskInfo(malformed({ ...commandTask(), task_id: { value: 7 } }), false) ?? '', /'task_id\.value'/);
  for (const value of ['my-app.instance-1', 'web_1', 'a.b.c', 'x..y']) {
    assert.equal(validateTaskInfo(commandTask({ task_id: { value } }), false), undefined, value);
  }
});

test('the message names the other missing or malformed fields', () => {
  assert.equal(validateTaskInfo(malformed({ ...commandTask(), name: 5 }), false), "Task sleeper-1: 'name' must be a string");
  assert.equal(validateTaskInfo(malformed({ ...commandTask(), agent_id: undefined }), false), "Task sleeper-1: 'agent_id.value' is required");
  assert.equal(validateTaskInfo(commandTask({ agent_id: { value: '' } }), false), "Task sleeper-1: 'agent_id.value' is required");
  assert.equal(validateTaskInfo(null as unknown as TaskInfo, false), 'TaskInfo must be an object');
});

test('bad task resources name the path', () => {
  const negative = commandTask({ resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }] });
  assert.equal(validateTaskInfo(negative, false), "Task sleeper-1: 'resources[0].scalar.value' must be a non-negative number");
  const badRange = commandTask({ resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 10, end: 1 }] } }] });
  assert.match(validateTaskInfo(badRange, false) ?? '', /'resources\[1\]\.ranges\.range'/);
  const badType = malformed({ ...commandTask(), resources: [{ name: 'gpus', type: 'TEXT' }] });
  assert.match(validateTaskInfo(badType, false) ?? '', /'resources\[0\]\.type' must be one of SCALAR, RANGES, SET/);
});

test('a command needs a value, shell or not', () => {
  assert.equal(validateTaskInfo(commandTask({ command: {} }), false), "Task sleeper-1: 'command.value' is required for a shell command");
  assert.equal(validateTaskInfo(commandTask({ command: { shell: false, arguments: ['x'] } }), false),
    "Task sleeper-1: 'command.value' must name the program when 'command.shell' is false");
});

test('a task in a group must carry a command and no executor of its own is needed', () => {
  assert.equal(validateTaskInfo(commandTask(), true), undefined);
  assert.equal(validateTaskInfo(commandTask({ command: undefined, executor: docsTask().executor }), true), "Task sleeper-1 in a task group must have 'command'");
});

// --- IDs: Mesos parity (common/validation.cpp validateID) ---------------------------------------

test('ids with control characters or a backslash are refused, as in Mesos', () => {
  // Mesos refuses iscntrl() characters and both path separators ('/' and '\\').
  for (const value of ['tab\there', 'bell\u0007', 'del\u007f', 'back\\slash']) {
    const message = validateTaskInfo(commandTask({ task_id: { value } }), false);
    assert.ok(message?.includes("'task_id.value'"), `${JSON.stringify(value)} -> ${message}`);
  }
});

test('ids longer than NAME_MAX (255) are refused, as in Mesos', () => {
  assert.equal(validateTaskInfo(commandTask({ task_id: { value: 'x'.repeat(255) } }), false), undefined);
  const message = validateTaskInfo(commandTask({ task_id: { value: 'x'.repeat(256) } }), false);
  assert.ok(message?.includes("'task_id.value'"), String(message));
});

test('ids may contain spaces, as in Mesos', () => {
  // Mesos' validateID allows ' ' (it is not a control character); only ContainerIDs forbid spaces.
  assert.equal(validateTaskInfo(commandTask({ task_id: { value: 'my task' } }), false), undefined);
});

// --- ExecutorInfo --------------------------------------------------------------------------------

test('a custom executor needs a command value and must not be DEFAULT', () => {
  assert.equal(validateExecutorInfo({ executor_id: { value: 'e' }, command: { value: './my-executor' } }, FRAMEWORK, false), undefined);
  assert.equal(validateExecutorInfo({ type: 'CUSTOM', executor_id: { value: 'e' }, command: { value: './my-executor' } }, FRAMEWORK, false), undefined);
  assert.equal(validateExecutorInfo({ executor_id: { value: 'e' } }, FRAMEWORK, false), "'executor.command.value' is required for a custom executor");
  assert.equal(validateExecutorInfo({ executor_id: { value: 'e' }, command: {} }, FRAMEWORK, false), "'executor.command.value' is required for a custom executor");
  assert.equal(validateExecutorInfo(groupExecutor(), FRAMEWORK, false), 'A DEFAULT executor can only run task groups (use LAUNCH_GROUP)');
});

test('a task group executor must be DEFAULT and have no command', () => {
  assert.equal(validateExecutorInfo(groupExecutor(), FRAMEWORK, true), undefined);
  assert.equal(validateExecutorInfo(groupExecutor({ framework_id: undefined }), FRAMEWORK, true), undefined, 'framework_id may be omitted');
  assert.equal(validateExecutorInfo(groupExecutor({ type: 'CUSTOM', command: { value: 'x' } }), FRAMEWORK, true), "'executor.type' must be DEFAULT for LAUNCH_GROUP");
  assert.equal(validateExecutorInfo(groupExecutor({ type: undefined }), FRAMEWORK, true), "'executor.type' must be DEFAULT for LAUNCH_GROUP");
  assert.equal(validateExecutorInfo(groupExecutor({ command: { value: 'x' } }), FRAMEWORK, true), "'executor.command' must not be set for a DEFAULT executor");
});

test('an executor must belong to the launching framework', () => {
  assert.equal(validateExecutorInfo(groupExecutor({ framework_id: { value: 'someone-else' } }), FRAMEWORK, true), 'ExecutorInfo has an invalid FrameworkID someone-else');
});

test('executor ids follow the id rules and executor resources are validated', () => {
  for (const value of ['', '..', 'a/b']) {
    assert.equal(validateExecutorInfo(groupExecutor({ executor_id: { value } }), FRAMEWORK, true), "'executor.executor_id.value' must be a non-empty string of at most 255 characters without '/', '\\' or control characters", value);
  }
  const bad = groupExecutor({ resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: Number.NaN } }] });
  assert.equal(validateExecutorInfo(bad, FRAMEWORK, true), "'executor.resources[0].scalar.value' must be a non-negative number");
  assert.equal(validateExecutorInfo(null as unknown as ExecutorInfo, FRAMEWORK, true), 'ExecutorInfo must be an object');
});

test('FrameworkInfo role rules, as Mesos checks them on SUBSCRIBE and UPDATE_FRAMEWORK', () => {
  const multi = [{ type: 'MULTI_ROLE' }];
  assert.equal(validateFrameworkInfo({ user: 'u', name: 'x', roles: ['a'] }, []), "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
  assert.equal(validateFrameworkInfo({ user: 'u', name: 'x', role: 'a', capabilities: multi }, []), "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
  assert.equal(validateFrameworkInfo({ user: 'u', name: 'x', roles: ['a', 'a'], capabilities: multi }, []), "'FrameworkInfo.roles' contains duplicate items");
  assert.equal(validateFrameworkInfo({ user: 'u', name: 'x', roles: ['a'], capabilities: multi }, ['b']), 'Suppressed roles { b } are not contained in the set of roles');
  assert.equal(validateFrameworkInfo({ user: 'u', name: 'x', role: 'ops' }, ['ops']), undefined);
  assert.equal(validateFrameworkInfo({ user: 'u', name: 'x' }, ['*']), undefined);
});
