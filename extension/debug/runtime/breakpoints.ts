// Function breakpoints on allocation events (`offer marathon`, `decline`, `launch /web`, `TASK_FAILED`,
// `agent S1`, `role dev`, `starved spark 5`) with conditions and hit counts, and the two exception
// breakpoints. Parsing reports why a breakpoint cannot be verified; matching reads the Story.
import { evaluate, truthy, type Scope } from './evaluate';
import { ExpressionError, parseExpression, type Expr } from './expressions';
import type { Names } from './names';
import type { Story, StoryEvent } from './story';

export type Trigger =
  | { kind: 'offer'; framework?: string }
  | { kind: 'decline' | 'rescind'; framework?: string }
  | { kind: 'launch'; task: string }
  | { kind: 'state'; state: string; target?: string }
  | { kind: 'agent'; agent: string }
  | { kind: 'role'; role: string }
  | { kind: 'starved'; framework: string; cycles: number };

interface HitCondition { op: '==' | '>=' | '>' | '<' | '<=' | '%'; n: number }

export interface FunctionBreakpoint {
  id: number;
  text: string;
  conditionText?: string;
  hitText?: string;
  trigger?: Trigger;
  condition?: Expr;
  hit?: HitCondition;
  hits: number;
  /** Why the breakpoint is unverified, when it is. */
  error?: string;
}

export const EXCEPTION_FILTERS = [
  { filter: 'task-failed', label: 'Task failed or lost', description: 'Stop when a task turns TASK_FAILED, TASK_LOST, TASK_ERROR, TASK_DROPPED, TASK_UNREACHABLE or TASK_GONE', default: false },
  { filter: 'offer-rescinded', label: 'Offer rescinded', description: 'Stop when the master rescinds an offer', default: false },
] as const;

const FAILED = new Set(['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_UNREACHABLE', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);
const STATES = new Set([...FAILED, 'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_UNKNOWN']);
const DEFAULT_STARVED_CYCLES = 5;

const BREAKPOINT_HELP = 'offer <framework> | decline [framework] | rescind [framework] | launch <task-or-app> | TASK_<STATE> [framework-or-task] | agent <id-or-hostname> | role <role> | starved <framework> [cycles]';

function parseTrigger(text: string): Trigger {
  const [word, ...rest] = text.trim().split(/\s+/);
  const arg = rest[0];
  if (rest.length > (word === 'starved' ? 2 : 1)) throw new Error(`too many words: ${BREAKPOINT_HELP}`);
  const need = (what: string) => {
    if (!arg) throw new Error(`'${word}' needs ${what}`);
    return arg;
  };
  switch (word) {
    case 'offer': return { kind: 'offer', framework: arg };
    case 'decline':
    case 'rescind': return { kind: word, framework: arg };
    case 'launch': return { kind: 'launch', task: need('a task id or app id') };
    case 'agent': return { kind: 'agent', agent: need('an agent id or hostname') };
    case 'role': return { kind: 'role', role: need('a role') };
    case 'starved': {
      const cycles = rest[1] === undefined ? DEFAULT_STARVED_CYCLES : Number(rest[1]);
      if (!Number.isInteger(cycles) || cycles < 1) throw new Error(`'starved ${need('a framework')} N': N must be a whole number of cycles, not '${rest[1]}'`);
      return { kind: 'starved', framework: need('a framework'), cycles };
    }
  }
  const state = word?.toUpperCase();
  if (state && STATES.has(state)) return { kind: 'state', state, target: arg };
  throw new Error(`unknown breakpoint '${word ?? ''}': ${BREAKPOINT_HELP}`);
}

function parseHit(text: string): HitCondition {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`hit count '${text}' is not N, == N, >= N, > N, < N, <= N or % N`);
  return { op: (m[1] ?? '==') as HitCondition['op'], n: Number(m[2]) };
}

export function parseFunctionBreakpoint(id: number, text: string, condition?: string, hitCondition?: string): FunctionBreakpoint {
  const bp: FunctionBreakpoint = { id, text, conditionText: condition, hitText: hitCondition, hits: 0 };
  try {
    bp.trigger = parseTrigger(text);
    if (condition?.trim()) bp.condition = parseExpression(condition);
    if (hitCondition?.trim()) bp.hit = parseHit(hitCondition);
  } catch (e) {
    bp.trigger = undefined;
    bp.error = e instanceof ExpressionError ? `condition: ${e.message}` : (e as Error).message;
  }
  return bp;
}

/** Whether an event (a cycle marker or what followed) is what the trigger waits for. */
export function triggered(t: Trigger, e: StoryEvent, story: Story, names: Names): boolean {
  const fw = (text: string | undefined, id: string) => !text || names.findFramework(text) === id;
  switch (t.kind) {
    case 'offer': {
      if (e.kind !== 'cycle') return false;
      const id = t.framework ? names.findFramework(t.framework) : undefined;
      return t.framework ? id !== undefined && e.offered.includes(id) : e.offered.length > 0;
    }
    case 'decline':
    case 'rescind':
      return e.kind === 'answered' && e.answer === (t.kind === 'decline' ? 'declined' : 'rescinded') && fw(t.framework, e.framework_id);
    case 'launch':
      return e.kind === 'launched' && names.matchesTask(t.task, e);
    case 'state': {
      if (e.kind !== 'status' || e.state !== t.state) return false;
      return !t.target || fw(t.target, e.framework_id) || names.matchesTask(t.target, { task_id: e.task_id, name: names.taskName(e.task_id) });
    }
    case 'agent': {
      const id = names.findAgent(t.agent);
      if (!id) return false;
      if (e.kind === 'cycle') return story.trace(e.cycle)?.decisions.some((d) => d.decision === 'offered' && d.agent_id === id) ?? false;
      return 'agent_id' in e && e.agent_id === id;
    }
    case 'role':
      return e.kind === 'cycle' && (story.trace(e.cycle)?.decisions.some((d) => d.decision === 'offered' && d.role === t.role) ?? false);
    case 'starved': {
      const id = names.findFramework(t.framework);
      return e.kind === 'cycle' && id !== undefined && starved(story, id, e.cycle, t.cycles);
    }
  }
}

/**
 * Wants offers (visited, not suppressed) yet got none in each of the last `cycles` cycles; on the
 * cycle where that becomes true, so a starving framework hits once, not on every cycle after.
 */
export function starved(story: Story, frameworkId: string, cycle: number, cycles: number): boolean {
  const recent = story.recent(cycle, cycles + 1);
  const hungry = (t: (typeof recent)[number]) => {
    const mine = t.decisions.filter((d) => d.framework_id === frameworkId);
    // Absent from a cycle's decisions means "nothing left" (the trace lists only the first such framework).
    return t.agents.length > 0 && !mine.some((d) => d.decision === 'offered' || d.decision === 'suppressed' || d.decision === 'inactive');
  };
  const last = recent.slice(-cycles);
  if (last.length < cycles || !last.every(hungry)) return false;
  return recent.length <= cycles || !hungry(recent[0]);
}

function hitReached(hit: HitCondition | undefined, hits: number): boolean {
  if (!hit) return true;
  switch (hit.op) {
    case '==': return hits === hit.n;
    case '>=': return hits >= hit.n;
    case '>': return hits > hit.n;
    case '<': return hits < hit.n;
    case '<=': return hits <= hit.n;
    case '%': return hit.n > 0 && hits % hit.n === 0;
  }
}

/**
 * Counts a hit when the trigger fires and the condition holds; true when the hit count says stop.
 * A condition that cannot be evaluated stops, with the reason given to `problem`, rather than
 * letting the moment pass unseen.
 */
export function shouldStop(bp: FunctionBreakpoint, e: StoryEvent, story: Story, names: Names, scope: () => Scope, problem: (text: string) => void): boolean {
  if (!bp.trigger || !triggered(bp.trigger, e, story, names)) return false;
  if (bp.condition) {
    try {
      if (!truthy(evaluate(bp.condition, scope()))) return false;
    } catch (err) {
      problem(`Breakpoint '${bp.text}': ${(err as Error).message}`);
      return true;
    }
  }
  bp.hits++;
  return hitReached(bp.hit, bp.hits);
}

export function exceptionHit(filters: ReadonlySet<string>, e: StoryEvent): string | undefined {
  if (filters.has('task-failed') && e.kind === 'status' && FAILED.has(e.state)) return `${e.task_id} ${e.state}${e.message ? `: ${e.message}` : ''}`;
  if (filters.has('offer-rescinded') && e.kind === 'answered' && e.answer === 'rescinded') return `offer ${e.offer_id} rescinded`;
  return undefined;
}
