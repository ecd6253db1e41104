// Which images a Docker cluster runs, and the runtime image built from the repo's Dockerfile.
// Defaults are public images; MESOLITE_NODE_IMAGE / MESOLITE_ZOOKEEPER_IMAGE (or the builder's
// options) pick others, e.g. the local ones scripts/provision-docker.sh builds on offline machines.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
import { loadTestcontainers } from './engine';

export const DEFAULT_NODE_IMAGE = 'node:22-bookworm-slim';
export const DEFAULT_ZOOKEEPER_IMAGE = 'zookeeper:3.9';
export const RUNTIME_REPOSITORY = 'mesolite/runtime';

export interface ImageChoice {
  /** Base of the runtime image: any image with `node` (20+) on its PATH and /bin/sh. */
  node: string;
  /** An image that reads ZOO_MY_ID / ZOO_SERVERS like the public zookeeper image. */
  zookeeper: string;
}

export function imagesFromEnvironment(env: NodeJS.ProcessEnv = process.env): ImageChoice {
  return { node: env.MESOLITE_NODE_IMAGE || DEFAULT_NODE_IMAGE, zookeeper: env.MESOLITE_ZOOKEEPER_IMAGE || DEFAULT_ZOOKEEPER_IMAGE };
}

/** The bundle and Dockerfile: beside this code in dist/, or the repo's when running from source. */
function runtimeSources(): { bundle: string; dockerfile: string } {
  if (fs.existsSync(path.join(__dirname, 'mesolite.js'))) {
    return { bundle: path.join(__dirname, 'mesolite.js'), dockerfile: path.join(__dirname, 'runtime.Dockerfile') };
  }
  return { bundle: path.resolve(__dirname, '../../../dist/mesolite.js'), dockerfile: path.join(__dirname, 'runtime.Dockerfile') };
}

async function imageId(client: ContainerRuntimeClient, name: string): Promise<string | undefined> {
  try {
    return (await client.container.dockerode.getImage(name).inspect()).Id;
  } catch {
    return undefined;
  }
}

/**
 * Builds the runtime image unless an image with the same content hash (bundle, Dockerfile, base
 * image) exists, and returns its name. The tag is the hash, so a rebuilt bundle gets a new image.
 */
export async function ensureRuntimeImage(nodeImage: string, onProgress: (step: string) => void = () => undefined): Promise<string> {
  const { GenericContainer, getContainerRuntimeClient } = await loadTestcontainers();
  const client = await getContainerRuntimeClient();
  const { bundle, dockerfile } = runtimeSources();
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
  const modules = path.join(path.dirname(bundle), 'node_modules');
  const hash = createHash('sha256').update(fs.readFileSync(dockerfile)).update(fs.readFileSync(bundle));
  for (const file of filesUnder(modules)) hash.update(file).update(fs.readFileSync(path.join(modules, file)));
  const tag = hash.update(nodeImage).update((await imageId(client, nodeImage)) ?? '').digest('hex').slice(0, 16);
  const image = `${RUNTIME_REPOSITORY}:${tag}`;
  if (await imageId(client, image)) return image;
  onProgress(`Building the runtime image ${image} on ${nodeImage}`);
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-image-'));
  try {
    fs.copyFileSync(dockerfile, path.join(context, 'Dockerfile'));
    fs.copyFileSync(bundle, path.join(context, 'mesolite.js'));
    fs.mkdirSync(path.join(context, 'node_modules'));
    if (fs.existsSync(modules)) fs.cpSync(modules, path.join(context, 'node_modules'), { recursive: true });
    await GenericContainer.fromDockerfile(context).withBuildArgs({ NODE_IMAGE: nodeImage }).build(image, { deleteOnExit: false });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  return image;
}

/** Files below a directory (relative paths, sorted), none if it does not exist. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name))).sort();
}
