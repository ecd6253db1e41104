// The Debug Console's commands (`why X`, `step N`, `history`) and expressions, over an OfferDebugger.
import { evaluateText, formatValue, type Value } from './evaluate';
import { explainWhy, clock } from './explain';
import type { OfferDebugger } from './runtime';
import { momentScope, type Moment } from './scope';

/** How many cycles `why` looks back over. */
const WHY_CYCLES = 10;

const CONSOLE_HELP = 'why <framework-or-app> · step [N] · history · an expression over agents, shares, offers, outstanding, cycle, frameworks, roles, tasks, share(fw), available(agent), total(agent), allocated(agent), offered(agent), weight(role)';

/** `why <framework or Marathon app id>`, one line per agent. */
export function why(dbg: OfferDebugger, m: Moment, target: string): string[] {
  let frameworkId = dbg.names.findFramework(target);
  let queue;
  if (!frameworkId) {
    const app = `/${target.replace(/^\/+/, '')}`;
    for (const [fw, entries] of m.snapshot?.queues ?? []) {
      const mine = entries.filter((q) => q.app.id === app);
      if (mine.length) { frameworkId = fw; queue = mine; }
    }
  }
  if (!frameworkId) throw new Error(`No framework named '${target}', and no app '${target}' waiting in a Marathon queue`);
  const declines = dbg.story.after(0).flatMap((e) => (e.kind === 'answered' && e.answer === 'declined' && e.framework_id === frameworkId ? [{ offer_id: e.offer_id, agent_id: e.agent_id, at: e.at }] : []));
  const agents = [...dbg.mirror.agents.entries()].filter(([, a]) => !a.removed).map(([id]) => id);
  return explainWhy({ frameworkId, names: dbg.names, traces: dbg.story.recent(m.cycle?.cycle ?? dbg.currentCycle, WHY_CYCLES), declines, agents, queue });
}

function history(dbg: OfferDebugger, count = 20): string[] {
  const cycles = dbg.story.cycles().slice(-count);
  if (cycles.length === 0) return ['No allocation cycle recorded yet.'];
  return cycles.map((n) => {
    const t = dbg.story.trace(n)!;
    const offers = t.decisions.filter((d) => d.decision === 'offered');
    const to = [...new Set(offers.map((d) => dbg.names.framework(d.framework_id)))].join(', ');
    return `${n === dbg.currentCycle ? '→' : ' '} cycle ${n} · ${clock(t.started_at)} · ${t.trigger} · ${t.agents.length} agents · ${offers.length} offer${offers.length === 1 ? '' : 's'}${to ? ` to ${to}` : ''}`;
  });
}

/** Runs Step Over `count` times, each waiting for its stop. */
async function steps(dbg: OfferDebugger, count: number): Promise<string> {
  const first = dbg.story.lastCycle;
  for (let i = 0; i < count; i++) {
    const stopped = new Promise((resolve) => dbg.once('stopped', resolve));
    dbg.stepOver();
    await stopped;
  }
  return `Ran ${count} cycle${count === 1 ? '' : 's'} (${first + 1}-${dbg.story.lastCycle})`;
}

/** Evaluates a console line: a command, or an expression whose value is returned for display. */
export async function evaluateLine(dbg: OfferDebugger, line: string): Promise<{ text: string; value?: Value }> {
  const text = line.trim();
  const [word, ...rest] = text.split(/\s+/);
  if (word === 'why') {
    if (!rest.length) throw new Error('why <framework-or-app>');
    return { text: why(dbg, await dbg.moment(), rest.join(' ')).join('\n') };
  }
  if (word === 'history') return { text: history(dbg, rest[0] ? Number(rest[0]) : undefined).join('\n') };
  if (word === 'step' && rest.length <= 1 && (!rest[0] || /^\d+$/.test(rest[0]))) {
    if (dbg.running) throw new Error('step N needs the debugger stopped');
    return { text: await steps(dbg, Math.min(1000, Number(rest[0] ?? 1))) };
  }
  if (word === 'help') return { text: CONSOLE_HELP };
  const value = evaluateText(text, momentScope(await dbg.moment()));
  return { text: formatValue(value), value };
}
