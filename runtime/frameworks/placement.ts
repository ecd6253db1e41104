// What the frameworks share about placing a task on an offer: the value an agent has for a constraint's
// field (its hostname or one of its attributes), full-match regular expressions (LIKE / UNLIKE in both
// Marathon and Chronos), and taking a scalar amount out of an offer's resources.
import type { Attribute, Resource } from '../common/protocol/v1';

/** Where a task runs, or where an offer would put one. */
export interface Placement { hostname: string; attributes?: Attribute[] }

export function attributeValue(a: Attribute): string {
  switch (a.type) {
    case 'TEXT': return a.text?.value ?? '';
    case 'SCALAR': return String(a.scalar?.value ?? '');
    case 'RANGES': return (a.ranges?.range ?? []).map((r) => `[${r.begin}-${r.end}]`).join(',');
    case 'SET': return `{${(a.set?.item ?? []).join(',')}}`;
  }
}

/** The value a constraint field has at a placement (undefined when the agent lacks the attribute). */
export function fieldValue(field: string, p: Placement): string | undefined {
  if (field === 'hostname' || field === '@hostname') return p.hostname;
  const attribute = p.attributes?.find((a) => a.name === field);
  return attribute ? attributeValue(attribute) : undefined;
}

export const fullMatch = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

/** A copy of `r` (same name, roles, allocation) holding only `part`. */
export function portion(r: Resource, part: Pick<Resource, 'type' | 'scalar' | 'ranges'>): Resource {
  const { scalar: _s, ranges: _r, set: _set, ...identity } = r;
  return { ...identity, ...part };
}

/** `amount` of the scalar `name` taken from `pool` (possibly from several resources), or undefined when there is not enough. */
export function takeScalar(pool: Resource[], name: string, amount: number): Resource[] | undefined {
  const taken: Resource[] = [];
  let left = Math.round(amount * 1000) / 1000;
  for (const r of pool) {
    if (left <= 0) break;
    if (r.name !== name || r.type !== 'SCALAR' || !r.scalar?.value) continue;
    const part = Math.min(left, r.scalar.value);
    taken.push(portion(r, { type: 'SCALAR', scalar: { value: part } }));
    left = Math.round((left - part) * 1000) / 1000;
  }
  return left <= 0 ? taken : undefined;
}
