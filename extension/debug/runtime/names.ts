// Short names for what frames and variables show, and the lookup that takes them back: frameworks by
// name or id, agents by the tail of their Mesos id (S0), hostname, hostname:port or id, offers as O12.
import type { StreamMirror } from './mirror';

/** The part of a Mesos id after its master prefix: `<master>-S3` is S3, `<master>-O12` is O12. */
function shortId(id: string): string {
  const tail = /-([SO]\d+)$/.exec(id);
  return tail ? tail[1] : id;
}

export class Names {
  constructor(private readonly mirror: StreamMirror) {}

  framework(id: string): string {
    const fw = this.mirror.frameworks.get(id);
    if (!fw) return id;
    const twins = [...this.mirror.frameworks.values()].filter((f) => f.info.name === fw.info.name && !f.removed);
    return twins.length > 1 ? `${fw.info.name} (${id})` : fw.info.name;
  }

  agent(id: string): string {
    return shortId(id);
  }

  /** The agent's address as Mesos shows it (hostname:port). */
  agentAddress(id: string): string {
    const info = this.mirror.agents.get(id)?.info;
    return info ? `${info.hostname}${info.port ? `:${info.port}` : ''}` : id;
  }

  offer(id: string): string {
    return shortId(id);
  }

  /** A framework id from a name or id; live frameworks win over removed ones of the same name. */
  findFramework(text: string): string | undefined {
    if (this.mirror.frameworks.has(text)) return text;
    const named = [...this.mirror.frameworks.entries()].filter(([, f]) => f.info.name === text);
    return (named.find(([, f]) => !f.removed) ?? named[0])?.[0];
  }

  findAgent(text: string): string | undefined {
    if (this.mirror.agents.has(text)) return text;
    const agents = [...this.mirror.agents.entries()];
    const byShort = agents.find(([id]) => shortId(id) === text);
    if (byShort) return byShort[0];
    const byHost = agents.filter(([id, a]) => a.info.hostname === text || this.agentAddress(id) === text);
    return byHost.length === 1 ? byHost[0][0] : undefined;
  }

  taskName(taskId: string): string {
    return this.mirror.tasks.get(taskId)?.name ?? '';
  }

  /** Task or app: an exact task id or name, or a Marathon app id (its task ids start `app_id.`). */
  matchesTask(text: string, task: { task_id: string; name: string }): boolean {
    const app = text.replace(/^\/+/, '').replace(/\//g, '_');
    return task.task_id === text || task.name === text || task.task_id.startsWith(`${app}.`);
  }
}
