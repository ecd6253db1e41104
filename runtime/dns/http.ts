// Mesos-DNS's HTTP interface (docs/http.md): /v1/version, /v1/config, /v1/hosts/{host} (A and AAAA),
// /v1/services/{service} (SRV with each target's address), /v1/enumerate and /v1/axfr (unless
// EnumerationOn is false). Answers have Mesos-DNS's shapes, including its one empty entry when
// nothing matches.
import { HttpError, Router, sendJson } from '../common/http';
import type { Logger } from '../common/log';
import { MESOLITE_VERSION } from '../master/version';
import { publicConfig } from './config';
import type { RecordMap } from './records';
import type { Resolver } from './resolver';


/** A name as asked: wildcards dropped, lower case, fully qualified. */
const fqdn = (name: string) => {
  const clean = name.replace(/\.\*/g, '').toLowerCase();
  return clean.endsWith('.') ? clean : `${clean}.`;
};

export function dnsApi(resolver: Resolver, log: Logger): Router {
  const router = new Router(log)
    .on('GET', '/v1/version', (_req, res) => sendJson(res, 200, { Service: 'Mesos-DNS', URL: 'https://github.com/mesosphere/mesos-dns', Version: `mesolite-${MESOLITE_VERSION}` }))
    .on('GET', '/v1/config', (_req, res) => sendJson(res, 200, publicConfig(resolver.config)))
    .on('GET', '/v1/hosts/{host}', (_req, res, _url, { host }) => {
      const name = fqdn(host);
      const rs = resolver.records;
      const records = [...rs.A.get(name) ?? [], ...rs.AAAA.get(name) ?? []].map((ip) => ({ host: name, ip }));
      sendJson(res, 200, records.length > 0 ? records : [{ host: '', ip: '' }]);
    })
    .on('GET', '/v1/hosts/{host}/ports', () => { throw new HttpError(501, 'To be implemented...'); })
    .on('GET', '/v1/services/{service}', (_req, res, _url, { service }) => {
      const name = fqdn(service);
      const rs = resolver.records;
      const records = [...rs.SRV.get(name) ?? []].flatMap((target) => {
        const at = target.lastIndexOf(':');
        const host = target.slice(0, at);
        const port = target.slice(at + 1);
        return [rs.A.first(host), rs.AAAA.first(host)].filter((ip) => ip !== undefined).map((ip) => ({ service, host, ip, port }));
      });
      sendJson(res, 200, records.length > 0 ? records : [{ service: '', host: '', ip: '', port: '' }]);
    });
  if (resolver.config.EnumerationOn) {
    const set = (m: RecordMap) => Object.fromEntries(m.entries());
    router
      .on('GET', '/v1/enumerate', (_req, res) => sendJson(res, 200, resolver.records.enumeration))
      .on('GET', '/v1/axfr', (_req, res) => {
        const c = resolver.config;
        const rs = resolver.records;
        sendJson(res, 200, {
          Records: { SRVs: set(rs.SRV), As: set(rs.A), AAAAs: set(rs.AAAA) },
          Serial: c.SOASerial, Mname: c.SOAMname, Rname: c.SOARname, TTL: c.TTL, RefreshSeconds: c.RefreshSeconds, Domain: c.Domain,
        });
      });
  }
  return router;
}
