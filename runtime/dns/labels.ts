// DNS labels as Mesos-DNS makes them from task and framework names (records/labels): lower case, only
// [a-z0-9-] ('.', '_' become '-', other characters are dropped), at most 63 characters (RFC 1123) or,
// with EnforceRFC952, 24 characters not starting with a digit; and the short hash of a task id in the
// canonical name (the first 5 z-base-32 characters of its SHA-1).
import { createHash } from 'node:crypto';

export type LabelRule = (name: string) => string;

function mapChars(name: string): string {
  let out = '';
  for (const c of name) {
    if (c >= 'A' && c <= 'Z') out += c.toLowerCase();
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    else if (c === '-' || c === '.' || c === '_') out += '-';
  }
  return out;
}

const trimLeft = (s: string, cut: string) => { let i = 0; while (i < s.length && cut.includes(s[i])) i++; return s.slice(i); };
const trimRight = (s: string, cut: string) => { let i = s.length; while (i > 0 && cut.includes(s[i - 1])) i--; return s.slice(0, i); };

/**
 * Cuts at `max` characters with the cut sets trimmed from the ends; what trimming the end frees is
 * filled from the characters after the cut, as Mesos-DNS does (so names stay as long as allowed).
 */
function trimCut(label: string, max: number, left: string, right: string): string {
  const trimmed = trimLeft(label, left);
  const size = Math.min(trimmed.length, max);
  const head = trimRight(trimmed.slice(0, size), right);
  if (head.length === size) return head;
  const tail = trimLeft(trimmed.slice(size), right);
  return tail.length > 0 ? head + tail.slice(0, size - head.length) : head;
}

export const rfc1123: LabelRule = (name) => trimCut(mapChars(name), 63, '-', '-');
export const rfc952: LabelRule = (name) => trimCut(mapChars(name), 24, '-0123456789', '-');

/** A name of several labels (a framework name keeps its dots): each made valid, empty ones dropped. */
export const domainFragment = (name: string, rule: LabelRule): string => name.split('.').map(rule).filter((l) => l !== '').join('.');

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** The first 5 z-base-32 characters of the SHA-1 of `s`: 25 bits, enough to tell a framework's tasks apart. */
export function hashString(s: string): string {
  const digest = createHash('sha1').update(s).digest();
  const bits = digest.readUInt32BE(0);
  let out = '';
  for (let i = 0; i < 5; i++) out += ZBASE32[(bits >>> (27 - i * 5)) & 31];
  return out;
}

/** The last '-'-separated part of an agent id, lower case (`...-S3` → `s3`). */
export const agentIdTail = (agentId: string): string => agentId.split('-').pop()!.toLowerCase();
