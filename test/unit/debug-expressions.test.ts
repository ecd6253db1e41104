// The offer-cycle debugger's expression language (extension/debug/runtime/expressions.ts, evaluate.ts,
// scope.ts) and its breakpoint parser: conditions such as share('marathon') > 0.5, offers > 3 and
// available('S0').cpus < 1 evaluated against a cycle trace, without running user text as code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFunctionBreakpoint, shouldStop } from '../../extension/debug/runtime/breakpoints';
import { evaluateText, formatValue, truthy } from '../../extension/debug/runtime/evaluate';
import { ExpressionError, parseExpression } from '../../extension/debug/runtime/expressions';
import { momentScope } from '../../extension/debug/runtime/scope';
import { fixture, offered, trace } from './debug-fixture';

test('parses precedence, calls, members, strings and unary operators into a tree', () => {
  assert.deepEqual(parseExpression("share('a') > 0.5 && !x || -y.z * 2"), {
    type: 'binary', op: '||',
    left: { type: 'binary', op: '&&',
      left: { type: 'binary', op: '>', left: { type: 'call', name: 'share', args: [{ type: 'string', value: 'a' }] }, right: { type: 'number', value: 0.5 } },
      right: { type: 'unary', op: '!', operand: { type: 'name', name: 'x' } } },
    right: { type: 'binary', op: '*', left: { type: 'unary', op: '-', operand: { type: 'member', object: { type: 'name', name: 'y' }, name: 'z' } }, right: { type: 'number', value: 2 } },
  });
  assert.deepEqual(parseExpression('offers-1'), { type: 'binary', op: '-', left: { type: 'name', name: 'offers' }, right: { type: 'number', value: 1 } });
});

test('bad input is refused with the column, never evaluated as JavaScript', () => {
  for (const [text, message] of [
    ['share(', /unexpected end/], ["'open", /unterminated string at column 1/], ['a ; b', /unexpected ';' at column 3/],
    ['process.exit(1)', /field name|unexpected/], ['a.', /expected a field name/], ['', /empty/], ['(1', /expected '\)'/],
  ] as const) {
    assert.throws(() => parseExpression(text), (e: Error) => e instanceof ExpressionError && message.test(e.message), text);
  }
  const { moment } = fixture();
  assert.throws(() => evaluateText('process', momentScope(moment)), /unknown name 'process'/);
  assert.throws(() => evaluateText("constructor('x')", momentScope(moment)), /unknown function 'constructor'/);
  assert.throws(() => evaluateText('constructor', momentScope(moment)), /unknown name 'constructor'/);
  assert.equal(evaluateText("available('S0').constructor", momentScope(moment)), null);
});

test('conditions over a cycle: shares, offers (a list compares by its count), what is left on an agent', () => {
  const { moment } = fixture();
  const scope = momentScope(moment);
  assert.equal(evaluateText("share('marathon')", scope), 0.5);
  assert.equal(evaluateText("share('marathon') > 0.4 && share('spark') < 0.1", scope), true);
  assert.equal(evaluateText('offers > 0', scope), true);
  assert.equal(evaluateText('offers > 3', scope), false);
  assert.equal(evaluateText('offers.length', scope), 1);
  // S0 had 4 cpus at the start of the cycle; marathon was offered 3 of them.
  assert.deepEqual(evaluateText("available('S0')", scope), { cpus: 1, mem: 3072, disk: 0, gpus: 0 });
  assert.equal(evaluateText("available('S0').cpus < 1", scope), false);
  assert.equal(evaluateText("available('127.0.0.1:5052').cpus", scope), 4, 'an agent by hostname:port');
  assert.equal(evaluateText('cycle + 1', scope), 8);
  assert.throws(() => evaluateText("share('nobody')", scope), /no framework named "nobody"/);
  assert.throws(() => evaluateText("total('S0')", scope), /not recorded at cycle 7/);
  assert.throws(() => evaluateText('1 / 0', scope), /division by zero/);
  assert.equal(formatValue(1 / 3), '0.3333');
  assert.equal(truthy([]), false);
});

test('function breakpoints: parsed or unverified with the reason; triggers, conditions and hit counts', () => {
  assert.equal(parseFunctionBreakpoint(1, 'offer').trigger?.kind, 'offer');
  assert.deepEqual(parseFunctionBreakpoint(1, 'starved spark 3').trigger, { kind: 'starved', framework: 'spark', cycles: 3 });
  assert.deepEqual(parseFunctionBreakpoint(1, 'task_failed web').trigger, { kind: 'state', state: 'TASK_FAILED', target: 'web' });
  assert.match(parseFunctionBreakpoint(1, 'explode now').error!, /unknown breakpoint 'explode'/);
  assert.match(parseFunctionBreakpoint(1, 'launch').error!, /'launch' needs a task id or app id/);
  assert.match(parseFunctionBreakpoint(1, 'offer x', 'share(').error!, /^condition: unexpected end/);
  assert.match(parseFunctionBreakpoint(1, 'offer x', undefined, 'often').error!, /hit count 'often'/);

  const { story, names, moment, marker } = fixture();
  const problems: string[] = [];
  const stop = (bp: ReturnType<typeof parseFunctionBreakpoint>) => shouldStop(bp, marker, story, names, () => momentScope(moment), (p) => problems.push(p));
  assert.equal(stop(parseFunctionBreakpoint(1, 'offer marathon')), true);
  assert.equal(stop(parseFunctionBreakpoint(2, 'offer spark')), false);
  assert.equal(stop(parseFunctionBreakpoint(3, 'offer marathon', "share('marathon') > 0.6")), false);
  assert.equal(stop(parseFunctionBreakpoint(4, 'agent S0')), true);
  assert.equal(stop(parseFunctionBreakpoint(5, 'role *')), true);
  const third = parseFunctionBreakpoint(6, 'offer marathon', undefined, '3');
  assert.deepEqual([stop(third), stop(third), stop(third), stop(third)], [false, false, true, false]);
  const every2 = parseFunctionBreakpoint(7, 'offer', undefined, '% 2');
  assert.deepEqual([stop(every2), stop(every2)], [false, true]);
  assert.equal(stop(parseFunctionBreakpoint(8, 'offer', "total('S0').cpus > 1")), true, 'a condition that cannot be evaluated stops');
  assert.match(problems[0], /Breakpoint 'offer': total\(\): the state of agent S0 was not recorded/);
});

test('starved: hits on the cycle a framework that wants offers has gone N cycles without one', () => {
  const { story, names, moment } = fixture();
  const bp = parseFunctionBreakpoint(1, 'starved spark 2');
  const hits: number[] = [];
  for (let n = 8; n <= 11; n++) {
    story.addTrace(trace(n, [offered(n, 'S0', 'marathon'), { agent_id: 'm-S1', framework_id: 'm-0001', role: '*', decision: 'nothing_left' }]));
    const marker = story.appendCycle(n, n, 'step', ['m-0000']);
    if (shouldStop(bp, marker, story, names, () => momentScope(moment), () => undefined)) hits.push(n);
  }
  // Cycle 7 offered spark nothing either, so cycle 8 is the second cycle in a row: it hits there, once.
  assert.deepEqual(hits, [8]);
});
