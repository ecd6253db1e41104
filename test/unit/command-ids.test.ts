// The extension's command ids live in one module (extension/commands/ids.ts): it and package.json's
// contributes name the same commands, and every menu entry names one of them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../extension/commands/ids';

const contributes = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')).contributes as {
  commands: Array<{ command: string }>;
  menus: Record<string, Array<{ command: string }>>;
};

test('every command in package.json contributes.commands is in extension/commands/ids.ts, and vice versa', () => {
  assert.deepEqual(contributes.commands.map((c) => c.command).sort(), Object.values(COMMANDS).sort());
});

test('every menu entry names a contributed command', () => {
  const ids = new Set<string>(Object.values(COMMANDS));
  for (const [menu, entries] of Object.entries(contributes.menus)) {
    for (const e of entries) assert.ok(ids.has(e.command), `${menu}: ${e.command}`);
  }
});
