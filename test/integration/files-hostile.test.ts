// A task controls its sandbox and may fill it with traps for the agent's /files endpoints: symlinks
// swapped in and out while a client reads, FIFOs, links pointing outside. None may reveal a file outside
// the sandbox or stall the agent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from '../../runtime/common/http';
import { clusterFixture, commandTask, onFileEnd, onFileStart, TestScheduler, waitUntil } from '../helpers/cluster';

const cluster = clusterFixture({ agents: 1 });
let s: TestScheduler;
onFileStart(async () => {
  s = new TestScheduler(cluster.masterAddress);
  await s.subscribe();
});
onFileEnd(() => s?.teardown()); // before the cluster stops

const q = encodeURIComponent;
const files = (endpoint: string, path: string, timeoutMs?: number) =>
  request('GET', `${cluster.agents[0].url}/files/${endpoint}?path=${q(path)}${endpoint === 'read' ? '&offset=0' : ''}`, undefined, {}, timeoutMs);

let unusedOffers = 0;
/** Launches a task on an offer not used yet and answers its sandbox once the task reports `state`. */
async function sandboxOf(id: string, command: string, state: 'TASK_RUNNING' | 'TASK_FINISHED'): Promise<string> {
  const event = await s.next('OFFERS', () => true, undefined, unusedOffers);
  unusedOffers = s.events.indexOf(event) + 1;
  const [offer] = event.offers.offers;
  await s.launch(offer, [commandTask(offer, id, command)]);
  await s.status(id, state);
  return cluster.executorDirectory(0, s.frameworkId!, id);
}

test('a directory swapped with a symlink to /etc while clients read never serves /etc/passwd', async () => {
  // `real` is a directory holding our own `passwd`, then a symlink to /etc, and so on, for at most 20 s:
  // a check of the path made while it is a directory no longer holds when the path is opened.
  const flip = 'const fs = require("fs"); fs.mkdirSync("d"); fs.writeFileSync("d/passwd", "sandbox\\n"); fs.symlinkSync("/etc", "l");'
    + ' for (const end = Date.now() + 20000; Date.now() < end;) for (const [from, to] of [["d", "real"], ["real", "d"], ["l", "real"], ["real", "l"]]) fs.renameSync(from, to);';
  const dir = await sandboxOf('flipper', `"${process.execPath}" -e '${flip}'`, 'TASK_RUNNING');
  await waitUntil('the flipping to start', async () => (await files('read', `${dir}/d/passwd`)).status === 200 || undefined);
  // Every answer is counted (not asserted one by one) so that a failure shows how often each outcome came.
  const outcomes = new Map<string, number>();
  for (let round = 0; round < 40; round++) {
    await Promise.all(['read', 'download'].flatMap((endpoint) => Array.from({ length: 5 }, async () => {
      const r = await files(endpoint, `${dir}/real/passwd`).catch((e: Error) => ({ status: e.message, body: '' }));
      const content = endpoint === 'read' && r.status === 200 ? (JSON.parse(r.body) as { data: string }).data : r.body;
      const outcome = /root:/.test(content) ? 'LEAKED /etc/passwd' : r.status === 200 && content !== 'sandbox\n' ? '200 with other content' : String(r.status);
      const key = `${endpoint} ${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    })));
  }
  const seen = JSON.stringify(Object.fromEntries(outcomes));
  assert.deepEqual([...outcomes.keys()].filter((k) => !/ (200|403|404)$/.test(k)), [], seen);
  // The race was really run: some requests met the directory, some the symlink.
  assert.ok(outcomes.get('read 200') && outcomes.get('read 403'), seen);
});

test('a FIFO in a sandbox is refused at once and stalls nothing', async () => {
  const dir = await sandboxOf('fifo-maker', 'mkfifo fifo && echo made', 'TASK_FINISHED');
  // More requests than libuv has threads: a blocking open of the FIFO would exhaust them all.
  for (let i = 0; i < 6; i++) {
    for (const endpoint of ['download', 'read', 'browse']) {
      const r = await files(endpoint, `${dir}/fifo`, 2000);
      assert.equal(r.status, 400, `${endpoint} answered ${r.status} ${r.body}`);
      assert.match(r.body, /fifo.*FIFO|FIFO.*fifo/);
    }
  }
  for (const [file, content] of [['stdout', 'made\n'], ['stderr', '']]) {
    const r = await files('download', `${dir}/${file}`, 2000);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, content);
  }
});

test('browsing a symlink that leads out of the sandbox is refused', async () => {
  const dir = await sandboxOf('linker', 'ln -s /etc out && ln -s "$PWD" self && echo linked', 'TASK_FINISHED');
  const out = await files('browse', `${dir}/out`);
  assert.equal(out.status, 403, out.body);
  assert.doesNotMatch(out.body, /passwd/);
  // A link that stays inside is followed, and entries are named by the path asked for.
  const self = await files('browse', `${dir}/self`);
  assert.equal(self.status, 200, self.body);
  assert.ok((JSON.parse(self.body) as Array<{ path: string }>).some((e) => e.path === `${dir}/self/stdout`), self.body);
});
