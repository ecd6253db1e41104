// The health checker and checker of the built-in executors (runtime/executor/health-checker.ts) on a
// fake clock with scripted probes: delay, interval, timeout, consecutive failures, the grace period
// (failures ignored until the first success, as Mesos does), and the master's validation of
// TaskInfo.health_check / TaskInfo.check (runtime/common/checks.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthCheckType, validateCheckInfo, validateHealthCheck } from '../../runtime/common/checks';
import type { CheckStatusInfo, HealthCheck, TaskInfo } from '../../runtime/common/protocol/v1';
import { Checker, HealthChecker, interpretCheckStatus, type Clock, type Probe, type TaskHealthStatus } from '../../runtime/executor/health-checker';
import { validateTaskInfo } from '../../runtime/master/validation';

const flush = () => new Promise<void>((r) => setImmediate(r));

class FakeClock implements Clock {
  time = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number { return this.time; }
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.nextId, { at: this.time + ms, fn });
    return this.nextId;
  }
  clearTimeout(handle: unknown): void { this.timers.delete(handle as number); }
  /** Moves time forward, running due timers in order and letting probes settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
    await flush();
  }
}

const ok: CheckStatusInfo = { type: 'COMMAND', command: { exit_code: 0 } };
const bad: CheckStatusInfo = { type: 'COMMAND', command: { exit_code: 1 } };

/** A probe answering from a script (the last answer repeats); records when it ran. */
function scripted(answers: Array<CheckStatusInfo | 'hang' | Error>) {
  const calls: number[] = [];
  const aborted: number[] = [];
  let clock: FakeClock;
  const probe: Probe = (signal) => {
    calls.push(clock.now());
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (answer === 'hang') return new Promise((_, reject) => signal.addEventListener('abort', () => { aborted.push(clock.now()); reject(new Error('aborted')); }));
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { probe, calls, aborted, bind: (c: FakeClock) => { clock = c; } };
}

function healthChecker(check: HealthCheck, answers: Array<CheckStatusInfo | 'hang' | Error>) {
  const clock = new FakeClock();
  const script = scripted(answers);
  script.bind(clock);
  const updates: Array<TaskHealthStatus & { at: number }> = [];
  const checker = new HealthChecker({ check, probe: script.probe, clock, onUpdate: (u) => updates.push({ ...u, at: clock.now() }) });
  checker.start();
  return { clock, checker, updates, calls: script.calls, aborted: script.aborted };
}

const command = (fields: Partial<HealthCheck> = {}): HealthCheck => ({ type: 'COMMAND', command: { value: 'true' }, ...fields });

test('the first check runs after delay_seconds (default 15), the next interval_seconds (default 10) after each result', async () => {
  const h = healthChecker(command(), [ok]);
  await h.clock.advance(14_999);
  assert.deepEqual(h.calls, []);
  await h.clock.advance(36_001);
  assert.deepEqual(h.calls, [15_000, 25_000, 35_000, 45_000]);

  const custom = healthChecker(command({ delay_seconds: 0, interval_seconds: 2 }), [ok]);
  await custom.clock.advance(5_000);
  assert.deepEqual(custom.calls, [0, 2_000, 4_000]);
});

test('health changes are reported once: the first success, every failure, the first success after failures', async () => {
  const h = healthChecker(command({ delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 0, consecutive_failures: 5 }), [ok, ok, bad, bad, ok, ok]);
  await h.clock.advance(5_500);
  assert.deepEqual(h.updates.map((u) => [u.at, u.healthy, u.consecutiveFailures, u.killTask]), [
    [0, true, 0, false], [2_000, false, 1, false], [3_000, false, 2, false], [4_000, true, 0, false],
  ]);
  assert.equal(h.updates[1].message, 'Command exited with status 1');
});

test('the consecutive_failures-th failure in a row asks for the kill; a success in between starts the count again', async () => {
  const h = healthChecker(command({ delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 0 }), [bad, bad, ok, bad, bad, bad]);
  await h.clock.advance(5_500);
  assert.deepEqual(h.updates.map((u) => [u.healthy, u.consecutiveFailures, u.killTask]), [
    [false, 1, false], [false, 2, false], [true, 0, false], [false, 1, false], [false, 2, false], [false, 3, true],
  ]);
});

test('failures within grace_period_seconds of the start are ignored while the task has never been healthy', async () => {
  // delay 1 s, interval 1 s, grace 3.5 s: failures at 1, 2, 3 s are ignored; 4 s and 5 s count.
  const h = healthChecker(command({ delay_seconds: 1, interval_seconds: 1, grace_period_seconds: 3.5, consecutive_failures: 2 }), [bad]);
  await h.clock.advance(5_500);
  assert.equal(h.calls.length, 5);
  assert.deepEqual(h.updates.map((u) => [u.at, u.consecutiveFailures, u.killTask]), [[4_000, 1, false], [5_000, 2, true]]);
});

test('after the first success the grace period no longer applies', async () => {
  const h = healthChecker(command({ delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 60, consecutive_failures: 2 }), [bad, ok, bad, bad]);
  await h.clock.advance(3_500);
  // The failure at 0 s is ignored (grace); 1 s is healthy; 2 s and 3 s count although within 60 s.
  assert.deepEqual(h.updates.map((u) => [u.at, u.healthy, u.killTask]), [[1_000, true, false], [2_000, false, false], [3_000, false, true]]);
});

test('grace_period_seconds: 0 counts every failure from the start, including a probe that cannot run', async () => {
  const h = healthChecker(command({ delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 0, consecutive_failures: 1 }), [new Error('spawn sh ENOENT')]);
  await h.clock.advance(10);
  assert.deepEqual(h.updates, [{ healthy: false, consecutiveFailures: 1, killTask: true, message: 'spawn sh ENOENT', at: 0 }]);
});

test('a check still running after timeout_seconds is aborted and counts as a failure; the next starts interval_seconds later', async () => {
  const h = healthChecker(command({ delay_seconds: 0, interval_seconds: 1, timeout_seconds: 2, grace_period_seconds: 0 }), ['hang', 'hang', ok]);
  await h.clock.advance(6_500);
  assert.deepEqual(h.aborted, [2_000, 5_000]);
  assert.deepEqual(h.calls, [0, 3_000, 6_000]);
  assert.deepEqual(h.updates.map((u) => [u.at, u.healthy, u.message]), [[2_000, false, 'timed out after 2s'], [5_000, false, 'timed out after 2s'], [6_000, true, undefined]]);
});

test('timeout_seconds: 0 means no timeout', async () => {
  const h = healthChecker(command({ delay_seconds: 0, timeout_seconds: 0, grace_period_seconds: 0 }), ['hang']);
  await h.clock.advance(3_600_000);
  assert.deepEqual(h.aborted, []);
  assert.deepEqual(h.updates, []);
  assert.equal(h.calls.length, 1);
});

test('stop() aborts a running check and no update follows', async () => {
  const h = healthChecker(command({ delay_seconds: 0, timeout_seconds: 5, grace_period_seconds: 0 }), ['hang']);
  await h.clock.advance(1_000);
  h.checker.stop();
  await h.clock.advance(60_000);
  assert.deepEqual(h.aborted, [1_000]);
  assert.deepEqual(h.updates, []);
  assert.equal(h.calls.length, 1);
});

test('results are interpreted as Mesos does: exit code 0, HTTP 200-399, a TCP connection', () => {
  assert.equal(interpretCheckStatus({ type: 'COMMAND', command: { exit_code: 0 } }), undefined);
  assert.match(interpretCheckStatus({ type: 'COMMAND', command: { exit_code: 137 } })!, /137/);
  for (const code of [200, 204, 301, 399]) assert.equal(interpretCheckStatus({ type: 'HTTP', http: { status_code: code } }), undefined);
  for (const code of [100, 404, 500, 503]) assert.match(interpretCheckStatus({ type: 'HTTP', http: { status_code: code } })!, new RegExp(`${code}`));
  assert.equal(interpretCheckStatus({ type: 'TCP', tcp: { succeeded: true } }), undefined);
  assert.equal(interpretCheckStatus({ type: 'TCP', tcp: { succeeded: false } }), 'TCP connection failed');
});

test('a general check reports each new result (not repeats); a timed-out check reports an empty result', async () => {
  const clock = new FakeClock();
  const script = scripted([{ type: 'HTTP', http: { status_code: 503 } }, { type: 'HTTP', http: { status_code: 503 } }, { type: 'HTTP', http: { status_code: 200 } }, 'hang']);
  script.bind(clock);
  const updates: CheckStatusInfo[] = [];
  const checker = new Checker({ check: { type: 'HTTP', http: { port: 1 }, delay_seconds: 0, interval_seconds: 1, timeout_seconds: 1 }, probe: script.probe, clock, onUpdate: (s) => updates.push(s) });
  checker.start();
  await clock.advance(5_500);
  checker.stop();
  assert.deepEqual(updates, [{ type: 'HTTP', http: { status_code: 503 } }, { type: 'HTTP', http: { status_code: 200 } }, { type: 'HTTP', http: {} }]);
});

test('a legacy health check without type is typed by its field', () => {
  assert.equal(healthCheckType({ command: { value: 'true' } }), 'COMMAND');
  assert.equal(healthCheckType({ http: { port: 80 } }), 'HTTP');
  assert.equal(healthCheckType({ command: { value: 'true' }, http: { port: 80 } }), undefined);
  assert.equal(validateHealthCheck({ command: { value: 'true' } }), undefined);
  assert.equal(validateHealthCheck({ delay_seconds: 1 }), "'health_check' must specify 'type'");
});

test('malformed health checks and checks are refused with a message naming the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['yes', /'health_check' must be an object/],
    [{ type: 'GRPC' }, /'health_check.type' must be one of COMMAND, HTTP, TCP/],
    [{ type: 'HTTP' }, /Expecting 'health_check.http' to be set for HTTP health check/],
    [{ type: 'HTTP', http: { port: 'eighty' } }, /'health_check.http.port' must be an integer/],
    [{ type: 'HTTP', http: { port: 8080, scheme: 'ftp' } }, /Unsupported HTTP health check scheme: 'ftp'/],
    [{ type: 'HTTP', http: { port: 8080, path: 'health' } }, /'health_check.http.path' must start with '\/'/],
    [{ type: 'TCP' }, /Expecting 'health_check.tcp' to be set for TCP health check/],
    [{ type: 'TCP', tcp: { port: 70000 } }, /'health_check.tcp.port' must be an integer between 1 and 65535/],
    [{ type: 'COMMAND' }, /Expecting 'health_check.command' to be set/],
    [{ type: 'COMMAND', command: { shell: false } }, /'executable path'.*'health_check.command.value'/],
    [{ type: 'COMMAND', command: { value: 'true' }, interval_seconds: -1 }, /Expecting 'health_check.interval_seconds' to be non-negative/],
    [{ type: 'COMMAND', command: { value: 'true' }, timeout_seconds: '5' }, /'health_check.timeout_seconds' must be a number/],
    [{ type: 'COMMAND', command: { value: 'true' }, consecutive_failures: 1.5 }, /'health_check.consecutive_failures' must be a non-negative integer/],
  ];
  for (const [value, expected] of cases) assert.match(validateHealthCheck(value) ?? 'valid', expected, JSON.stringify(value));
  assert.equal(validateHealthCheck({ type: 'HTTP', http: { port: 8080, scheme: 'https', path: '/health' }, delay_seconds: 0, grace_period_seconds: 30, consecutive_failures: 2 }), undefined);
  assert.match(validateCheckInfo({ type: 'COMMAND', command: {} }) ?? '', /'check.command.command' must be a CommandInfo object/);
  assert.match(validateCheckInfo({ type: 'TCP', tcp: {} }) ?? '', /'check.tcp.port'/);
  assert.equal(validateCheckInfo({ type: 'COMMAND', command: { command: { value: 'true' } } }), undefined);

  const task: TaskInfo = { name: 't', task_id: { value: 't1' }, agent_id: { value: 'S1' }, command: { value: 'sleep 100' }, health_check: { type: 'HTTP' } as HealthCheck };
  assert.equal(validateTaskInfo(task, false), "Task t1 uses invalid health check: Expecting 'health_check.http' to be set for HTTP health check");
  assert.match(validateTaskInfo({ ...task, health_check: undefined, check: { type: 'TCP' } }, false) ?? '', /^Task t1 uses invalid check: /);
});
