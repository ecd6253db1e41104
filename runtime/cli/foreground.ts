// What both modes of `mesolite up` share: the lines that suggest a first task and a first app, and
// staying in the foreground until Ctrl+C.

export function tryLines(masterFlag: string, marathon: string | undefined): string[] {
  return [
    `  try             mesolite execute --master=${masterFlag} --name=hello --command='echo hello'`,
    ...(marathon ? [`                  curl -X POST -H 'Content-Type: application/json' ${marathon}/v2/apps -d '{"id":"hello","cmd":"while true; do echo hello; sleep 5; done","cpus":0.1,"mem":32}'`] : []),
  ];
}

/** Resolves once `stop` has run after Ctrl+C or SIGTERM (signal handlers alone do not keep Node running). */
export function untilInterrupted(message: string, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const onSignal = () => {
      clearInterval(keepAlive);
      process.stdout.write(`\n${message}\n`);
      stop().finally(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
