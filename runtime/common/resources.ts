// Resource math over Mesos v1 Resource lists: scalars (fixed point, 3 decimals, as Mesos), ranges and sets.
// Two resources combine when name, type, reservation role and allocation role agree.
import type { Range, Resource } from './protocol/v1';

const round = (x: number) => Math.round(x * 1000) / 1000;

export function reservationRole(r: Resource): string {
  const reservations = r.reservations ?? [];
  if (reservations.length) return reservations[reservations.length - 1].role ?? '*';
  return r.role ?? '*';
}

const keyOf = (r: Resource) => `${r.name}\u0000${r.type}\u0000${reservationRole(r)}\u0000${r.allocation_info?.role ?? ''}`;

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

function subtractRanges(from: Range[], take: Range[]): Range[] {
  let out = mergeRanges(from);
  for (const t of take) {
    const next: Range[] = [];
    for (const r of out) {
      if (t.end < r.begin || t.begin > r.end) { next.push(r); continue; }
      if (r.begin < t.begin) next.push({ begin: r.begin, end: t.begin - 1 });
      if (r.end > t.end) next.push({ begin: t.end + 1, end: r.end });
    }
    out = next;
  }
  return out;
}

function rangesContain(outer: Range[], inner: Range[]): boolean {
  const merged = mergeRanges(outer);
  return inner.every((i) => merged.some((o) => o.begin <= i.begin && i.end <= o.end));
}

function isEmptyResource(r: Resource): boolean {
  if (r.type === 'SCALAR') return (r.scalar?.value ?? 0) <= 0;
  if (r.type === 'RANGES') return (r.ranges?.range ?? []).length === 0;
  return (r.set?.item ?? []).length === 0;
}

/**
 * Resources of one key summed up. Lists are values: an entry that neither combined with another nor
 * changed is handed back as the very object it came from, so the allocator's hot loops allocate little.
 */
interface Aggregate { proto: Resource; count: number; changed: boolean; scalar: number; ranges: Range[]; items?: Set<string> }

function aggregate(lists: Resource[][]): Map<string, Aggregate> {
  const byKey = new Map<string, Aggregate>();
  for (const list of lists) {
    for (const r of list) {
      const key = keyOf(r);
      let agg = byKey.get(key);
      if (!agg) {
        agg = { proto: r, count: 0, changed: false, scalar: 0, ranges: [] };
        byKey.set(key, agg);
      }
      agg.count++;
      if (r.type === 'SCALAR') agg.scalar += r.scalar?.value ?? 0;
      else if (r.type === 'RANGES') agg.ranges.push(...(r.ranges?.range ?? []));
      else {
        agg.items ??= new Set();
        for (const item of r.set?.item ?? []) agg.items.add(item);
      }
    }
  }
  return byKey;
}

function materialize(byKey: Map<string, Aggregate>): Resource[] {
  const out: Resource[] = [];
  for (const agg of byKey.values()) {
    const r = agg.proto;
    if (agg.count === 1 && !agg.changed && r.type !== 'RANGES') {
      if (!isEmptyResource(r)) out.push(r);
      continue;
    }
    let made: Resource;
    if (r.type === 'SCALAR') made = { ...r, scalar: { value: round(agg.scalar) } };
    else if (r.type === 'RANGES') made = { ...r, ranges: { range: mergeRanges(agg.ranges) } };
    else made = { ...r, set: { item: [...(agg.items ?? [])].sort() } };
    if (!isEmptyResource(made)) out.push(made);
  }
  return out;
}

/** Sums resource lists into a normalised list (one entry per key, empty entries dropped). */
export function add(...lists: Resource[][]): Resource[] {
  return materialize(aggregate(lists));
}

export function subtract(from: Resource[], take: Resource[]): Resource[] {
  const byKey = aggregate([from]);
  for (const r of take) {
    const agg = byKey.get(keyOf(r));
    if (!agg) continue;
    agg.changed = true;
    if (r.type === 'SCALAR') agg.scalar -= r.scalar?.value ?? 0;
    else if (r.type === 'RANGES') agg.ranges = subtractRanges(agg.ranges, r.ranges?.range ?? []);
    else for (const item of r.set?.item ?? []) agg.items?.delete(item);
  }
  return materialize(byKey);
}

/** True when every resource in `inner` is available in `outer`. */
export function contains(outer: Resource[], inner: Resource[]): boolean {
  const o = aggregate([outer]);
  for (const [key, need] of aggregate([inner])) {
    if (need.proto.type === 'SCALAR' ? need.scalar <= 0 : need.proto.type === 'RANGES' ? need.ranges.length === 0 : !need.items?.size) continue;
    const have = o.get(key);
    if (!have) return false;
    if (need.proto.type === 'SCALAR') {
      if (round(need.scalar) > round(have.scalar) + 1e-9) return false;
    } else if (need.proto.type === 'RANGES') {
      if (!rangesContain(have.ranges, need.ranges)) return false;
    } else {
      for (const item of need.items ?? []) if (!have.items?.has(item)) return false;
    }
  }
  return true;
}

export function isEmpty(list: Resource[]): boolean {
  return add(list).length === 0;
}

/** Total scalar quantity of a resource name across roles. */
export function scalar(list: Resource[], name: string): number {
  return round(list.filter((r) => r.name === name && r.type === 'SCALAR').reduce((s, r) => s + (r.scalar?.value ?? 0), 0));
}

// Resource lists are treated as values: these share the unchanged parts with their input.
export function allocate(list: Resource[], role: string): Resource[] {
  return list.map((r) => ({ ...r, allocation_info: { role } }));
}

export function unallocate(list: Resource[]): Resource[] {
  return list.map((r) => {
    if (!r.allocation_info) return r;
    const { allocation_info: _, ...rest } = r;
    return rest;
  });
}

export function formatRanges(ranges: Range[]): string {
  return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
}

/** The v0 (/master/state) shape: {cpus: 4, mem: 4096, ports: "[31000-32000]"}. */
export function toV0(list: Resource[]): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  for (const r of add(unallocate(list))) {
    if (r.type === 'SCALAR') out[r.name] = round(Number(out[r.name] ?? 0) + (r.scalar?.value ?? 0));
    else if (r.type === 'RANGES') out[r.name] = formatRanges(r.ranges?.range ?? []);
    else out[r.name] = `{${(r.set?.item ?? []).join(', ')}}`;
  }
  return out;
}

export function formatResources(list: Resource[]): string {
  return add(list)
    .map((r) => {
      const role = reservationRole(r) === '*' ? '' : `(${reservationRole(r)})`;
      const value = r.type === 'SCALAR' ? String(r.scalar?.value) : r.type === 'RANGES' ? formatRanges(r.ranges?.range ?? []) : `{${(r.set?.item ?? []).join(',')}}`;
      return `${r.name}${role}:${value}`;
    })
    .join(';');
}

/**
 * Parses the agent's `--resources` text ("cpus:4;mem:4096;ports:[31000-32000];cpus(ops):2")
 * or a JSON array of Resource objects.
 */
export function parseResources(text: string): Resource[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    validateResources(parsed, 'resources');
    return add(parsed as Resource[]);
  }
  const list: Resource[] = [];
  for (const part of trimmed.split(';').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_./-]+)(?:\(([^)]*)\))?\s*:\s*(.+)$/.exec(part);
    if (!match) throw new Error(`Invalid resource '${part}' (expected name:value, e.g. cpus:4)`);
    const [, name, role, value] = match;
    const reservations = role && role !== '*' ? [{ type: 'STATIC' as const, role }] : undefined;
    const base = { name, ...(reservations ? { reservations } : {}) };
    if (value.startsWith('[')) {
      const range = value.replace(/[[\]\s]/g, '').split(',').filter(Boolean).map((s) => {
        const m = /^(\d+)-(\d+)$/.exec(s);
        if (!m || Number(m[1]) > Number(m[2])) throw new Error(`Invalid range '${s}' in resource '${name}'`);
        return { begin: Number(m[1]), end: Number(m[2]) };
      });
      list.push({ ...base, type: 'RANGES', ranges: { range } });
    } else if (value.startsWith('{')) {
      list.push({ ...base, type: 'SET', set: { item: value.replace(/[{}\s]/g, '').split(',').filter(Boolean) } });
    } else {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`Invalid scalar '${value}' for resource '${name}'`);
      list.push({ ...base, type: 'SCALAR', scalar: { value: n } });
    }
  }
  return add(list);
}

/** Validates untrusted Resource JSON; throws an Error naming the offending field path. */
export function validateResources(value: unknown, path: string): asserts value is Resource[] {
  if (!Array.isArray(value)) throw new Error(`'${path}' must be an array of Resource`);
  value.forEach((r: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof r !== 'object' || r === null) throw new Error(`'${at}' must be an object`);
    const res = r as Record<string, unknown>;
    if (typeof res.name !== 'string' || !res.name) throw new Error(`'${at}.name' must be a non-empty string`);
    if (res.type === 'SCALAR') {
      const v = (res.scalar as { value?: unknown } | undefined)?.value;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`'${at}.scalar.value' must be a non-negative number`);
    } else if (res.type === 'RANGES') {
      const ranges = (res.ranges as { range?: unknown } | undefined)?.range;
      if (!Array.isArray(ranges)) throw new Error(`'${at}.ranges.range' must be an array`);
      for (const r2 of ranges as Array<Record<string, unknown>>) {
        if (!Number.isInteger(r2?.begin) || !Number.isInteger(r2?.end) || (r2.begin as number) > (r2.end as number)) {
          throw new Error(`'${at}.ranges.range' must hold {begin, end} integers with begin <= end`);
        }
      }
    } else if (res.type === 'SET') {
      const items = (res.set as { item?: unknown } | undefined)?.item;
      if (!Array.isArray(items) || items.some((x) => typeof x !== 'string')) throw new Error(`'${at}.set.item' must be an array of strings`);
    } else {
      throw new Error(`'${at}.type' must be one of SCALAR, RANGES, SET`);
    }
  });
}
