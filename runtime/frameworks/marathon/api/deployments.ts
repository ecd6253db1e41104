// /v2/deployments (Marathon's DeploymentsResource): the running deployments, and cancelling one
// (rolled back by a new deployment, or with ?force=true just stopped: 202).
import { sendEmpty, sendJson, type Router } from '../../../common/http';
import { newVersion } from '../app';
import { deploymentJson } from '../deployments';
import { flag, sendDeployment, type ApiContext } from './http';

export function mountDeployments(router: Router, { service }: ApiContext): void {
  router
    .on('GET', '/v2/deployments', (_q, res) => {
      const readiness = (appId: string) => service.instances.readinessResults(service.state.apps[appId]);
      sendJson(res, 200, Object.values(service.state.deployments).map((d) => deploymentJson(d, readiness)));
    })
    .on('DELETE', '/v2/deployments/{id}', async (_q, res, url, { id }) => {
      const ref = await service.cancel(id, flag(url, 'force'), newVersion());
      if (ref) sendDeployment(res, 200, ref);
      else sendEmpty(res, 202);
    });
}
