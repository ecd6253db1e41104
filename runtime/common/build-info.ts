// What Mesos reports as build_date / build_time / build_user: here, when and by whom the running bundle
// (or source file) was built, read from the file itself once.
import * as fs from 'node:fs';
import * as os from 'node:os';

let info: { build_date: string; build_time: number; build_user: string } | undefined;

export function buildInfo() {
  if (!info) {
    const stat = fs.statSync(__filename);
    const user = os.userInfo();
    const owner = stat.uid === user.uid ? user.username : (fs.readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => Number(f[2]) === stat.uid)?.[0] ?? String(stat.uid));
    // Mesos' build_date is "YYYY-MM-DD HH:MM:SS" and build_time seconds since the epoch.
    info = { build_date: new Date(stat.mtimeMs).toISOString().replace('T', ' ').slice(0, 19), build_time: Math.floor(stat.mtimeMs / 1000), build_user: owner };
  }
  return info;
}
