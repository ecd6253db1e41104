// A real `mesolite chronos` process next to a TestCluster, its REST API as raw HTTP, and the master's
// view of its tasks; chronosFixture shares one daemon between a file's tests.
import { onFileEnd, onFileStart, waitUntil, type TestCluster } from './cluster';
import { FrameworkDaemon } from './marathon';

export class ChronosDaemon extends FrameworkDaemon {
  constructor(workDir?: string) {
    super('chronos', workDir);
  }

  static async start(master: string, extra: string[] = []): Promise<ChronosDaemon> {
    const c = new ChronosDaemon();
    await c.boot(master, extra);
    return c;
  }

  async job(name: string): Promise<any> {
    const res = await this.api('GET', `/v1/scheduler/job/${encodeURIComponent(name)}`);
    if (res.status !== 200) throw new Error(`GET job ${name}: ${res.status} ${res.text}`);
    return res.body;
  }

  /** Waits until the job satisfies `predicate`, and returns it. */
  async jobUntil(name: string, what: string, predicate: (job: any) => boolean, timeoutMs = 30_000): Promise<any> {
    return waitUntil(`${name}: ${what}`, async () => {
      const job = await this.job(name);
      return predicate(job) ? job : undefined;
    }, timeoutMs);
  }

  async summaryOf(name: string): Promise<any> {
    return (await this.api('GET', '/v1/scheduler/jobs/summary')).body.jobs.find((j: any) => j.name === name);
  }

  async frameworkId(cluster: TestCluster): Promise<string> {
    return waitUntil('chronos to subscribe', async () => (await cluster.state()).frameworks.find((f) => f.name === 'chronos')?.id);
  }
}

/** The tasks of a job (running and completed) as the master reports them. */
export async function masterTasksOf(cluster: TestCluster, job: string): Promise<Array<{ id: string; state: string }>> {
  const state = await cluster.state();
  const fw = [...state.frameworks, ...(state.completed_frameworks as any[])].filter((f: any) => f.name === 'chronos');
  return fw.flatMap((f: any) => [...(f.tasks ?? []), ...(f.completed_tasks ?? [])])
    .filter((t: any) => t.id.split(':')[3] === job).map((t: any) => ({ id: t.id, state: t.state }));
}

/** The daemon a file's tests share, framework of `cluster` (a clusterFixture called before this). */
export function chronosFixture(cluster: TestCluster, extra: string[] = []): ChronosDaemon {
  const chronos = new ChronosDaemon();
  onFileEnd(() => chronos.stop());
  onFileStart(() => chronos.boot(cluster.masterAddress, extra));
  return chronos;
}
