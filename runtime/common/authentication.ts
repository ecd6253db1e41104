// Mesos' HTTP authentication with its default "basic" authenticator, for masters and agents:
// --authenticate_http_readwrite / --authenticate_http_readonly say which endpoints need credentials,
// --http_credentials names the JSON file of accepted ones ({"credentials":[{"principal","secret"}]}),
// and a request without valid Basic credentials gets 401 with `WWW-Authenticate: Basic realm="mesos"`.
// Clients (the CLI, the extension) send them with authorization().
import { createHash, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import { FlagError } from './flags';
import { HttpError, type Handler } from './http';

export interface Credentials { principal: string; secret: string }

/** The Authorization header of a client sending credentials. */
export const authorization = ({ principal, secret }: Credentials) => `Basic ${Buffer.from(`${principal}:${secret}`).toString('base64')}`;

/** Which credentials an endpoint needs: those of the read-write realm, the read-only one, or none. */
export type Realm = 'readwrite' | 'readonly' | undefined;

export interface AuthenticationFlags {
  authenticate_http_readwrite: boolean;
  authenticate_http_readonly: boolean;
  http_credentials?: string;
}

/** The flags as Mesos names them (masters and agents take the same ones). */
export const AUTHENTICATION_FLAGS = {
  authenticate_http_readwrite: { type: 'bool', help: 'Require credentials (Basic, from --http_credentials) for the endpoints that change state, the attach API included' },
  authenticate_http_readonly: { type: 'bool', help: 'Require credentials for the read-only endpoints (state, metrics, files)' },
  http_credentials: { type: 'string', help: 'JSON file of accepted credentials: {"credentials":[{"principal":"p","secret":"s"}]}' },
} as const;

/** Reads a credentials file (a path, or file:// URL as Mesos takes it); throws naming what is wrong. */
export function loadCredentials(file: string): Credentials[] {
  const path = file.startsWith('file://') ? file.slice('file://'.length) : file;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (e) {
    throw new FlagError(`Flag --http_credentials: cannot read ${path}: ${(e as Error).message}`);
  }
  const list = (parsed as { credentials?: unknown })?.credentials;
  if (!Array.isArray(list) || list.length === 0) throw new FlagError(`Flag --http_credentials: ${path} must hold {"credentials":[{"principal":...,"secret":...}]}`);
  return list.map((c, i) => {
    const { principal, secret } = (c ?? {}) as Record<string, unknown>;
    if (typeof principal !== 'string' || !principal || typeof secret !== 'string') throw new FlagError(`Flag --http_credentials: credentials[${i}] needs a principal and a secret`);
    return { principal, secret };
  });
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export class HttpAuthenticator {
  private readonly accepted: Map<string, Buffer>;

  constructor(credentials: Credentials[], private readonly realms: { readwrite: boolean; readonly: boolean }) {
    this.accepted = new Map(credentials.map((c) => [c.principal, digest(c.secret)]));
  }

  /** From the daemon's flags: undefined when no realm is authenticated. */
  static fromFlags(flags: AuthenticationFlags): HttpAuthenticator | undefined {
    const realms = { readwrite: flags.authenticate_http_readwrite, readonly: flags.authenticate_http_readonly };
    if (!realms.readwrite && !realms.readonly) return undefined;
    if (!flags.http_credentials) throw new FlagError("No credentials provided for the default 'basic' HTTP authenticator: set --http_credentials");
    return new HttpAuthenticator(loadCredentials(flags.http_credentials), realms);
  }

  /** The principal of a request's valid Basic credentials, if it has them. */
  principal(req: http.IncomingMessage): string | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const principal = decoded.slice(0, colon);
    const expected = this.accepted.get(principal);
    // Compared as digests of equal length, in constant time.
    return expected && timingSafeEqual(expected, digest(decoded.slice(colon + 1))) ? principal : undefined;
  }

  /** A handler that refuses requests of an authenticated realm without valid credentials, then hands on. */
  guard(realmOf: (method: string, path: string) => Realm, next: Handler): Handler {
    return (req, res, url, params) => {
      const realm = realmOf(req.method ?? 'GET', url.pathname.replace(/\/+$/, '') || '/');
      if (realm && this.realms[realm] && !this.principal(req)) {
        req.resume();
        throw new HttpError(401, 'Authentication required', { 'WWW-Authenticate': 'Basic realm="mesos"' });
      }
      return next(req, res, url, params);
    };
  }
}
