// The daemons' Router (runtime/common/http.ts) on a real loopback server: exact paths as the Mesos
// daemons use them (404 / 405 in plain text), pattern routes as the app framework's API uses them
// (ids with slashes, the most specific pattern first), and an owner's own error answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpError, listen, request, Router, sendJson, type Listening } from '../../runtime/common/http';
import { createLogger } from '../../runtime/common/log';

const log = createLogger('router-test', true);
let plain: Listening;
let patterned: Listening;
const url = (l: Listening, path: string) => `http://127.0.0.1:${l.port}${path}`;
const echo = (name: string) => (_q: unknown, res: Parameters<typeof sendJson>[0], _u: URL, params: Record<string, string>) => sendJson(res, 200, { name, params });

before(async () => {
  plain = await listen(new Router(log).on(['GET', 'POST'], '/master/state', echo('state')), '127.0.0.1', 0);
  // Added general first: the specific patterns must still win.
  const router = new Router(log, (error, _req, res) => sendJson(res, error instanceof HttpError ? error.status : 500, { message: (error as Error).message }, error instanceof HttpError ? error.headers : {}))
    .on(['GET', 'PUT', 'DELETE'], '/v2/apps/{id*}', echo('app'))
    .on('GET', '/v2/apps/{id*}/tasks', echo('tasks'))
    .on('DELETE', '/v2/apps/{id*}/tasks/{taskId}', echo('task'))
    .on('GET', '/v2/apps', echo('apps'))
    .on('GET', '/fail', () => { throw new HttpError(409, 'taken'); });
  patterned = await listen(router, '127.0.0.1', 0);
});

after(async () => {
  await plain?.close();
  await patterned?.close();
});

test('exact paths: a trailing slash is the same path; 404 and 405 (with Allow) answer in plain text', async () => {
  assert.equal(JSON.parse((await request('POST', url(plain, '/master/state/'))).body).name, 'state');
  const missing = await request('GET', url(plain, '/nope'));
  assert.equal(missing.status, 404);
  assert.equal(missing.body, 'No endpoint at /nope');
  assert.match(String(missing.headers['content-type']), /text\/plain/);
  const wrong = await request('DELETE', url(plain, '/master/state'));
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, 'GET, POST');
  assert.equal(wrong.body, "Expecting one of { 'GET', 'POST' }, but received 'DELETE'");
});

test('patterns: {id*} takes ids with slashes, the most specific pattern wins, parameters are decoded', async () => {
  const get = async (method: string, path: string) => JSON.parse((await request(method, url(patterned, path))).body);
  assert.deepEqual(await get('GET', '/v2/apps/prod/web/tasks'), { name: 'tasks', params: { id: 'prod/web' } });
  assert.deepEqual(await get('DELETE', '/v2/apps/prod/web/tasks/t%201'), { name: 'task', params: { id: 'prod/web', taskId: 't 1' } });
  assert.deepEqual(await get('GET', '/v2/apps/prod/web'), { name: 'app', params: { id: 'prod/web' } });
  // No PUT on .../tasks: the general pattern takes it (the app id then ends in "tasks").
  assert.deepEqual(await get('PUT', '/v2/apps/prod/tasks'), { name: 'app', params: { id: 'prod/tasks' } });
  assert.deepEqual(await get('GET', '/v2/apps'), { name: 'apps', params: {} });
});

test('patterns: 405 lists the methods of every matching route; errors are the owner\'s answers', async () => {
  const wrong = await request('POST', url(patterned, '/v2/apps/a/tasks'));
  assert.equal(wrong.status, 405);
  assert.deepEqual(String(wrong.headers.allow).split(', ').sort(), ['DELETE', 'GET', 'PUT']);
  assert.equal(typeof JSON.parse(wrong.body).message, 'string');
  const conflict = await request('GET', url(patterned, '/fail'));
  assert.deepEqual([conflict.status, JSON.parse(conflict.body)], [409, { message: 'taken' }]);
  const missing = await request('GET', url(patterned, '/v3/nothing'));
  assert.deepEqual([missing.status, JSON.parse(missing.body)], [404, { message: 'No endpoint at /v3/nothing' }]);
  const malformed = await request('GET', url(patterned, '/v2/apps/%E0%A4%A'));
  assert.equal(malformed.status, 400);
  assert.match(JSON.parse(malformed.body).message, /percent-encoding/);
});
