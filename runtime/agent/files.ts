// The agent's /files endpoints (browse, read, download) over the sandboxes under work_dir/slaves.
// Paths are the sandboxes' absolute paths, as Mesos exposes them; nothing outside is served.
//
// A task owns its sandbox and can turn any directory in it into a symlink at any moment, so a path checked
// before it is opened proves nothing (Mesos' files.cpp has that gap). Here the path is opened first, and
// what was opened is checked: its real path must lie in the sandbox root and its kind must suit the
// endpoint. All later access goes through /proc/self/fd/N, which names exactly the opened file whatever
// the path has become. Linux only (O_PATH, /proc); elsewhere the check fails and nothing is served.
import * as fs from 'node:fs';
import { open, readdir, readFile, readlink, realpath, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { HttpError, sendJson, type Router } from '../common/http';

/** Mesos reads at most 16 pages per /files/read call. */
const MAX_READ_BYTES = 16 * 4096;

/** open(2)'s O_PATH (Linux): a handle to check and re-open a file without opening it for reading, which
 * for a FIFO would wake (and later SIGPIPE) its writer, and for a device could have side effects. */
const O_PATH = 0o10000000;

function kindOf(stat: fs.Stats): string {
  if (stat.isFile()) return 'regular file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isSocket()) return 'socket';
  return stat.isCharacterDevice() ? 'character device' : 'block device';
}

function modeString(stat: fs.Stats): string {
  const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  return kind + [...bits].map((c, i) => (stat.mode & (1 << (8 - i)) ? c : '-')).join('');
}

type Accounts = Record<'users' | 'groups', Map<number, string>>;
/** uid/gid -> name from /etc/passwd and /etc/group (Mesos reports names), read once. */
let accounts: Promise<Accounts> | undefined;
function loadAccounts(): Promise<Accounts> {
  const table = async (file: string) => new Map((await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => {
    const [name, , idText] = line.split(':');
    return [Number(idText), name] as const;
  }));
  accounts ??= Promise.all([table('/etc/passwd'), table('/etc/group')]).then(([users, groups]) => ({ users, groups }));
  return accounts;
}

function fileInfo(file: string, stat: fs.Stats, names: Accounts) {
  return {
    path: file, nlink: stat.nlink, size: stat.size, mtime: Math.floor(stat.mtimeMs / 1000), mode: modeString(stat),
    uid: names.users.get(stat.uid) ?? String(stat.uid), gid: names.groups.get(stat.gid) ?? String(stat.gid),
  };
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new HttpError(400, `Failed to parse '${name}': '${raw}' is not an integer`);
  return n;
}

interface Opened { requested: string; real: string; stat: fs.Stats; fdPath: string }

export function mountFiles(router: Router, sandboxRoot: () => string): void {
  /** Opens the requested path, checks what was opened and hands it to `use`; the handle is closed after. */
  const withOpened = async <T>(url: URL, verb: 'browse' | 'read' | 'download', use: (opened: Opened) => Promise<T>): Promise<T> => {
    const requested = url.searchParams.get('path');
    if (!requested) throw new HttpError(400, "Expecting 'path' to be specified");
    if (!path.isAbsolute(requested)) throw new HttpError(400, `'path' must be absolute, got '${requested}'`);
    let handle: FileHandle;
    try {
      handle = await open(path.normalize(requested), O_PATH);
    } catch {
      throw new HttpError(404, `File not found: ${requested}`);
    }
    try {
      const fdPath = `/proc/self/fd/${handle.fd}`;
      const [real, root, stat] = await Promise.all([readlink(fdPath), realpath(sandboxRoot()).catch(() => sandboxRoot()), handle.stat()]);
      if (real !== root && !real.startsWith(root + path.sep)) throw new HttpError(403, `Access to '${requested}' is refused: only sandboxes are served`);
      const kind = kindOf(stat);
      if (kind !== 'regular file' && !(verb === 'browse' && kind === 'directory')) throw new HttpError(400, `Cannot ${verb} a ${kind}: '${requested}'`);
      return await use({ requested, real, stat, fdPath });
    } finally {
      await handle.close();
    }
  };

  router.on('GET', '/files/browse', (_req, res, url) => withOpened(url, 'browse', async ({ requested, stat, fdPath }) => {
    if (!stat.isDirectory()) return sendJson(res, 200, []);
    const names = await loadAccounts();
    const entries = await Promise.all((await readdir(fdPath)).sort().map(async (name) => {
      try {
        return [fileInfo(path.join(requested, name), await fs.promises.stat(path.join(fdPath, name)), names)];
      } catch {
        return []; // a dangling link
      }
    }));
    sendJson(res, 200, entries.flat());
  }));

  router.on('GET', '/files/read', (_req, res, url) => withOpened(url, 'read', async ({ stat, fdPath }) => {
    // As Mesos: no offset means -1, which answers the file's size (clients tail from there).
    const offset = intParam(url, 'offset', -1);
    const length = intParam(url, 'length', -1);
    if (offset === -1) return sendJson(res, 200, { data: '', offset: stat.size });
    if (offset < 0) throw new HttpError(400, `Negative offset provided: ${offset}`);
    if (length < -1) throw new HttpError(400, `Negative length provided: ${length}`);
    const wanted = Math.min(length === -1 ? MAX_READ_BYTES : length, MAX_READ_BYTES);
    if (offset >= stat.size) return sendJson(res, 200, { data: '', offset });
    const reader = await open(fdPath, 'r');
    try {
      const { buffer, bytesRead } = await reader.read(Buffer.alloc(Math.min(wanted, stat.size - offset)), 0, undefined, offset);
      sendJson(res, 200, { data: buffer.subarray(0, bytesRead).toString('utf8'), offset });
    } finally {
      await reader.close();
    }
  }));

  router.on('GET', '/files/download', (_req, res, url) => withOpened(url, 'download', async ({ real, stat, fdPath }) => {
    // Only the bytes announced in Content-Length, though a task's log grows meanwhile. The stream closes the
    // file when it ends or fails; either way the response ends, so its outcome needs no handling here.
    const body = stat.size === 0 ? Readable.from([]) : (await open(fdPath, 'r')).createReadStream({ start: 0, end: stat.size - 1 });
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': stat.size,
      'Content-Disposition': `attachment; filename="${path.basename(real).replace(/"/g, '')}"`,
    });
    pipeline(body, res, () => undefined);
  }));
}
