// Failover benchmark with a real ZooKeeper: 3 masters (--zk_session_timeout=2secs), 3 agents, one
// framework with 100 running tasks. Each round kill -9s the leader and prints the time until a new
// leader is elected, until every agent has re-registered with it and until the framework has
// re-subscribed; the killed master then rejoins as a follower. Target: all within 3 s. Then ZooKeeper
// itself goes away for 10 s (past the session timeout): the same three times, counted from its return.
// Figures only.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getJson } from '../../runtime/common/http';
import type { Offer } from '../../runtime/common/protocol/v1';
import { commandTask, freePort, startDaemon, stopDaemon, TestScheduler, waitUntil, type Daemon } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ZK_ROUNDS = Number(process.env.ZK_ROUNDS ?? 2);
const TASKS = Number(process.env.TASKS ?? 100);

interface State { pid: string; leader: string; activated_slaves: number; frameworks: Array<{ id: string; active: boolean; tasks: unknown[] }> }
interface Node { port: number; args: string[]; daemon?: Daemon }

const stateOf = (n: Node) => getJson<State>(`http://127.0.0.1:${n.port}/master/state`).catch(() => undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const task = (offer: Offer, id: string) => commandTask(offer, id, 'sleep 100000', 'cpus:0.01;mem:4');

async function main(): Promise<void> {
  const zk = await ZooKeeperServer.start();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-failover-'));
  const masters: Node[] = [];
  const agents: Node[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    masters.push({ port, args: ['master', '--ip=127.0.0.1', `--port=${port}`, `--zk=${zk.url()}`, '--quorum=2', '--zk_session_timeout=2secs', '--allocation_interval=100ms', '--quiet'] });
  }
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    agents.push({ port, args: ['agent', `--master=${zk.url()}`, '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${path.join(workDir, `agent-${i}`)}`, `--resources=cpus:8;mem:8192;ports:[${34000 + i * 100}-${34099 + i * 100}]`, '--quiet'] });
  }
  const scheduler = new TestScheduler(zk.url(), { name: 'failover-bench', failover_timeout: 3600 });
  (scheduler as unknown as { options: { reconnect: boolean } }).options.reconnect = true;
  try {
    for (const n of [...masters, ...agents]) n.daemon = startDaemon(n.args);
    const leader = async (exclude?: Node) => waitUntil('a leader', async () => {
      for (const m of masters) {
        if (m === exclude) continue;
        const s = await stateOf(m);
        if (s && s.leader === s.pid) return m;
      }
      return undefined;
    }, 60_000);
    let lead = await leader();
    await waitUntil('3 agents', async () => (await stateOf(lead))?.activated_slaves === 3, 30_000);

    await scheduler.subscribe();
    let launched = 0;
    scheduler.on('offers', (offers) => {
      for (const offer of offers) {
        const count = Math.min(Math.ceil(TASKS / 3), TASKS - launched);
        if (count <= 0) { void scheduler.decline([offer.id.value], { refuse_seconds: 3600 }); continue; }
        void scheduler.launch(offer, Array.from({ length: count }, (_, i) => task(offer, `t-${launched + i}`)), { refuse_seconds: 3600 });
        launched += count;
      }
    });
    await waitUntil(`${TASKS} tasks running`, async () => {
      const s = await stateOf(lead);
      return s?.frameworks.find((f) => f.id === scheduler.frameworkId)?.tasks.length === TASKS;
    }, 60_000);
    console.log(`failover: 3 masters (zk_session_timeout 2secs), 3 agents, 1 framework with ${TASKS} running tasks, ${ROUNDS} rounds`);

    const rows: Array<{ elected: number; agents: number; framework: number }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const old = lead;
      const killedAt = performance.now();
      await stopDaemon(old.daemon, 'SIGKILL');
      lead = await leader(old);
      const elected = performance.now() - killedAt;
      await waitUntil('agents re-registered', async () => (await stateOf(lead))?.activated_slaves === 3, 60_000);
      const agentsBack = performance.now() - killedAt;
      await waitUntil('framework re-subscribed', async () => !!(await stateOf(lead))?.frameworks.find((f) => f.id === scheduler.frameworkId && f.active), 60_000);
      const frameworkBack = performance.now() - killedAt;
      const tasks = (await stateOf(lead))?.frameworks.find((f) => f.id === scheduler.frameworkId)?.tasks.length;
      rows.push({ elected, agents: agentsBack, framework: frameworkBack });
      console.log(`round ${round}: new leader elected ${(elected / 1000).toFixed(2)} s, all agents re-registered ${(agentsBack / 1000).toFixed(2)} s, framework re-subscribed ${(frameworkBack / 1000).toFixed(2)} s (tasks known to the new leader: ${tasks})`);
      old.daemon = startDaemon(old.args); // back as a follower
      await waitUntil('the old master to follow', async () => (await stateOf(old))?.leader === `master@127.0.0.1:${lead.port}`, 60_000);
    }
    const summary = (rs: typeof rows) => `elected ${(median(rs.map((r) => r.elected)) / 1000).toFixed(2)} s, agents ${(median(rs.map((r) => r.agents)) / 1000).toFixed(2)} s, framework ${(median(rs.map((r) => r.framework)) / 1000).toFixed(2)} s`;
    console.log(`median: ${summary(rows)}`);

    const outages: typeof rows = [];
    for (let round = 1; round <= ZK_ROUNDS; round++) {
      await zk.halt();
      await new Promise((r) => setTimeout(r, 10_000));
      await zk.resume();
      const backAt = performance.now();
      lead = await leader();
      const elected = performance.now() - backAt;
      // The first elected may hand over to the next in line as every master joins again: follow the leader.
      await waitUntil('agents re-registered', async () => (await stateOf((lead = await leader())))?.activated_slaves === 3, 60_000);
      const agentsBack = performance.now() - backAt;
      await waitUntil('framework re-subscribed', async () => !!(await stateOf((lead = await leader())))?.frameworks.find((f) => f.id === scheduler.frameworkId && f.active), 60_000);
      outages.push({ elected, agents: agentsBack, framework: performance.now() - backAt });
      console.log(`ZooKeeper outage ${round} (10 s): after its return, leader elected ${(elected / 1000).toFixed(2)} s, all agents re-registered ${(agentsBack / 1000).toFixed(2)} s, framework re-subscribed ${(outages.at(-1)!.framework / 1000).toFixed(2)} s`);
    }
    if (outages.length) console.log(`median after a ZooKeeper outage: ${summary(outages)}`);
  } finally {
    scheduler.close();
    for (const n of [...agents, ...masters]) await stopDaemon(n.daemon);
    const { stopProcessCluster } = await import('../../runtime/cluster/process');
    await stopProcessCluster({ pids: {}, workDir });
    fs.rmSync(workDir, { recursive: true, force: true });
    await zk.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
