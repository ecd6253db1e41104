// The Docker tier's environment: an engine and images, provisioned by provision-docker.sh. These
// machines cannot pull, so unless the caller picked images, the local ones it builds are selected,
// through the same variables users set to pick images. Run directly, it provisions and then runs the
// command after `--` in that environment (the cluster-start bench does).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function provisionDocker() {
  const env = {
    MESOLITE_NODE_IMAGE: process.env.MESOLITE_NODE_IMAGE || 'mesolite/node-base:bookworm-local',
    MESOLITE_ZOOKEEPER_IMAGE: process.env.MESOLITE_ZOOKEEPER_IMAGE || 'mesolite/zookeeper:3.8-local',
  };
  const provision = spawnSync('bash', [fileURLToPath(new URL('provision-docker.sh', import.meta.url))], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (provision.status !== 0) throw new Error('provisioning Docker failed: the Docker tier cannot run');
  return env;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv.slice(process.argv.indexOf('--') + 1);
  const env = provisionDocker();
  const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
  process.exit(r.status ?? 1);
}
