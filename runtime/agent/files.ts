// The agent's /files endpoints (browse, read, download) over the sandboxes under work_dir/slaves.
// Paths are the sandboxes' absolute paths, as Mesos exposes them; nothing outside is served.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpError, sendJson, type Router } from '../common/http';

/** Mesos reads at most 16 pages per /files/read call. */
const MAX_READ_BYTES = 16 * 4096;

function modeString(stat: fs.Stats): string {
  const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  return kind + [...bits].map((c, i) => (stat.mode & (1 << (8 - i)) ? c : '-')).join('');
}

/** uid/gid -> name from /etc/passwd and /etc/group (Mesos reports names), read once. */
let names: { users: Map<number, string>; groups: Map<number, string> } | undefined;
function nameOf(kind: 'users' | 'groups', id: number): string {
  if (!names) {
    const table = (file: string) => {
      try {
        return new Map(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
          const [name, , idText] = line.split(':');
          return [Number(idText), name] as const;
        }));
      } catch {
        return new Map<number, string>();
      }
    };
    names = { users: table('/etc/passwd'), groups: table('/etc/group') };
  }
  return names[kind].get(id) ?? String(id);
}

function fileInfo(file: string, stat: fs.Stats) {
  return {
    path: file, nlink: stat.nlink, size: stat.size, mtime: Math.floor(stat.mtimeMs / 1000), mode: modeString(stat),
    uid: nameOf('users', stat.uid), gid: nameOf('groups', stat.gid),
  };
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new HttpError(400, `Failed to parse '${name}': '${raw}' is not an integer`);
  return n;
}

export function mountFiles(router: Router, sandboxRoot: () => string): void {
  const resolve = (url: URL): { file: string; stat: fs.Stats } => {
    const requested = url.searchParams.get('path');
    if (!requested) throw new HttpError(400, "Expecting 'path' to be specified");
    if (!path.isAbsolute(requested)) throw new HttpError(400, `'path' must be absolute, got '${requested}'`);
    let real: string;
    try {
      real = fs.realpathSync(path.normalize(requested));
    } catch {
      throw new HttpError(404, `File not found: ${requested}`);
    }
    const root = fs.existsSync(sandboxRoot()) ? fs.realpathSync(sandboxRoot()) : sandboxRoot();
    if (real !== root && !real.startsWith(root + path.sep)) throw new HttpError(403, `Access to '${requested}' is refused: only sandboxes are served`);
    return { file: real, stat: fs.statSync(real) };
  };

  router.on('GET', '/files/browse', (_req, res, url) => {
    const { file, stat } = resolve(url);
    if (!stat.isDirectory()) return sendJson(res, 200, []);
    const entries = fs.readdirSync(file).sort().flatMap((name) => {
      try {
        return [fileInfo(path.join(url.searchParams.get('path')!, name), fs.statSync(path.join(file, name)))];
      } catch {
        return []; // a dangling link
      }
    });
    sendJson(res, 200, entries);
  });

  router.on('GET', '/files/read', (_req, res, url) => {
    const { file, stat } = resolve(url);
    if (stat.isDirectory()) throw new HttpError(400, `Cannot read a directory: '${url.searchParams.get('path')}'`);
    // As Mesos: no offset means -1, which answers the file's size (clients tail from there).
    const offset = intParam(url, 'offset', -1);
    const length = intParam(url, 'length', -1);
    if (offset === -1) return sendJson(res, 200, { data: '', offset: stat.size });
    if (offset < 0) throw new HttpError(400, `Negative offset provided: ${offset}`);
    if (length < -1) throw new HttpError(400, `Negative length provided: ${length}`);
    const wanted = Math.min(length === -1 ? MAX_READ_BYTES : length, MAX_READ_BYTES);
    if (offset >= stat.size) return sendJson(res, 200, { data: '', offset });
    const buffer = Buffer.alloc(Math.min(wanted, stat.size - offset));
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      fs.closeSync(fd);
    }
    sendJson(res, 200, { data: buffer.toString('utf8'), offset });
  });

  router.on('GET', '/files/download', (_req, res, url) => {
    const { file, stat } = resolve(url);
    if (stat.isDirectory()) throw new HttpError(400, `Cannot download a directory: '${url.searchParams.get('path')}'`);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': stat.size,
      'Content-Disposition': `attachment; filename="${path.basename(file).replace(/"/g, '')}"`,
    });
    fs.createReadStream(file).pipe(res);
  });
}
