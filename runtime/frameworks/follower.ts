// A follower's answer to an API call: the leader's, through a proxy (as Marathon's and Chronos'
// followers do), or 503 while no leader is known. The hop is marked in a request header so that the
// leader's logs tell proxied calls apart; the app framework also names the leader to the client.
import * as http from 'node:http';

export interface FollowerHeaders {
  /** Request header naming the proxying instance (e.g. X-Marathon-Via). */
  via: string;
  /** Response header naming the leader's URL, where the framework's API defines one (X-Marathon-Leader). */
  leader?: string;
}

export function proxyToLeader(leader: string | undefined, via: string, headers: FollowerHeaders, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (!leader) {
    res.writeHead(503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'Could not determine the current leader' }));
    return;
  }
  const [host, port] = leader.split(':');
  const upstream = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, host: leader, [headers.via]: via } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...(headers.leader ? { [headers.leader]: `http://${leader}` } : {}) });
    answer.pipe(res);
  });
  upstream.on('error', (e) => {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `Proxying to the leader ${leader} failed: ${e.message}` }));
  });
  req.pipe(upstream);
  res.on('close', () => upstream.destroy());
}
