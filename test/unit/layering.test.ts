// The layout's dependency rules (shared/DESIGN.md), checked on the sources: no import circles under
// runtime/ (type imports count: a circle of types is still a circle of modules), runtime/ never imports
// vscode, master and agent never import each other, the extension imports only runtime/client, cluster
// and common, and webviews import runtime/common only as types.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []);
}

/** Each file's imports (type-only ones flagged), resolved to repository paths where they are relative. */
function importsOf(file: string): Array<{ target: string; typeOnly: boolean }> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(['"]([^'"]+)['"]\)/g)].map((m) => {
    const spec = m.length === 3 ? m[2] : m[1];
    const typeOnly = m.length === 3 && !!m[1];
    if (!spec.startsWith('.')) return { target: spec, typeOnly };
    const base = path.join(path.dirname(file), spec);
    const target = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(path.join(ROOT, f))) ?? base;
    return { target, typeOnly };
  });
}

const runtime = sources('runtime');
const graph = new Map(runtime.map((f) => [f, importsOf(f)]));

test('no import circles under runtime/', () => {
  const state = new Map<string, 'visiting' | 'done'>();
  const circles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') { circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> ')); return; }
    state.set(file, 'visiting');
    for (const { target } of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of runtime) visit(file, []);
  assert.deepEqual(circles, []);
});

test('runtime/ never imports vscode; master and agent never import each other', () => {
  for (const [file, imports] of graph) {
    for (const { target } of imports) {
      assert.notEqual(target, 'vscode', `${file} imports vscode`);
      if (file.startsWith('runtime/master/')) assert.ok(!target.startsWith('runtime/agent/'), `${file} imports ${target}`);
      if (file.startsWith('runtime/agent/')) assert.ok(!target.startsWith('runtime/master/'), `${file} imports ${target}`);
    }
  }
});

test('the extension imports only runtime/client, runtime/cluster and runtime/common; webviews only types', () => {
  for (const file of sources('extension')) {
    for (const { target } of importsOf(file)) {
      if (target.startsWith('runtime/')) assert.match(target, /^runtime\/(client|cluster|common)\//, `${file} imports ${target}`);
    }
  }
  for (const file of fs.existsSync(path.join(ROOT, 'webviews')) ? sources('webviews') : []) {
    for (const { target, typeOnly } of importsOf(file)) {
      if (target.startsWith('runtime/')) assert.ok(typeOnly, `${file} imports ${target} (webviews may import runtime types only)`);
    }
  }
});
