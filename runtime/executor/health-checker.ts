// Health checks and general checks of one task, as Mesos' checker library runs them for the built-in
// executors. Pure apart from the probe and the clock, both injected: the first probe runs after
// `delay_seconds`, the next one `interval_seconds` after each result, and a probe still running after
// `timeout_seconds` (0: never) is aborted (a failure for a health check, an empty result for a check).
//
// A health check interprets each result (COMMAND: exit code 0; HTTP: status 200-399; TCP: connected)
// and reports changes of health: the first success, the first success after failures, and every
// failure. Failures are ignored while the task is still initializing (no success yet) and within
// `grace_period_seconds` of the start; once it has succeeded the grace period no longer applies.
// The `consecutive_failures`-th failure in a row asks the executor to kill the task.
import { checkTiming, emptyCheckStatus, healthCheckPolicy, healthCheckType, type CheckTiming } from '../common/checks';
import type { CheckInfo, CheckStatusInfo, CheckType, HealthCheck } from '../common/protocol/v1';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Runs one check attempt; rejects when the check could not be performed (or was aborted). */
export type Probe = (signal: AbortSignal) => Promise<CheckStatusInfo>;

type ProbeOutcome = { status: CheckStatusInfo } | { error: string };

/** The schedule shared by checks and health checks: delay, then probe, wait interval, probe, ... */
class CheckRunner {
  private timer?: unknown;
  private attempt?: AbortController;
  private stopped = true;

  constructor(
    private readonly timing: CheckTiming,
    private readonly probe: Probe,
    private readonly onOutcome: (outcome: ProbeOutcome) => void,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(this.timing.delayMs);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.attempt?.abort();
  }

  private schedule(ms: number): void {
    if (!this.stopped) this.timer = this.clock.setTimeout(() => this.run(), ms);
  }

  private run(): void {
    if (this.stopped) return;
    const attempt = new AbortController();
    this.attempt = attempt;
    let settled = false;
    const settle = (outcome: ProbeOutcome) => {
      if (settled || this.stopped) return;
      settled = true;
      this.clock.clearTimeout(this.timer);
      this.onOutcome(outcome);
      this.schedule(this.timing.intervalMs);
    };
    // timeout_seconds: 0 means no timeout, as in Mesos.
    if (this.timing.timeoutMs > 0) {
      this.timer = this.clock.setTimeout(() => {
        attempt.abort();
        settle({ error: `timed out after ${this.timing.timeoutMs / 1000}s` });
      }, this.timing.timeoutMs);
    }
    let pending: Promise<CheckStatusInfo>;
    try {
      pending = this.probe(attempt.signal);
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then((status) => settle({ status }), (e: Error) => settle({ error: e?.message ?? String(e) }));
  }
}

/** Why a check result means "unhealthy", or undefined when it means "healthy". */
export function interpretCheckStatus(status: CheckStatusInfo): string | undefined {
  switch (status.type) {
    case 'COMMAND': {
      const code = status.command?.exit_code;
      return code === 0 ? undefined : `Command exited with status ${code ?? 'unknown'}`;
    }
    case 'HTTP': {
      const code = status.http?.status_code;
      return code !== undefined && code >= 200 && code < 400 ? undefined : `Unexpected HTTP response code: ${code ?? 'none'}`;
    }
    case 'TCP':
      return status.tcp?.succeeded ? undefined : 'TCP connection failed';
    default:
      return undefined;
  }
}

/** What the health checker tells the executor (Mesos' TaskHealthStatus). */
export interface TaskHealthStatus {
  healthy: boolean;
  /** Failures in a row (0 when healthy). */
  consecutiveFailures: number;
  /** The executor should kill the task now. */
  killTask: boolean;
  /** Why the last check failed. */
  message?: string;
}

export interface HealthCheckerOptions {
  check: HealthCheck;
  probe: Probe;
  onUpdate(status: TaskHealthStatus): void;
  clock?: Clock;
  log?(message: string): void;
}

export class HealthChecker {
  private readonly runner: CheckRunner;
  private readonly clock: Clock;
  private readonly policy;
  private startTime = 0;
  private initializing = true;
  private consecutiveFailures = 0;

  constructor(private readonly options: HealthCheckerOptions) {
    this.clock = options.clock ?? systemClock;
    this.policy = healthCheckPolicy(options.check);
    this.runner = new CheckRunner(this.policy, options.probe, (o) => this.outcome(o), this.clock);
  }

  get type(): CheckType | undefined {
    return healthCheckType(this.options.check);
  }

  start(): void {
    this.startTime = this.clock.now();
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  private outcome(outcome: ProbeOutcome): void {
    const failure = 'error' in outcome ? outcome.error : interpretCheckStatus(outcome.status);
    if (failure === undefined) return this.success();
    this.failure(failure);
  }

  private success(): void {
    if (this.initializing || this.consecutiveFailures > 0) {
      this.initializing = false;
      this.consecutiveFailures = 0;
      this.options.onUpdate({ healthy: true, consecutiveFailures: 0, killTask: false });
    }
  }

  private failure(message: string): void {
    const { gracePeriodMs, consecutiveFailures: limit } = this.policy;
    if (this.initializing && gracePeriodMs > 0 && this.clock.now() - this.startTime <= gracePeriodMs) {
      this.options.log?.(`Ignoring a failed ${this.type} health check (${message}): still in the grace period`);
      return;
    }
    this.consecutiveFailures++;
    this.options.log?.(`${this.type} health check failed ${this.consecutiveFailures} time(s) in a row: ${message}`);
    this.options.onUpdate({ healthy: false, consecutiveFailures: this.consecutiveFailures, killTask: this.consecutiveFailures >= limit, message });
  }
}

export interface CheckerOptions {
  check: CheckInfo;
  probe: Probe;
  /** Called with each result that differs from the one before (the first compared with an empty result). */
  onUpdate(status: CheckStatusInfo): void;
  clock?: Clock;
  log?(message: string): void;
}

/** A general check: results are reported as they are, not interpreted; unchanged results are not repeated. */
export class Checker {
  private readonly runner: CheckRunner;
  private previous: string;

  constructor(private readonly options: CheckerOptions) {
    this.previous = JSON.stringify(emptyCheckStatus(options.check.type ?? 'UNKNOWN'));
    this.runner = new CheckRunner(checkTiming(options.check), options.probe, (o) => this.outcome(o), options.clock ?? systemClock);
  }

  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  private outcome(outcome: ProbeOutcome): void {
    let status: CheckStatusInfo;
    if ('error' in outcome) {
      this.options.log?.(`${this.options.check.type} check failed: ${outcome.error}`);
      status = emptyCheckStatus(this.options.check.type ?? 'UNKNOWN');
    } else {
      status = outcome.status;
    }
    const key = JSON.stringify(status);
    if (key === this.previous) return;
    this.previous = key;
    this.options.onUpdate(status);
  }
}
