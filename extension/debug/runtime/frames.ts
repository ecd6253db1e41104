// A cycle's story as call-stack frames (newest first: what followed the cycle, then its decisions,
// the cycle itself at the bottom), and the read-only JSON document each frame points into, one
// decision or event per line so the frame's line is the one highlighted.
import type { CycleDecision } from '../../../runtime/client/allocation';
import { formatResources } from '../../../runtime/common/resources';
import { clock } from './explain';
import type { Names } from './names';
import type { Story, StoryEvent } from './story';

export interface StoryFrame {
  /** c (the cycle), d<index> (a decision) or e<seq> (an event after the cycle). */
  key: string;
  /** Computed for the frames a client shows, not for all 10,000 of a big cycle. */
  label: () => string;
  /** 1-based line in the cycle's document. */
  line: number;
}

// The document's layout, shared by its writer and the frames pointing into it: `{`, the cycle, trigger,
// started_at, duration_ms, shares, `"agents": [`, one line per agent, `],`, `"decisions": [`, one line
// per decision, `],`, `"story": [`, one line per event.
const HEAD = 7;
const decisionLine = (agents: number, i: number) => HEAD + agents + 2 + i + 1;
const storyLine = (agents: number, decisions: number, i: number) => HEAD + agents + 2 + decisions + 2 + i + 1;

function decisionLabel(cycle: number, d: CycleDecision, names: Names): string {
  const [fw, agent] = [names.framework(d.framework_id), names.agent(d.agent_id)];
  const head = `cycle ${cycle} · `;
  switch (d.decision) {
    case 'offered': return `${head}offer ${d.offer_id ? names.offer(d.offer_id) : '(no id)'} → ${fw} on ${agent} (${formatResources(d.resources)})`;
    case 'filtered': return `${head}${agent} filtered for ${fw} until ${clock(d.until)}`;
    case 'quota_limit': return `${head}${agent}: role ${d.role} of ${fw} at its quota limit (${d.detail})`;
    case 'reserved_for_other_role': return `${head}${agent} reserved for another role than ${d.role} (${fw})`;
    case 'gpu_filtered': return `${head}${agent} has GPUs; ${fw} is not GPU-aware`;
    case 'suppressed': return `${head}${fw} suppressed role ${d.role} (${agent})`;
    case 'inactive': return `${head}${fw} inactive (${agent})`;
    case 'nothing_left': return `${head}${agent}: nothing left for ${fw}`;
  }
}

/** A cause as the master names it (OFFER_TIMEOUT), in words (offer timeout). */
const words = (cause: string) => cause.toLowerCase().replace(/_/g, ' ');

function eventLabel(e: StoryEvent, story: Story, names: Names): string {
  switch (e.kind) {
    case 'cycle': {
      const t = story.trace(e.cycle);
      return `cycle ${e.cycle} · ${e.trigger} · ${t ? `${t.agents.length} agents, ` : ''}${e.offered.length ? `offers to ${e.offered.map((f) => names.framework(f)).join(', ')}` : 'no offers'}`;
    }
    case 'answered': {
      const [offer, fw] = [names.offer(e.offer_id), names.framework(e.framework_id)];
      const cause = e.cause ? ` (${words(e.cause)})` : '';
      switch (e.answer) {
        case 'accepted': return `${offer} accepted by ${fw}${e.tasks.length ? ` (launch ${e.tasks.join(', ')})` : ''}`;
        case 'declined': return `${offer} declined by ${fw}${e.refuse_seconds !== undefined ? ` (refuse ${e.refuse_seconds} s)` : ''}`;
        case 'rescinded': return `${offer} rescinded from ${fw}${cause}`;
        case 'removed': return `${offer} removed with ${fw}${cause}`;
      }
    }
    case 'launched': return `${e.task_id} launched on ${names.agent(e.agent_id)} by ${names.framework(e.framework_id)}`;
    case 'status': return `${e.task_id} ${e.state}${e.message ? ` (${e.message})` : ''}`;
    case 'framework': return `framework ${names.framework(e.framework_id)} ${e.change}${e.change === 'updated' ? (e.active ? ' (active)' : ' (inactive)') : ''}`;
    case 'agent': return `agent ${names.agent(e.agent_id)} ${e.change}`;
  }
}

/** The document of one cycle: its trace, then the story that followed it, one entry per line. */
export function cycleDocument(story: Story, cycle: number, upTo: number): string {
  const t = story.trace(cycle);
  const list = (items: unknown[]) => items.map((x, i) => `    ${JSON.stringify(x)}${i < items.length - 1 ? ',' : ''}`);
  const out = ['{', `  "cycle": ${cycle},`];
  if (t) {
    out.push(`  "trigger": ${JSON.stringify(t.trigger)},`, `  "started_at": ${JSON.stringify(new Date(t.started_at).toISOString())},`, `  "duration_ms": ${t.duration_ms},`);
    out.push(`  "shares": ${JSON.stringify(t.shares)},`, '  "agents": [', ...list(t.agents), '  ],', '  "decisions": [', ...list(t.decisions), '  ],');
  } else {
    // Same height as a trace without agents or decisions, so the story's lines stay where frames say.
    out.push('  "trace": "no longer kept (older than the history the debugger holds)",', '', '', '', '', '', '', '');
  }
  const after = story.ofCycle(cycle, upTo).filter((e) => e.kind !== 'cycle').map(({ seq: _seq, cycle: _cycle, ...rest }) => ({ ...rest, at: new Date(rest.at).toISOString() }));
  out.push('  "story": [', ...list(after), '  ]', '}');
  return out.join('\n');
}

/** Frames of a cycle up to event `upTo`, newest first; only those concerning `frameworkId` if given. */
export function cycleFrames(story: Story, cycle: number, upTo: number, names: Names, frameworkId?: string): StoryFrame[] {
  const t = story.trace(cycle);
  const [agents, decisions] = [t?.agents.length ?? 0, t?.decisions ?? []];
  const events = story.ofCycle(cycle, upTo);
  const after = events.filter((e) => e.kind !== 'cycle');
  const frames: StoryFrame[] = [];
  for (let i = after.length - 1; i >= 0; i--) {
    const e = after[i];
    if (frameworkId && (e.kind === 'agent' || e.framework_id !== frameworkId)) continue;
    frames.push({ key: `e${e.seq}`, label: () => eventLabel(e, story, names), line: storyLine(agents, decisions.length, i) });
  }
  for (let i = decisions.length - 1; i >= 0; i--) {
    if (frameworkId && decisions[i].framework_id !== frameworkId) continue;
    frames.push({ key: `d${i}`, label: () => decisionLabel(cycle, decisions[i], names), line: decisionLine(agents, i) });
  }
  const marker = events.find((e) => e.kind === 'cycle');
  const bottom = () => (marker ? eventLabel(marker, story, names) : t ? `cycle ${cycle} · ${t.trigger} · ${t.agents.length} agents` : `cycle ${cycle}`);
  frames.push({ key: 'c', label: bottom, line: 2 });
  return frames;
}
