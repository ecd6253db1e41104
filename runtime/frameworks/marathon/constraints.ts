// Marathon's placement constraints ([field, operator, value]) on hostname and agent attributes:
// UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS.
import { fieldValue, fullMatch, type Placement } from '../placement';
import type { Constraint } from './app';

/** Whether one more instance may go to `offer` given where the app's instances already run. */
export function meetsConstraint([field, operator, param]: Constraint, offer: Placement, placed: Placement[]): boolean {
  const value = fieldValue(field, offer);
  if (operator === 'UNLIKE') return value === undefined || !fullMatch(param ?? '', value);
  if (value === undefined) return false;
  const others = placed.map((p) => fieldValue(field, p)).filter((v): v is string => v !== undefined);
  switch (operator) {
    case 'UNIQUE': return !others.includes(value);
    case 'CLUSTER': return param ? value === param : others.every((o) => o === value);
    case 'LIKE': return fullMatch(param ?? '', value);
    case 'IS': return value === param;
    case 'MAX_PER': return others.filter((o) => o === value).length < Number(param);
    case 'GROUP_BY': {
      const counts = new Map<string, number>();
      for (const o of others) counts.set(o, (counts.get(o) ?? 0) + 1);
      // Until the expected number of groups is seen, an unseen group is the least loaded one.
      const least = counts.size < Number(param ?? 0) ? 0 : Math.min(...counts.values(), counts.has(value) ? Infinity : 0);
      return (counts.get(value) ?? 0) <= least;
    }
    default: return false;
  }
}

/** The first constraint `offer` fails, or undefined when it meets them all. */
export function unmetConstraint(constraints: Constraint[], offer: Placement, placed: Placement[]): Constraint | undefined {
  return constraints.find((c) => !meetsConstraint(c, offer, placed));
}
