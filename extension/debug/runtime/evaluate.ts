// Evaluates a parsed expression against a Scope (the names and functions of one stop point). Lists
// compare and add by their count, so `offers > 3` reads as "more than three offers".
import { ExpressionError, parseExpression, type BinaryOp, type Expr } from './expressions';

export type Value = number | string | boolean | null | Value[] | { [key: string]: Value };

export interface Scope {
  /** The value of a bare name, or undefined when the name is unknown. */
  name(name: string): Value | undefined;
  /** Calls a function of the scope; throws ExpressionError for unknown functions or arguments. */
  call(name: string, args: Value[]): Value;
  /** Names offered in error messages. */
  readonly names: string[];
}

function asNumber(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new ExpressionError(`${what} is ${JSON.stringify(v)}, not a number`);
}

export function truthy(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && v !== 0 && v !== '' && v !== false;
}

function compare(op: BinaryOp, a: Value, b: Value): boolean {
  if (op === '==' || op === '!=') {
    const same = typeof a === 'string' || typeof b === 'string' ? String(a) === String(b) : asNumber(a, 'left side') === asNumber(b, 'right side');
    return op === '==' ? same : !same;
  }
  const [x, y] = [asNumber(a, 'left side'), asNumber(b, 'right side')];
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function member(object: Value, name: string): Value {
  if (Array.isArray(object)) {
    if (name === 'length' || name === 'count') return object.length;
    throw new ExpressionError(`a list has no field '${name}' (only length)`);
  }
  if (object === null || typeof object !== 'object') throw new ExpressionError(`${JSON.stringify(object)} has no field '${name}'`);
  // A resource missing from a Mesos resource list is zero of it, as Mesos' arithmetic treats it.
  if (Object.hasOwn(object, name)) return object[name];
  return ['cpus', 'mem', 'disk', 'gpus'].includes(name) ? 0 : null;
}

export function evaluate(expr: Expr, scope: Scope): Value {
  switch (expr.type) {
    case 'number':
    case 'string':
      return expr.value;
    case 'name': {
      if (expr.name === 'true' || expr.name === 'false') return expr.name === 'true';
      const value = scope.name(expr.name);
      if (value === undefined) throw new ExpressionError(`unknown name '${expr.name}' (known: ${scope.names.join(', ')})`);
      return value;
    }
    case 'call':
      return scope.call(expr.name, expr.args.map((a) => evaluate(a, scope)));
    case 'member':
      return member(evaluate(expr.object, scope), expr.name);
    case 'unary': {
      const v = evaluate(expr.operand, scope);
      return expr.op === '!' ? !truthy(v) : -asNumber(v, 'operand of -');
    }
    case 'binary': {
      if (expr.op === '&&') return truthy(evaluate(expr.left, scope)) && truthy(evaluate(expr.right, scope));
      if (expr.op === '||') return truthy(evaluate(expr.left, scope)) || truthy(evaluate(expr.right, scope));
      const [a, b] = [evaluate(expr.left, scope), evaluate(expr.right, scope)];
      if (['==', '!=', '<', '<=', '>', '>='].includes(expr.op)) return compare(expr.op, a, b);
      const [x, y] = [asNumber(a, 'left side'), asNumber(b, 'right side')];
      if (expr.op === '/' && y === 0) throw new ExpressionError('division by zero');
      return expr.op === '+' ? x + y : expr.op === '-' ? x - y : expr.op === '*' ? x * y : x / y;
    }
  }
}

/** Parses and evaluates in one go (the Debug Console and Watch). */
export function evaluateText(text: string, scope: Scope): Value {
  return evaluate(parseExpression(text), scope);
}

/** Display form: numbers to 4 decimals at most, lists and objects as compact JSON. */
export function formatValue(v: Value): string {
  if (typeof v === 'number') return String(Number.isInteger(v) ? v : +v.toFixed(4));
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? +x.toFixed(4) : x));
}
