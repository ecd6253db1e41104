// The expression language of breakpoint conditions, Watch and the Debug Console: numbers, 'strings',
// names (`offers`, `cycle`), calls (`share('marathon')`), members (`.cpus`), arithmetic, comparisons,
// `&&` `||` `!`. Parsed here into a tree and evaluated by evaluate.ts: user text is never run as code.

export type Expr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'name'; name: string }
  | { type: 'call'; name: string; args: Expr[] }
  | { type: 'member'; object: Expr; name: string }
  | { type: 'unary'; op: '!' | '-'; operand: Expr }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr };

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/';

export class ExpressionError extends Error {}

type Token = { kind: 'number' | 'string' | 'name' | 'op'; text: string; at: number };

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '!', '(', ')', ',', '.'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) { tokens.push({ kind: 'number', text: number[0], at: i }); i += number[0].length; continue; }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError(`unterminated string at column ${i + 1}`);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    // Ids with '-' or '/' are written as strings ('agent-1'), so `offers-1` stays a subtraction.
    const name = /^[A-Za-z_]\w*/.exec(text.slice(i));
    if (name) { tokens.push({ kind: 'name', text: name[0], at: i }); i += name[0].length; continue; }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected '${c}' at column ${i + 1}`);
    tokens.push({ kind: 'op', text: op, at: i });
    i += op.length;
  }
  return tokens;
}

const PRECEDENCE: Array<BinaryOp[]> = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/']];

/** Parses an expression; throws ExpressionError naming the column of the first problem. */
export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const describe = (t: Token | undefined) => (t ? `'${t.text}' at column ${t.at + 1}` : 'the end');
  const expectOp = (op: string) => {
    const t = tokens[pos];
    if (t?.kind !== 'op' || t.text !== op) throw new ExpressionError(`expected '${op}' but found ${describe(t)}`);
    pos++;
  };

  const binary = (level: number): Expr => {
    if (level === PRECEDENCE.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t?.kind !== 'op' || !(PRECEDENCE[level] as string[]).includes(t.text)) return left;
      pos++;
      left = { type: 'binary', op: t.text as BinaryOp, left, right: binary(level + 1) };
    }
  };

  const unary = (): Expr => {
    const t = peek();
    if (t?.kind === 'op' && (t.text === '!' || t.text === '-')) {
      pos++;
      return { type: 'unary', op: t.text, operand: unary() };
    }
    return postfix(primary());
  };

  const primary = (): Expr => {
    const t = tokens[pos++];
    if (!t) throw new ExpressionError('unexpected end of expression');
    if (t.kind === 'number') return { type: 'number', value: Number(t.text) };
    if (t.kind === 'string') return { type: 'string', value: t.text };
    if (t.kind === 'name') {
      if (peek()?.text !== '(') return { type: 'name', name: t.text };
      pos++;
      const args: Expr[] = [];
      if (peek()?.text !== ')') {
        args.push(binary(0));
        while (peek()?.text === ',') { pos++; args.push(binary(0)); }
      }
      expectOp(')');
      return { type: 'call', name: t.text, args };
    }
    if (t.text === '(') {
      const inner = binary(0);
      expectOp(')');
      return inner;
    }
    throw new ExpressionError(`unexpected ${describe(t)}`);
  };

  const postfix = (object: Expr): Expr => {
    while (peek()?.text === '.') {
      pos++;
      const t = tokens[pos++];
      if (t?.kind !== 'name') throw new ExpressionError(`expected a field name after '.' but found ${describe(t)}`);
      object = { type: 'member', object, name: t.text };
    }
    return object;
  };

  if (tokens.length === 0) throw new ExpressionError('empty expression');
  const expr = binary(0);
  if (pos < tokens.length) throw new ExpressionError(`unexpected ${describe(tokens[pos])}`);
  return expr;
}
