// /v2/groups (Marathon's GroupsResource): the group tree the app ids make, and creating, changing or
// deleting the apps of a group in one deployment.
import type * as http from 'node:http';
import { sendJson, type Router } from '../../../common/http';
import { Refusal } from '../../../common/refusal';
import { absoluteId, newVersion, normalizeApp, parentId, updatedApp, type AppDefinition } from '../app';
import type { MarathonService } from '../service';
import { groupDefinition } from '../validation';
import { body, flag, sendDeployment, type ApiContext } from './http';
import { appJson, resolveEmbed, type AppEmbed } from './views';

export function mountGroups(router: Router, ctx: ApiContext): void {
  for (const path of ['/v2/groups', '/v2/groups/{id*}']) {
    router
      .on('GET', path, (_q, res, url, { id }) => sendJson(res, 200, existingGroup(ctx.service, absoluteId(id ?? '/'), groupEmbed(url))))
      .on('POST', path, (req, res, url, { id }) => postGroup(ctx, req, res, url, absoluteId(id ?? '/'), false))
      .on('PUT', path, (req, res, url, { id }) => postGroup(ctx, req, res, url, absoluteId(id ?? '/'), true))
      .on('DELETE', path, async (_q, res, url, { id }) => {
        const groupId = existingGroup(ctx.service, absoluteId(id ?? '/')).id;
        const apps = Object.keys(ctx.service.state.apps).filter((a) => groupId === '/' || a.startsWith(`${groupId}/`));
        sendDeployment(res, 200, await ctx.service.deploy(Object.fromEntries(apps.map((a) => [a, null])), flag(url, 'force'), newVersion()));
      });
  }
}

/** What a GroupInfo carries: `embed=group.apps`, `group.pods`, `group.groups` (all three unless named), and `group.apps.*` for its apps. */
interface GroupEmbed { apps: boolean; pods: boolean; groups: boolean; app: Set<AppEmbed> }

function groupEmbed(url: URL): GroupEmbed {
  const given = url.searchParams.getAll('embed');
  const values = given.length ? given : ['group.apps', 'group.pods', 'group.groups'];
  return {
    apps: values.includes('group.apps'), pods: values.includes('group.pods'), groups: values.includes('group.groups'),
    app: resolveEmbed(values.filter((v) => v.startsWith('group.apps.'))),
  };
}

const NO_EMBED: GroupEmbed = { apps: false, pods: false, groups: false, app: new Set() };

/** Marathon's GroupInfo of `id`, undefined when no app is in it. */
function groupJson(service: MarathonService, id: string, embed: GroupEmbed): { id: string } & Record<string, unknown> | undefined {
  const inside = Object.values(service.state.apps).filter((a) => a.id.startsWith(id === '/' ? '/' : `${id}/`));
  if (id !== '/' && inside.length === 0) return undefined;
  const childIds = new Set(inside.map((a) => parentId(a.id)).filter((g) => g !== id).map((g) => `${id === '/' ? '' : id}/${g.slice(id === '/' ? 1 : id.length + 1).split('/')[0]}`));
  return {
    id,
    ...(embed.apps ? { apps: inside.filter((a) => parentId(a.id) === id).map((a) => appJson(service, a, embed.app)) } : {}),
    ...(embed.pods ? { pods: [] } : {}),
    ...(embed.groups ? { groups: [...childIds].sort().map((g) => groupJson(service, g, embed)) } : {}),
    dependencies: [],
    version: inside.map((a) => a.version).sort().pop() ?? new Date(0).toISOString(),
  };
}

function existingGroup(service: MarathonService, id: string, embed = NO_EMBED) {
  const group = groupJson(service, id, embed);
  if (!group) throw new Refusal('not_found', `Group '${id}' does not exist`);
  return group;
}

/** POST creates a group (409 when it exists), PUT changes it; either way its apps in one deployment. */
async function postGroup(ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, path: string, update: boolean) {
  const { id: groupId, apps: entries } = groupDefinition(await body(req), path);
  const exists = groupJson(ctx.service, groupId, NO_EMBED) !== undefined && groupId !== '/';
  if (!update && exists) throw new Refusal('conflict', `Group ${groupId} is already created. Use PUT to change this group.`);
  const version = newVersion();
  const changes: Record<string, AppDefinition> = {};
  for (const e of entries) {
    const app = normalizeApp(e.raw, version, e.base);
    const current = ctx.service.state.apps[app.id];
    changes[app.id] = current ? updatedApp(current, { ...e.raw, id: app.id }, version, false) : app;
  }
  const ref = await ctx.service.deploy(changes, flag(url, 'force'), version);
  sendDeployment(res, update ? 200 : 201, ref, update ? {} : { Location: `/v2/groups${groupId}` });
}
