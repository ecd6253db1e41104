// The mesolite CLI as a person runs it (the built bundle), each test in a MESOLITE_HOME of its own.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE } from './cluster';

export interface Run { status: number | null; stdout: string; stderr: string; ms: number }

export class CliHome {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-home-'));
  readonly env: NodeJS.ProcessEnv = { ...process.env, MESOLITE_HOME: this.dir };
  private readonly names = new Set<string>();

  /** Runs `mesolite ARGS` to its end; clusters it starts are stopped by cleanup(). */
  run(args: string[], timeoutMs = 60_000): Run {
    this.remember(args);
    const started = Date.now();
    const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', env: this.env, timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
  }

  /** Starts `mesolite ARGS` in the background, collecting its output. */
  start(args: string[]): { child: ChildProcess; output: () => string } {
    this.remember(args);
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: this.env });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    return { child, output: () => out };
  }

  clusterDir(name: string): string {
    return path.join(this.dir, 'clusters', name);
  }

  cleanup(): void {
    for (const name of this.names) this.run(['down', `--name=${name}`]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private remember(args: string[]): void {
    if (args[0] === 'up') this.names.add(args.find((a) => a.startsWith('--name='))?.slice(7) ?? 'local');
  }
}

/** A failure as the CLI must report one: non-zero, one line on stderr, no stack frames. */
export function assertOneLineError(r: Run, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `expected a failure, got: ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(lines[0], pattern);
}
