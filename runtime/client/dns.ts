// The HTTP API of a Mesos-DNS-compatible server (`mesolite dns`), as the extension reads it: the names
// it serves for each running task, from /v1/enumerate.
import { getJson } from '../common/http';

interface Enumeration { frameworks: Array<{ tasks: Array<{ id: string; records: Array<{ name: string; rtype: string }> }> }> }

export class DnsClient {
  /** url: the server's HTTP API, http://HOST:PORT */
  constructor(readonly url: string) {}

  /**
   * Each running task's names by task id, without the trailing dot: A names first, `<task>.<framework>.<domain>`
   * leading, then SRV names; the `.slave.` variants (the agent's address) are left out.
   */
  async namesByTask(): Promise<Map<string, string[]>> {
    const { frameworks } = await getJson<Enumeration>(`${this.url}/v1/enumerate`);
    const names = new Map<string, string[]>();
    for (const task of frameworks.flatMap((f) => f.tasks)) {
      const records = task.records.filter((r) => !/\.slave\./.test(r.name));
      const ordered = [...records.filter((r) => r.rtype !== 'SRV'), ...records.filter((r) => r.rtype === 'SRV')];
      names.set(task.id, [...new Set(ordered.map((r) => r.name.replace(/\.$/, '')))]);
    }
    return names;
  }
}
