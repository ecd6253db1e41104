// The jobs' dependency graph as an SVG for the Job Graph webview (no vscode import: unit-tested). Jobs
// are laid out in layers, each one below its deepest parent; an edge runs from a parent to its child;
// a job is coloured by its last status. Text is escaped: job names and statuses come from the cluster.
import type { JobStatus } from '../jobs-feed';
import { naturalCompare } from './labels';

const BOX = { width: 160, height: 40, gapX: 30, gapY: 50, margin: 20 };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Each job's layer: 0 without (known) parents, else one more than its deepest parent. */
export function layers(jobs: readonly JobStatus[]): Map<string, number> {
  const byName = new Map(jobs.map((j) => [j.job.name, j]));
  const depth = new Map<string, number>();
  const visit = (name: string, trail: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    // The framework refuses cycles; a cycle seen anyway is cut rather than followed.
    if (trail.has(name)) return 0;
    trail.add(name);
    const parents = (byName.get(name)?.job.parents ?? []).filter((p) => byName.has(p));
    const d = parents.length ? 1 + Math.max(...parents.map((p) => visit(p, trail))) : 0;
    trail.delete(name);
    depth.set(name, d);
    return d;
  };
  for (const name of byName.keys()) visit(name, new Set());
  return depth;
}

export function graphSvg(jobs: readonly JobStatus[]): string {
  const depth = layers(jobs);
  const rows: string[][] = [];
  for (const name of [...depth.keys()].sort(naturalCompare)) (rows[depth.get(name)!] ??= []).push(name);
  const at = new Map<string, { x: number; y: number }>();
  rows.forEach((row, r) => row.forEach((name, i) => at.set(name, { x: BOX.margin + i * (BOX.width + BOX.gapX), y: BOX.margin + r * (BOX.height + BOX.gapY) })));
  const width = BOX.margin * 2 + Math.max(1, ...rows.map((r) => r.length)) * (BOX.width + BOX.gapX) - BOX.gapX;
  const height = BOX.margin * 2 + Math.max(1, rows.length) * (BOX.height + BOX.gapY) - BOX.gapY;
  const edges = jobs.flatMap(({ job }) => (job.parents ?? []).filter((p) => at.has(p)).map((p) => {
    const from = at.get(p)!;
    const to = at.get(job.name)!;
    return `<line class="edge" x1="${from.x + BOX.width / 2}" y1="${from.y + BOX.height}" x2="${to.x + BOX.width / 2}" y2="${to.y}" marker-end="url(#arrow)"><title>${escape(`${p} → ${job.name}`)}</title></line>`;
  }));
  const nodes = jobs.map(({ job, summary }) => {
    const { x, y } = at.get(job.name)!;
    const status = job.disabled ? 'disabled' : summary?.status ?? 'fresh';
    return `<g class="job ${status}"><rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="4"/>`
      + `<text x="${x + 8}" y="${y + 17}">${escape(job.name)}</text><text class="state" x="${x + 8}" y="${y + 32}">${escape(`${status} · ${summary?.state ?? 'idle'}`)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>'
    + `${edges.join('')}${nodes.join('')}</svg>`;
}
