// GET /monitor/statistics (also /slave(1)/monitor/statistics): each executor's resource usage, as Mesos'
// ResourceStatistics, from /proc: the processes whose working directory is the executor's sandbox (its
// tasks and their children), CPU times and resident memory summed. Linux only; elsewhere no processes.
import { promises as fs } from 'node:fs';
import { sendJson, type Router } from '../../common/http';
import * as res from '../../common/resources';
import type { Agent } from '../agent';

/** USER_HZ: /proc's clock ticks per second (100 on every Linux Mesos supports). */
const TICKS = 100;
const PAGE = 4096;

interface Usage { user: number; system: number; rss: number; processes: number }

/** Processes by working directory: one walk of /proc per request. */
async function processesByCwd(): Promise<Map<string, Usage>> {
  const byCwd = new Map<string, Usage>();
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  await Promise.all(pids.map(async (pid) => {
    try {
      const [cwd, stat] = await Promise.all([fs.readlink(`/proc/${pid}/cwd`), fs.readFile(`/proc/${pid}/stat`, 'utf8')]);
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const usage = byCwd.get(cwd) ?? { user: 0, system: 0, rss: 0, processes: 0 };
      usage.user += Number(fields[11]) / TICKS;
      usage.system += Number(fields[12]) / TICKS;
      usage.rss += Number(fields[21]) * PAGE;
      usage.processes++;
      byCwd.set(cwd, usage);
    } catch {
      // A process that ended meanwhile, or one this user may not read.
    }
  }));
  return byCwd;
}

export function mountMonitor(router: Router, agent: Agent): void {
  const statistics = async (_req: unknown, r: Parameters<typeof sendJson>[0]) => {
    const byCwd = await processesByCwd();
    const timestamp = Date.now() / 1000;
    sendJson(r, 200, agent.allExecutors().map((e) => {
      const usage = [...byCwd].filter(([cwd]) => cwd === e.directory || cwd.startsWith(`${e.directory}/`)).map(([, u]) => u);
      const sum = (k: keyof Usage) => usage.reduce((n, u) => n + u[k], 0);
      const resources = res.add(e.info.resources ?? [], ...[...e.tasks.values()].map((t) => t.resources));
      return {
        executor_id: e.info.executor_id.value, executor_name: e.info.name ?? '', framework_id: e.run.frameworkId, source: e.info.source ?? '',
        statistics: {
          timestamp, processes: sum('processes'), cpus_user_time_secs: sum('user'), cpus_system_time_secs: sum('system'),
          cpus_limit: res.scalar(resources, 'cpus'), mem_rss_bytes: sum('rss'), mem_limit_bytes: res.scalar(resources, 'mem') * 1024 * 1024,
        },
      };
    }));
  };
  router.on('GET', '/monitor/statistics', statistics).on('GET', '/monitor/statistics.json', statistics);
}
