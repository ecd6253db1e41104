// ATTACH_CONTAINER_OUTPUT of a task's own container (`mesolite task attach`): what the task writes to
// the stdout and stderr files of its sandbox from now on, as ProcessIO records, until it ends. Tasks
// here run without a TTY (their output goes to those files), so their input cannot be attached.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../common/log';
import type { OutputStream } from '../containerizer/containerizer';

const CHUNK_BYTES = 64 * 1024;

/**
 * Follows one file from its current end: reads what was appended each time inotify says it changed.
 * onData's promise settles when the reader can take more: a slow one is not read for faster than it reads.
 */
class FileFollower {
  private offset: number;
  private reading = false;
  private again = false;
  private readonly watcher?: fs.FSWatcher;

  constructor(private readonly file: string, private readonly onData: (data: Buffer) => Promise<void>, log: Logger) {
    this.offset = size(file);
    try {
      this.watcher = fs.watch(file, () => void this.read());
      this.watcher.on('error', (e) => log.warn(`Following ${file}: ${e.message}`));
    } catch (e) {
      log.warn(`Cannot follow ${file}: ${(e as Error).message}`);
    }
  }

  /** One read loop at a time; a change during it reads again. */
  private async read(): Promise<void> {
    if (this.reading) { this.again = true; return; }
    this.reading = true;
    try {
      do {
        this.again = false;
        const handle = await fs.promises.open(this.file, 'r');
        try {
          for (;;) {
            const { bytesRead, buffer } = await handle.read(Buffer.alloc(CHUNK_BYTES), 0, CHUNK_BYTES, this.offset);
            if (bytesRead === 0) break;
            this.offset += bytesRead;
            await this.onData(buffer.subarray(0, bytesRead));
          }
        } finally {
          await handle.close();
        }
      } while (this.again && this.watcher);
    } catch {
      // the sandbox went with its task: the follower is closed with it
    } finally {
      this.reading = false;
    }
  }

  close(): void {
    this.watcher?.close();
  }
}

function size(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Follows a task's stdout and stderr in its sandbox; close() stops. */
export function followTaskOutput(sandbox: string, onOutput: (stream: OutputStream, data: Buffer) => Promise<void>, log: Logger): { close(): void } {
  const followers = (['STDOUT', 'STDERR'] as const).map((stream) => new FileFollower(path.join(sandbox, stream.toLowerCase()), (d) => onOutput(stream, d), log));
  return { close: () => followers.forEach((f) => f.close()) };
}
