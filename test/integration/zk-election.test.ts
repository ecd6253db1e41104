// The shared leader-election loop (runtime/zk/election.ts) against a real ZooKeeper: one candidate
// leads and every candidate names it; resigning, stopping and losing ZooKeeper hand the lead on; a
// quorum holds the lead back until enough candidates contend. Every `elected` ends in one `lost`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../runtime/common/log';
import type { MasterInfo } from '../../runtime/common/protocol/v1';
import { LeaderElection } from '../../runtime/zk/election';
import { ZkSession } from '../../runtime/zk/session';
import { waitUntil } from '../helpers/cluster';
import { ZooKeeperServer } from '../helpers/zookeeper';

let zk: ZooKeeperServer;
before(async () => { zk = await ZooKeeperServer.start(); });
after(async () => { await zk?.stop(); });

const log = createLogger('election-test', true);

/** A candidate with its own session, recording what it heard. */
class Candidate {
  readonly session: ZkSession;
  readonly election: LeaderElection;
  readonly heard: string[] = [];
  tenure?: AbortSignal;

  constructor(readonly name: string, path: string, quorum = 1) {
    this.session = new ZkSession(`127.0.0.1:${zk.port}`, 2000);
    this.election = new LeaderElection(this.session, { path, quorum, log, retryMs: 200 });
    this.election.on('elected', (tenure) => { this.heard.push('elected'); this.tenure = tenure; });
    this.election.on('lost', (why) => { this.heard.push(`lost: ${why}`); });
    const info: MasterInfo = { id: name, ip: 0, port: 1, hostname: name };
    this.election.contend(() => info);
  }

  get leads(): boolean {
    return this.election.isLeading;
  }

  close(): void {
    this.election.stop();
    this.session.close();
  }
}

/** Waits until exactly one of `candidates` leads and all of them name it; returns it. */
async function oneLeader(candidates: Candidate[], timeoutMs = 20_000): Promise<Candidate> {
  return waitUntil('one leader that everyone names', async () => {
    const leading = candidates.filter((c) => c.leads);
    if (leading.length !== 1) return undefined;
    return candidates.every((c) => c.election.leader?.id === leading[0].name) ? leading[0] : undefined;
  }, timeoutMs);
}

test('the first candidate leads and both name it; resigning hands the lead to the other', async () => {
  const a = new Candidate('a', '/election/resign');
  try {
    assert.equal(await oneLeader([a]), a);
    const b = new Candidate('b', '/election/resign');
    try {
      assert.equal(await oneLeader([a, b]), a, 'the one in line first keeps the lead');
      const tenure = a.tenure!;
      await a.election.resign('testing');
      assert.equal(tenure.aborted, true);
      assert.equal(tenure.reason, 'testing');
      assert.equal(await oneLeader([a, b]), b);
      assert.deepEqual(a.heard, ['elected', 'lost: testing']);
      assert.deepEqual(b.heard, ['elected']);
      // Stopping the leader hands the lead back.
      b.close();
      assert.equal(await oneLeader([a]), a);
      assert.deepEqual(b.heard, ['elected', 'lost: stopped']);
      assert.deepEqual(a.heard, ['elected', 'lost: testing', 'elected']);
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
});

test('with a quorum of 2 nobody leads alone', async () => {
  const a = new Candidate('a', '/election/quorum', 2);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(a.leads, false);
    const b = new Candidate('b', '/election/quorum', 2);
    try {
      assert.equal(await oneLeader([a, b]), a);
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
});

test('ZooKeeper gone past the session timeout: leadership ends at once, and the candidates join again', async () => {
  const a = new Candidate('a', '/election/outage');
  const b = new Candidate('b', '/election/outage');
  try {
    const first = await oneLeader([a, b]);
    await zk.halt();
    await waitUntil('the leader to stop leading', async () => !first.leads || undefined, 10_000);
    assert.equal(first.tenure!.aborted, true);
    await new Promise((r) => setTimeout(r, 3000));
    await zk.resume();
    await oneLeader([a, b], 30_000);
    for (const c of [a, b]) assert.equal(c.heard.filter((h) => h === 'elected').length - c.heard.filter((h) => h.startsWith('lost')).length, c.leads ? 1 : 0, `${c.name}: ${c.heard.join(', ')}`);
  } finally {
    a.close();
    b.close();
  }
});
