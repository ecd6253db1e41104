// The cluster's own bridge network, with a subnet of its own so that every member gets a fixed IP.
//
// Why fixed bridge IPs are the advertised addresses: masters publish their address in ZooKeeper and
// agents theirs in AgentInfo; the same address is used by other containers (agents, the app
// framework) and by the host (CLI, extension: leader redirects, sandbox /files, attach). A container's
// bridge IP is the one address that works from both sides on Linux, where the host routes to its
// bridges; 127.0.0.1 would mean the container itself to other containers, and a published port
// differs inside and outside. Fixing the IPs up front lets each daemon listen on and advertise its
// own (no discovery step), and lets a healed partition reconnect an agent under its old address.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { CLUSTER_LABEL } from './engine';

export interface ClusterNetwork {
  id: string;
  name: string;
  subnet: string;
  /** The n-th member address (n >= 1); the first of the subnet is the gateway. */
  address(n: number): string;
}

const toInt = (ip: string) => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export async function createClusterNetwork(engine: Dockerode, name: string, labels: Record<string, string>): Promise<ClusterNetwork> {
  // Fixed IPs need a subnet given at creation. Rather than guess one that clashes with nothing on
  // this host, let the engine pick a free pool first, then create the real network on that subnet.
  const probe = await engine.createNetwork({ Name: `${name}-probe`, Driver: 'bridge', Labels: { [CLUSTER_LABEL]: labels[CLUSTER_LABEL] } });
  const { IPAM } = await probe.inspect();
  await probe.remove();
  const { Subnet: subnet, Gateway: gateway } = IPAM?.Config?.[0] ?? {};
  if (!subnet || !gateway) throw new Error('The Docker engine gave the cluster network no IPv4 subnet');
  const network = await engine.createNetwork({
    Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
  });
  const [base, bits] = subnet.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = toInt(gateway) + 1;
  return {
    id: network.id, name, subnet,
    address(n) {
      if (first + n - 1 >= toInt(base) + size - 1) throw new Error(`Subnet ${subnet} has no room for member ${n}`);
      return toIp(first + n - 1);
    },
  };
}

/** The engine's unix socket on this host (what agents get mounted to run Docker tasks), if it has one. */
export function localEngineSocket(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (host && !host.startsWith('unix://')) return undefined;
  const socket = host ? host.slice('unix://'.length) : '/var/run/docker.sock';
  return fs.existsSync(socket) ? socket : undefined;
}

/**
 * Where an agent's work_dir lives on the host: the engine mounts its tasks' sandboxes from there. Named
 * after the cluster's network, new with each start, so that no agent recovers a previous cluster's checkpoint.
 */
export function agentHostWorkDir(cluster: string, networkId: string, member: string): string {
  return path.join(os.tmpdir(), 'mesolite-docker', `${cluster}-${networkId.slice(0, 12)}`, member);
}
