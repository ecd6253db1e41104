// Marathon's Docker apps, the pure parts: validation (422 paths), the host ports an instance takes from
// an offer, the TaskInfo it becomes (ContainerInfo, port mappings, PORT variables), and the Docker
// create options an agent's docker executor builds from such a TaskInfo.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseResources } from '../../runtime/common/resources';
import type { ContainerInfo, TaskInfo } from '../../runtime/common/protocol/v1';
import { dockerCreateOptions, registryAuth } from '../../runtime/executor/docker-options';
import { normalizeApp } from '../../runtime/frameworks/marathon/app';
import { matchOffer, type Match } from '../../runtime/frameworks/marathon/offers';
import type { Instance } from '../../runtime/frameworks/marathon/state';
import { taskInfo } from '../../runtime/frameworks/marathon/task-info';
import { appViolations } from '../../runtime/frameworks/marathon/validation';

const app = (fields: Record<string, unknown>) => normalizeApp({ id: 'web', cpus: 0.5, mem: 64, ...fields }, '2026-01-01T00:00:00.000Z');
const bridge = (portMappings: unknown[], extra: Record<string, unknown> = {}) => ({
  container: { type: 'DOCKER', docker: { image: 'nginx:1.25' }, portMappings }, networks: [{ mode: 'container/bridge' }], ...extra,
});
const pool = parseResources('cpus:4;mem:1024;ports:[31000-31009]');
const at = { hostname: 'h', attributes: [] };

function launched(fields: Record<string, unknown>): TaskInfo {
  const a = app(fields);
  const match = matchOffer(a, pool, at, []) as Match;
  assert.equal(typeof match, 'object', `matched: ${String(match)}`);
  const i = { taskId: 'web.1', appId: a.id, agentId: 'a', host: 'h', ip: '127.0.0.1', ports: match.hostPorts } as Instance;
  return taskInfo(a, i, match.resources);
}
const env = (t: TaskInfo) => Object.fromEntries((t.command!.environment?.variables ?? []).map((v) => [v.name, v.value]));

describe('validation', () => {
  test('Marathon\'s Docker apps validate: networks, legacy docker.network and portMappings, volumes', () => {
    assert.deepEqual(appViolations({ id: 'a', ...bridge([{ containerPort: 80, hostPort: 0, name: 'http' }]) }), []);
    assert.deepEqual(appViolations({ id: 'a', container: { type: 'DOCKER', docker: { image: 'x', network: 'BRIDGE', portMappings: [{ containerPort: 80 }] } } }), []);
    assert.deepEqual(appViolations({ id: 'a', container: { docker: { image: 'x' }, volumes: [{ containerPath: '/data', hostPath: 'data', mode: 'RW' }] } }), []);
    assert.deepEqual(appViolations({ id: 'a', container: { type: 'DOCKER', docker: { image: 'x' } }, networks: [{ mode: 'container', name: 'dev' }] }), []);
  });

  test('the Docker sample app validates', () => {
    assert.deepEqual(appViolations(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../samples/web-docker.app.json'), 'utf8'))), []);
  });

  test('invalid networking fails at Marathon\'s paths', () => {
    const paths = (body: Record<string, unknown>) => appViolations({ id: 'a', ...body }).map((d) => d.path);
    assert.deepEqual(paths({ cmd: 'true', networks: [{ mode: 'container/bridge' }] }), ['/networks']);
    assert.deepEqual(paths({ container: { type: 'DOCKER' } }), ['/container/docker']);
    assert.deepEqual(paths({ container: { docker: { image: 'x' }, portMappings: [{ containerPort: 80 }] } }), ['/container/portMappings']);
    assert.deepEqual(paths({ container: { docker: { image: 'x', network: 'BRIDGE' } }, networks: [{ mode: 'container/bridge' }] }), ['/container/docker/network']);
    assert.deepEqual(paths({ container: { docker: { image: 'x' } }, networks: [{ mode: 'container' }] }), ['/networks(0)/name']);
    assert.deepEqual(paths({ container: { docker: { image: 'x' } }, networks: [{ mode: 'host' }, { mode: 'container', name: 'n' }] }), ['/networks']);
    assert.deepEqual(paths(bridge([{ containerPort: 80, hostPort: 31000 }, { containerPort: 81, hostPort: 31000 }])), ['/container/portMappings']);
    assert.deepEqual(paths({ container: { docker: { image: 'x' }, volumes: [{ hostPath: '/x', mode: 'RWX' }] } }), ['/container/volumes(0)/containerPath', '/container/volumes(0)/mode']);
  });
});

describe('TaskInfo of a Docker app', () => {
  test('BRIDGE: hostPort 0 takes a port of the offer, containerPort 0 is the host port, PORT0 and PORT_<NAME> are host ports', () => {
    const task = launched({ cmd: 'serve', ...bridge([{ containerPort: 8080, hostPort: 0, name: 'http' }, { containerPort: 0, name: 'admin' }, { containerPort: 9000, hostPort: 31005 }]) });
    const container = task.container as ContainerInfo;
    assert.deepEqual(container.docker, {
      image: 'nginx:1.25', network: 'BRIDGE',
      port_mappings: [{ host_port: 31000, container_port: 8080, protocol: 'tcp' }, { host_port: 31001, container_port: 31001, protocol: 'tcp' }, { host_port: 31005, container_port: 9000, protocol: 'tcp' }],
    });
    assert.deepEqual(task.resources!.filter((r) => r.name === 'ports').map((r) => r.ranges!.range[0].begin), [31000, 31001, 31005]);
    const vars = env(task);
    assert.deepEqual([vars.PORT0, vars.PORT1, vars.PORT2, vars.PORT_HTTP, vars.PORT_ADMIN, vars.PORTS], ['31000', '31001', '31005', '31000', '31001', '31000,31001,31005']);
    assert.deepEqual(task.command, { shell: true, value: 'serve', environment: task.command!.environment, uris: [] });
  });

  test('a Mesos health check of a bridged app checks the container port (Mesos checks in the container\'s network)', () => {
    const task = launched({ cmd: 'serve', ...bridge([{ containerPort: 8080, hostPort: 0 }]), healthChecks: [{ protocol: 'MESOS_HTTP', portIndex: 0, path: '/health' }] });
    assert.deepEqual([task.health_check?.type, task.health_check?.http?.port, task.health_check?.http?.path], ['HTTP', 8080, '/health']);
  });

  test('the legacy docker.network/docker.portMappings form, parameters, privileged, forcePullImage and volumes carry over', () => {
    const task = launched({
      args: ['-g', 'daemon off;'],
      container: {
        type: 'DOCKER', volumes: [{ containerPath: '/data', hostPath: 'data', mode: 'RO' }],
        docker: { image: 'nginx:1.25', network: 'BRIDGE', portMappings: [{ containerPort: 80, hostPort: 0 }], privileged: true, forcePullImage: true, parameters: [{ key: 'label', value: 'tier=web' }] },
      },
    });
    const container = task.container as ContainerInfo;
    assert.deepEqual(container.docker, {
      image: 'nginx:1.25', network: 'BRIDGE', port_mappings: [{ host_port: 31000, container_port: 80, protocol: 'tcp' }],
      privileged: true, parameters: [{ key: 'label', value: 'tier=web' }], force_pull_image: true,
    });
    assert.deepEqual(container.volumes, [{ container_path: '/data', host_path: 'data', mode: 'RO' }]);
    assert.equal(task.command!.shell, false);
    assert.equal(task.command!.value, undefined, 'args follow the image\'s entrypoint');
    assert.deepEqual(task.command!.arguments, ['-g', 'daemon off;']);
  });

  test('host networking keeps portDefinitions; container networking without hostPort takes no host port', () => {
    const host = launched({ container: { type: 'DOCKER', docker: { image: 'x' } }, portDefinitions: [{ port: 0, name: 'http' }] });
    assert.deepEqual((host.container as ContainerInfo).docker, { image: 'x', network: 'HOST' });
    assert.equal(env(host).PORT_HTTP, '31000');
    assert.equal(host.command!.value, undefined, 'no cmd: the image\'s own command');
    const user = launched({ container: { type: 'DOCKER', docker: { image: 'x' }, portMappings: [{ containerPort: 80, name: 'web' }] }, networks: [{ mode: 'container', name: 'dev' }] });
    assert.deepEqual((user.container as ContainerInfo).network_infos, [{ name: 'dev' }]);
    assert.deepEqual((user.container as ContainerInfo).docker?.port_mappings, []);
    assert.equal(user.resources!.some((r) => r.name === 'ports'), false);
    assert.equal(env(user).PORT_WEB, '80');
  });
});

describe('Docker create options (the docker executor)', () => {
  const settings = { socket: '/var/run/docker.sock', container_name: 'mesos-c1', sandbox_directory: '/mnt/mesos/sandbox', stop_timeout_ms: 0, labels: { l: 'v' }, host_ip: '127.0.0.1' };

  test('a Marathon BRIDGE task: name, labels, command, sandbox, cpu shares, memory, published ports, parameters', () => {
    const task = launched({ cmd: 'serve', ...bridge([{ containerPort: 8080, hostPort: 0 }]), container: { ...bridge([]).container, portMappings: [{ containerPort: 8080 }], docker: { image: 'x', parameters: [{ key: 'env', value: 'A=1' }, { key: 'cap-add', value: 'NET_ADMIN' }] } } });
    const o = dockerCreateOptions(task, task.container as ContainerInfo, settings, '/work/sandbox', { MESOS_SANDBOX: '/mnt/mesos/sandbox' });
    assert.equal(o.name, 'mesos-c1');
    assert.deepEqual(o.Entrypoint, ['/bin/sh']);
    assert.deepEqual(o.Cmd, ['-c', 'serve']);
    assert.deepEqual(o.Env, ['MESOS_SANDBOX=/mnt/mesos/sandbox', 'A=1']);
    assert.equal(o.Labels!.l, 'v');
    assert.equal(o.Labels!['mesolite.task_id'], 'web.1');
    assert.deepEqual(o.HostConfig!.Binds, ['/work/sandbox:/mnt/mesos/sandbox']);
    assert.deepEqual([o.HostConfig!.NetworkMode, o.HostConfig!.CpuShares, o.HostConfig!.Memory], ['bridge', 512, 64 * 1024 * 1024]);
    assert.deepEqual(o.HostConfig!.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '31000' }] });
    assert.deepEqual(o.HostConfig!.CapAdd, ['NET_ADMIN']);
  });

  test('a host port outside the task\'s resources and an unknown parameter are refused', () => {
    const task = launched({ cmd: 'serve', container: { type: 'DOCKER', docker: { image: 'x', parameters: [{ key: 'no-such-option', value: '1' }] } } });
    assert.throws(() => dockerCreateOptions(task, task.container as ContainerInfo, settings, '/s', {}), /Docker parameter 'no-such-option' is not supported/);
    const info: ContainerInfo = { type: 'DOCKER', docker: { image: 'x', network: 'BRIDGE', port_mappings: [{ host_port: 40000, container_port: 80 }] } };
    assert.throws(() => dockerCreateOptions(task, info, settings, '/s', {}), /host port 40000 is not one of the task's port resources/);
  });

  test('--docker_config credentials: by the image\'s registry, Docker Hub\'s for images without one', () => {
    const auths = { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:s3:cret').toString('base64') }, 'registry.example.com:5000': { username: 'me', password: 'pw' } };
    assert.deepEqual(registryAuth('nginx:1.25', auths), { username: 'hub', password: 's3:cret', serveraddress: 'https://index.docker.io/v1/' });
    assert.deepEqual(registryAuth('registry.example.com:5000/team/web:1', auths), { username: 'me', password: 'pw', serveraddress: 'registry.example.com:5000' });
    assert.equal(registryAuth('other.example.com/x', auths), undefined);
    assert.equal(registryAuth('nginx', undefined), undefined);
  });
});
