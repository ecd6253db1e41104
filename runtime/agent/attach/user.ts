// Who a nested container runs as: the user of its parent's process (a session is its task's user),
// switched to only when that is not the agent's own user (which takes root, as Mesos' --switch_user).
import * as fs from 'node:fs';
import { Refusal } from '../../common/refusal';
import type { Credentials } from './process';

/** Real uid and gid of a running process, from /proc (undefined where there is none, e.g. macOS). */
function owner(pid: number): Credentials | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const first = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { uid: first('Uid'), gid: first('Gid') };
}

/** The account name of a uid (/etc/passwd), or the number as text. */
function userName(uid: number): string {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (Number(id) === uid && name) return name;
    }
  } catch {
    // no passwd file: the number is the name
  }
  return String(uid);
}

/**
 * The credentials to start a nested container of `parentPid`'s container with: none when it runs as
 * the agent's user. `requested` (CommandInfo.user) must name that same user.
 */
export function nestedCredentials(parentPid: number | undefined, requested: string | undefined): Credentials | undefined {
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const parent = (parentPid ? owner(parentPid) : undefined) ?? self;
  const name = userName(parent.uid);
  if (requested !== undefined && requested !== name && requested !== String(parent.uid)) {
    throw new Refusal('invalid', `'command.user' is '${requested}', but the container runs as '${name}': a session runs as its task's user`);
  }
  if (parent.uid === self.uid && parent.gid === self.gid) return undefined;
  if (self.uid !== 0) throw new Refusal('forbidden', `The container runs as '${name}' and this agent (uid ${self.uid}) cannot switch to it`);
  return parent;
}
