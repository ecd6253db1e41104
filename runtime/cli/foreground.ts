// What both modes of `mesolite up` share: the lines that suggest a first task, a first app and its log
// (printed as they can be typed), and staying in the foreground until Ctrl+C or until the cluster is
// stopped from elsewhere (`mesolite down` in another shell).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageDir, quote, selfCommand, shellDir } from './self';

/** The sample app (as a path that works from the shell), or the same app inline when the sample is not at hand. */
function helloApp(): string {
  const sample = path.join(packageDir(), 'samples', 'hello.app.json');
  if (!fs.existsSync(sample)) return `'{"id":"hello","cmd":"while true; do echo hello from mesolite; sleep 1; done","cpus":0.1,"mem":32}'`;
  const relative = path.relative(shellDir(), sample);
  return quote(relative.startsWith('..') ? sample : relative);
}

export function tryLines(name: string, masterFlag: string, marathon: string | undefined): string[] {
  const mesolite = selfCommand();
  const named = name === 'local' ? '' : ` --name=${name}`;
  return [
    `  try             ${mesolite} execute --master=${masterFlag} --name=hello --command='echo hello'`,
    ...(marathon ? [
      `                  ${mesolite} deploy${named} ${helloApp()}`,
      `                  ${mesolite} task log hello --follow${named}`,
    ] : []),
    `                  ${mesolite} task list${named}`,
  ];
}

/** The line that says how the cluster ends. */
export const endLine = (name: string, detached: boolean, what = 'stop') =>
  (detached ? `${what[0].toUpperCase()}${what.slice(1)} it with: ${selfCommand()} down${name === 'local' ? '' : ` --name=${name}`}` : `Press Ctrl+C to ${what} the cluster.`);

/**
 * Resolves once `stop` has run after Ctrl+C or SIGTERM, or once `stoppedElsewhere` resolves (its value
 * is printed and nothing is stopped: someone else did it). Signal handlers alone do not keep Node running.
 */
export function untilInterrupted(message: string, stop: () => Promise<void>, stoppedElsewhere: Promise<string>): Promise<void> {
  return new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    let ending = false;
    const end = (line: string, then: () => Promise<void>) => {
      if (ending) return;
      ending = true;
      clearInterval(keepAlive);
      process.stdout.write(`\n${line}\n`);
      void then().finally(resolve);
    };
    const onSignal = () => end(message, stop);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    void stoppedElsewhere.then((line) => end(line, async () => undefined));
  });
}
