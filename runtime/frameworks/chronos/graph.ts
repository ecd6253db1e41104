// The dependency graph of jobs: parents must exist and form no cycle; a child runs after its parent's
// success when it has one parent, and once every parent has succeeded since the child's last run when
// it has several (Chronos' edge counts: each success counts on its edge, the child runs when the edge
// reaches the lowest count among the child's edges). Also the graph as dot and csv.
import { Refusal } from '../../common/refusal';
import { lastStatus } from './job';
import { runStates, type ChronosState } from './state';

const edge = (parent: string, child: string) => `${parent} ${child}`;

export function childrenOf(state: ChronosState, parent: string): string[] {
  return Object.values(state.jobs).filter((j) => j.parents?.includes(parent)).map((j) => j.name);
}

/** Refuses parents that do not exist, or that would make `child` its own ancestor. */
export function checkParents(state: ChronosState, child: string, parents: string[]): void {
  for (const p of parents) {
    if (p === child) throw new Refusal('invalid', `'parents': job '${child}' cannot be its own parent`);
    if (!state.jobs[p]) throw new Refusal('invalid', `'parents': parent job '${p}' does not exist`);
  }
  // A cycle: some parent descends from the child already.
  const descendants = new Set<string>();
  const walk = (name: string) => {
    for (const c of childrenOf(state, name)) if (!descendants.has(c)) { descendants.add(c); walk(c); }
  };
  walk(child);
  const looping = parents.find((p) => descendants.has(p));
  if (looping) throw new Refusal('invalid', `'parents': making '${looping}' a parent of '${child}' would create a cycle ('${looping}' depends on '${child}')`);
}

/** Keeps the counts of edges a child keeps, drops the others (its parents changed, or it went). */
export function rewireEdges(state: ChronosState, child: string, parents: string[]): void {
  for (const key of Object.keys(state.edges)) {
    const [p, c] = key.split(' ');
    if ((c === child && !parents.includes(p)) || p === child) delete state.edges[key];
  }
  for (const p of parents) state.edges[edge(p, child)] ??= 0;
}

/** The children that run now that `parent` succeeded (counting the success on their edges). */
export function readyChildren(state: ChronosState, parent: string): string[] {
  return childrenOf(state, parent).filter((child) => {
    const parents = state.jobs[child].parents!;
    if (parents.length === 1) return true;
    const key = edge(parent, child);
    state.edges[key] = (state.edges[key] ?? 0) + 1;
    return state.edges[key] === Math.min(...parents.map((p) => state.edges[edge(p, child)] ?? 0));
  });
}

/** A child ran: its parents count from zero again. */
export function resetEdges(state: ChronosState, child: string): void {
  for (const p of state.jobs[child]?.parents ?? []) state.edges[edge(p, child)] = 0;
}

/** The parent → child edges with their counts. */
export function edgeCounts(state: ChronosState): Array<{ parent: string; child: string; count: number }> {
  return Object.values(state.jobs).flatMap((j) => (j.parents ?? []).map((p) => ({ parent: p, child: j.name, count: state.edges[edge(p, j.name)] ?? 0 })));
}

/** GET /v1/scheduler/graph/dot: vertices numbered, labelled with job names. */
export function dotGraph(state: ChronosState): string {
  const names = Object.keys(state.jobs);
  const number = new Map(names.map((n, i) => [n, i + 1]));
  const lines = names.map((n) => `  ${number.get(n)} [ label = ${JSON.stringify(n)} ];`);
  for (const { parent, child } of edgeCounts(state)) lines.push(`  ${number.get(parent)} -> ${number.get(child)};`);
  return `digraph G {\n${lines.join('\n')}\n}\n`;
}

/** GET /v1/scheduler/graph/csv: `node,<job>,<last status>,<state>` lines, then `link,<parent>,<child>`. */
export function csvGraph(state: ChronosState): string {
  const runState = runStates(state);
  const nodes = Object.values(state.jobs).map((j) => `node,${j.name},${lastStatus(j)},${runState(j.name)}\n`);
  const links = edgeCounts(state).map(({ parent, child }) => `link,${parent},${child}\n`);
  return [...nodes, ...links].join('');
}
