// The app schema (shared by the API and the editor) and the rules it cannot state: Marathon's example
// apps validate unchanged, invalid ones fail at Marathon's paths, and the defaults are Marathon's.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import schema from '../../runtime/frameworks/marathon/app.schema.json';
import { normalizeApp } from '../../runtime/frameworks/marathon/app';
import { appViolations } from '../../runtime/frameworks/marathon/validation';

const FIXTURES = path.resolve(__dirname, '../fixtures/marathon');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

test('the schema compiles in strict mode, with a description on every property', () => {
  new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  for (const [name, property] of Object.entries(schema.properties)) assert.ok((property as { description?: string }).description ?? name === 'container', `${name} has a description`);
});

test('Marathon\'s example apps validate unchanged', () => {
  for (const name of ['example-app.json', 'sleep-app.json', 'large-sleep.json', 'mesos-app.json']) {
    assert.deepEqual(appViolations(fixture(name)), [], name);
  }
});

test('invalid apps fail at the expected paths', () => {
  for (const { app, paths } of fixture('invalid-apps.json') as Array<{ app: unknown; paths: string[] }>) {
    assert.deepEqual(appViolations(app).map((d) => d.path), paths, JSON.stringify(app));
  }
});

test('the schema\'s defaults are the ones the API applies, Marathon\'s', () => {
  const app = normalizeApp({ id: 'x', cmd: 'true' }, '2026-01-01T00:00:00.000Z');
  const props = schema.properties as Record<string, { default?: unknown }>;
  for (const field of ['cpus', 'mem', 'disk', 'gpus', 'instances', 'backoffSeconds', 'backoffFactor', 'maxLaunchDelaySeconds', 'killSelection', 'requirePorts', 'upgradeStrategy', 'unreachableStrategy', 'portDefinitions']) {
    assert.deepEqual(props[field].default, app[field], field);
  }
  assert.deepEqual([app.cpus, app.mem, app.disk, app.gpus, app.instances], [1, 128, 0, 0, 1]);
});
