// Which images a Docker cluster runs, and the runtime image built from the repo's Dockerfile.
// Defaults are public images; MESOLITE_NODE_IMAGE / MESOLITE_ZOOKEEPER_IMAGE (or the builder's
// options) pick others, e.g. the local ones scripts/provision-docker.sh builds on offline machines.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import type { ContainerRuntimeClient } from 'testcontainers';
import { docker, loadTestcontainers } from './engine';

export const DEFAULT_NODE_IMAGE = 'node:22-bookworm-slim';
export const DEFAULT_ZOOKEEPER_IMAGE = 'zookeeper:3.9';
export const RUNTIME_REPOSITORY = 'mesolite/runtime';
/** What scripts/provision-docker.sh builds on machines without a registry (never under a public name). */
export const LOCAL_NODE_IMAGE = 'mesolite/node-base:bookworm-local';
export const LOCAL_ZOOKEEPER_IMAGE = 'mesolite/zookeeper:3.8-local';
const PULL_TIMEOUT_MS = 120_000;

/** An image that is not on this machine and cannot be pulled; the message says what to do. */
export class ImageUnavailableError extends Error {}

export interface ImageChoice {
  /** Base of the runtime image: any image with `node` (20+) on its PATH and /bin/sh. */
  node: string;
  /** An image that reads ZOO_MY_ID / ZOO_SERVERS like the public zookeeper image. */
  zookeeper: string;
}

export function imagesFromEnvironment(env: NodeJS.ProcessEnv = process.env): ImageChoice {
  return { node: env.MESOLITE_NODE_IMAGE || DEFAULT_NODE_IMAGE, zookeeper: env.MESOLITE_ZOOKEEPER_IMAGE || DEFAULT_ZOOKEEPER_IMAGE };
}

const IMAGES = {
  node: { fallback: LOCAL_NODE_IMAGE, standard: DEFAULT_NODE_IMAGE, variable: 'MESOLITE_NODE_IMAGE' },
  zookeeper: { fallback: LOCAL_ZOOKEEPER_IMAGE, standard: DEFAULT_ZOOKEEPER_IMAGE, variable: 'MESOLITE_ZOOKEEPER_IMAGE' },
} as const;

/**
 * The images to run, all on this machine: a missing one is pulled; a public default that cannot be
 * pulled (no registry) gives way to the local image provision-docker.sh builds, when present, and
 * onProgress says so. Otherwise ImageUnavailableError names the image, why, and the fix.
 */
export async function resolveImages(choice: ImageChoice, onProgress: (step: string) => void): Promise<ImageChoice> {
  const engine = await docker();
  const resolved = { ...choice };
  for (const kind of ['node', 'zookeeper'] as const) {
    const image = choice[kind];
    if (await present(engine, image)) continue;
    onProgress(`Pulling ${image}`);
    const failure = await pull(engine, image);
    if (failure === undefined) continue;
    const { fallback, standard, variable } = IMAGES[kind];
    if (image === standard && await present(engine, fallback)) {
      onProgress(`${image} cannot be pulled (${failure}); using the local ${fallback} instead`);
      resolved[kind] = fallback;
      continue;
    }
    throw new ImageUnavailableError(`The image ${image} is not on this machine and cannot be pulled (${failure}): `
      + `run scripts/provision-docker.sh (it builds ${LOCAL_NODE_IMAGE} and ${LOCAL_ZOOKEEPER_IMAGE}, used when the public images cannot be pulled), or set ${variable} to an image on this machine`);
  }
  return resolved;
}

async function present(engine: Dockerode, image: string): Promise<boolean> {
  return engine.getImage(image).inspect().then(() => true, () => false);
}

/** Pulls an image; undefined when done, else why not (the engine's first line). */
async function pull(engine: Dockerode, image: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`no answer within ${PULL_TIMEOUT_MS / 1000} s`), PULL_TIMEOUT_MS); });
  const pulled = (async () => {
    const stream = await engine.pull(image);
    await new Promise<void>((resolve, reject) => engine.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())));
    return undefined;
  })().catch((e: Error) => e.message.replace(/^\(HTTP code \d+\)[^-]*- /, '').split('\n')[0].trim());
  try {
    return await Promise.race([pulled, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
  const dockerClient = path.join(path.dirname(bundle), 'mesolite-dockerode.js');
  if (!fs.existsSync(dockerClient)) throw new Error(`${dockerClient} is missing: run npm run build first`);
  const hash = createHash('sha256').update(fs.readFileSync(dockerfile)).update(fs.readFileSync(bundle)).update(fs.readFileSync(dockerClient));
  for (const file of filesUnder(modules)) hash.update(file).update(fs.readFileSync(path.join(modules, file)));
  const tag = hash.update(nodeImage).update((await imageId(client, nodeImage)) ?? '').digest('hex').slice(0, 16);
  const image = `${RUNTIME_REPOSITORY}:${tag}`;
  if (await imageId(client, image)) return image;
  onProgress(`Building the runtime image ${image} on ${nodeImage}`);
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'mesolite-image-'));
  try {
    fs.copyFileSync(dockerfile, path.join(context, 'Dockerfile'));
    fs.copyFileSync(bundle, path.join(context, 'mesolite.js'));
    fs.copyFileSync(dockerClient, path.join(context, 'mesolite-dockerode.js'));
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
