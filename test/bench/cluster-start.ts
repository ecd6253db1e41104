// Cluster start benchmark in a real Docker engine: ZooKeeper, 3 masters, 3 agents and the app
// framework, images present (the runtime image is built, if needed, before the first run). Each run
// prints the time from start() to ready (leader elected, every agent registered, the app framework
// subscribed and answering) with the time of each step, then the time `down` takes. Target: ready
// within 8 s. Figures only.
import { ensureRuntimeImage, imagesFromEnvironment, MesoliteCluster } from '../../runtime/cluster/docker';

const RUNS = Number(process.env.RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const images = imagesFromEnvironment();
  const runtime = await ensureRuntimeImage(images.node);
  console.log(`images: ${runtime} (on ${images.node}), ${images.zookeeper}; ${RUNS} runs\n`);
  const ready: number[] = [];
  const down: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const steps: string[] = [];
    const start = Date.now();
    const cluster = await new MesoliteCluster()
      .withName(`bench-${process.pid}-${run}`).withMasters(3).withAgents(3).withMarathon()
      .withProgress((step) => steps.push(`${seconds(Date.now() - start)} ${step}`))
      .start();
    ready.push(Date.now() - start);
    const stop = Date.now();
    await cluster.down();
    down.push(Date.now() - stop);
    console.log(`run ${run}: ready ${seconds(ready.at(-1)!)}, down ${seconds(down.at(-1)!)}\n    ${steps.join('\n    ')}`);
  }
  console.log(`\nready: median ${seconds(median(ready))}, min ${seconds(Math.min(...ready))}, max ${seconds(Math.max(...ready))} (target 8 s)`);
  console.log(`down:  median ${seconds(median(down))}, min ${seconds(Math.min(...down))}, max ${seconds(Math.max(...down))}`);
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
