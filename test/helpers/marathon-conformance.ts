// Which of Marathon's types (marathon-types.ts) answers each request of its REST API, and the check
// the Marathon HTTP helper runs on every JSON response: an answer that does not fit its type fails
// the test that got it, naming the field.
import Ajv, { type ValidateFunction } from 'ajv';
import * as types from './marathon-types';

type Schema = Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<Schema, ValidateFunction>();
const validator = (schema: Schema) => compiled.get(schema) ?? compiled.set(schema, ajv.compile(schema)).get(schema)!;

const anyOf = (...schemas: Schema[]): Schema => ({ anyOf: schemas });
const APP = '/v2/apps/[^?]+?';

/** [method, path pattern, the type of a 2xx answer]; the first match wins. */
const ROUTES: Array<[string, RegExp, Schema]> = [
  ['GET', /^\/v2\/apps\/?$/, types.AppList],
  ['POST', /^\/v2\/apps\/?$/, types.AppInfo],
  ['GET', new RegExp(`^${APP}/versions/?$`), types.VersionList],
  ['GET', new RegExp(`^${APP}/versions/[^/]+$`), types.App],
  ['GET', new RegExp(`^${APP}/tasks/?$`), types.TaskList],
  ['DELETE', new RegExp(`^${APP}/tasks/?$`), anyOf(types.TaskList, types.DeploymentResult)],
  ['DELETE', new RegExp(`^${APP}/tasks/[^/]+$`), anyOf(types.TaskSingle, types.DeploymentResult)],
  ['POST', new RegExp(`^${APP}/restart$`), types.DeploymentResult],
  ['GET', /^\/v2\/apps\/(.+\/)?\*$/, types.AppsInGroup],
  ['GET', new RegExp(`^${APP}$`), types.AppSingle],
  ['PUT', new RegExp(`^${APP}$`), types.DeploymentResult],
  ['PATCH', new RegExp(`^${APP}$`), types.DeploymentResult],
  ['DELETE', new RegExp(`^${APP}$`), types.DeploymentResult],
  ['GET', /^\/v2\/tasks\/?$/, types.TaskList],
  ['POST', /^\/v2\/tasks\/delete$/, anyOf(types.TaskList, types.DeploymentResult)],
  ['GET', /^\/v2\/deployments\/?$/, types.DeploymentList],
  ['DELETE', /^\/v2\/deployments\/[^/]+$/, types.DeploymentResult],
  ['GET', /^\/v2\/groups(\/.*)?$/, types.GroupInfo],
  ['POST', /^\/v2\/groups(\/.*)?$/, types.DeploymentResult],
  ['PUT', /^\/v2\/groups(\/.*)?$/, types.DeploymentResult],
  ['DELETE', /^\/v2\/groups(\/.*)?$/, types.DeploymentResult],
  ['GET', /^\/v2\/queue\/?$/, types.Queue],
  ['GET', /^\/v2\/info\/?$/, types.MarathonInfo],
  ['GET', /^\/v2\/leader\/?$/, types.LeaderInfo],
  ['DELETE', /^\/v2\/leader\/?$/, types.Message],
];

/** The type of an answer to `method route` with `status`; undefined when Marathon's types say nothing of it (/ping, /metrics, no body). */
export function responseType(method: string, route: string, status: number): Schema | undefined {
  if (status >= 400) return types.ErrorBody;
  if (status === 202 || status === 204) return undefined;
  const path = route.split('?')[0];
  return ROUTES.find(([m, pattern]) => m === method && pattern.test(path))?.[2];
}

/** Why `body` is not what Marathon answers to `method route` with `status` (undefined when it is, or when no type applies). */
export function nonConformance(method: string, route: string, status: number, body: unknown, contentType = 'application/json'): string | undefined {
  const schema = responseType(method, route, status);
  if (!schema || !contentType.startsWith('application/json')) return undefined;
  const validate = validator(schema);
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ''}`);
  return `${method} ${route} answered ${status} with a body that is not Marathon's type: ${errors.join('; ')}`;
}
