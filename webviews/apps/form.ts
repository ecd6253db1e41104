// The create/edit form of an app: general fields, Docker container, ports, env, labels, health checks,
// and a JSON mode. Both modes are checked with the app framework's own JSON Schema (app.schema.json,
// the API's and the editor's, compiled at build time) before the definition is sent; the API's 422
// details are shown the same way.
import validate from 'virtual:app-schema-validator';
import { h } from '../shared/dom';

export type AppJson = Record<string, any>;

/** The schema's complaints, as Marathon's 422 details: [{path, errors}]. */
export function schemaErrors(app: unknown): Array<{ path: string; errors: string[] }> {
  if (validate(app)) return [];
  return (validate.errors ?? []).map((e) => ({ path: e.instancePath || '/', errors: [e.message ?? e.keyword] }));
}

const lines = (obj: Record<string, string> | undefined) => Object.entries(obj ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');
function pairs(text: string): Record<string, string> | undefined {
  const entries = text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => [l.slice(0, l.indexOf('=') < 0 ? l.length : l.indexOf('=')), l.includes('=') ? l.slice(l.indexOf('=') + 1) : '']);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The form's fields ↔ an app definition (fields the form does not show are kept as they were). */
function fromFields(form: HTMLFormElement, base: AppJson): AppJson {
  const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
  const app: AppJson = { ...base, id: v('id'), cpus: Number(v('cpus')), mem: Number(v('mem')), disk: Number(v('disk') || 0), instances: Number(v('instances')) };
  if (v('cmd')) app.cmd = v('cmd'); else delete app.cmd;
  if (v('image')) app.container = { type: 'DOCKER', docker: { image: v('image') }, ...(base.container?.portMappings ? { portMappings: base.container.portMappings } : {}) };
  else if (base.container?.docker) delete app.container;
  const ports = v('ports').split(',').map((p) => p.trim()).filter(Boolean);
  app.portDefinitions = ports.map((p) => { const [port, name] = p.split(':'); return { port: Number(port), ...(name ? { name } : {}) }; });
  const env = pairs(v('env'));
  if (env) app.env = env; else delete app.env;
  const labels = pairs(v('labels'));
  if (labels) app.labels = labels; else delete app.labels;
  if (v('healthPath')) app.healthChecks = [{ protocol: 'MESOS_HTTP', path: v('healthPath'), portIndex: 0, gracePeriodSeconds: 300, intervalSeconds: 10, timeoutSeconds: 20, maxConsecutiveFailures: 3 }];
  else if (v('healthCommand')) app.healthChecks = [{ protocol: 'COMMAND', command: { value: v('healthCommand') }, gracePeriodSeconds: 300, intervalSeconds: 10, timeoutSeconds: 20, maxConsecutiveFailures: 3 }];
  else delete app.healthChecks;
  return app;
}

export interface FormOptions {
  app?: AppJson;
  /** Sends the definition; resolves with the API's 422 details, or undefined when it was accepted. */
  submit(app: AppJson): Promise<Array<{ path: string; errors: string[] }> | undefined>;
}

export function appForm({ app, submit }: FormOptions): HTMLElement {
  let base: AppJson = app ?? { id: '', cmd: '', cpus: 0.1, mem: 32, instances: 1 };
  const field = (label: string, name: string, value: unknown, attrs: Record<string, string> = {}) => [h('label', { for: `f-${name}` }, label), h('input', { id: `f-${name}`, name, value: value === undefined ? '' : String(value), ...attrs })];
  const area = (label: string, name: string, value: string, placeholder: string) => [h('label', { for: `f-${name}` }, label), h('textarea', { id: `f-${name}`, name, placeholder, rows: 3 }, value)];
  const errors = h('div', { class: 'error', id: 'form-errors' });
  const json = h('textarea', { id: 'f-json', name: 'json', rows: 20 }) as HTMLTextAreaElement;
  let mode: 'form' | 'json' = 'form';
  const form = h('form', { class: 'app-form', id: 'app-form' },
    field('ID', 'id', '', { placeholder: '/my-app', ...(app ? { readonly: '' } : {}) }),
    field('CPUs', 'cpus', '', { type: 'number', step: '0.1', min: '0' }), field('Memory (MiB)', 'mem', '', { type: 'number', min: '0' }),
    field('Disk (MiB)', 'disk', '', { type: 'number', min: '0' }), field('Instances', 'instances', '', { type: 'number', min: '0' }),
    field('Command', 'cmd', '', { placeholder: 'python3 -m http.server $PORT0' }),
    field('Docker image', 'image', '', { placeholder: 'nginx:alpine' }),
    field('Ports', 'ports', '', { placeholder: '0:http, 0' }),
    area('Environment', 'env', '', 'NAME=value, one a line'), area('Labels', 'labels', '', 'NAME=value, one a line'),
    field('Health check path (MESOS_HTTP)', 'healthPath', ''), field('Health check command', 'healthCommand', ''),
  ) as HTMLFormElement;
  const fill = (a: AppJson) => {
    const health = a.healthChecks?.[0];
    const values: Record<string, unknown> = {
      id: a.id, cpus: a.cpus ?? 1, mem: a.mem ?? 128, disk: a.disk ?? 0, instances: a.instances ?? 1, cmd: a.cmd ?? '', image: a.container?.docker?.image ?? '',
      ports: (a.portDefinitions ?? []).map((p: any) => `${p.port}${p.name ? `:${p.name}` : ''}`).join(', '), env: lines(a.env), labels: lines(a.labels),
      healthPath: health?.protocol?.endsWith('HTTP') ? health.path ?? '/' : '', healthCommand: health?.protocol === 'COMMAND' ? health.command?.value ?? '' : '',
    };
    for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = String(value ?? '');
  };
  fill(base);
  const jsonBox = h('div', { hidden: true }, json);
  const show = (details: Array<{ path: string; errors: string[] }>) => { errors.textContent = details.map((d) => `${d.path}: ${d.errors.join(', ')}`).join('\n'); };
  const current = (): AppJson | undefined => {
    if (mode === 'form') return fromFields(form, base);
    try {
      return JSON.parse(json.value);
    } catch (e) {
      show([{ path: '/', errors: [`Invalid JSON: ${(e as Error).message}`] }]);
      return undefined;
    }
  };
  const toggle = h('button', { type: 'button', id: 'json-mode', onclick: () => {
    const value = current();
    if (!value) return;
    mode = mode === 'form' ? 'json' : 'form';
    if (mode === 'json') json.value = JSON.stringify(value, null, 2);
    else fill(base = value);
    form.hidden = mode === 'json';
    jsonBox.hidden = mode === 'form';
    toggle.textContent = mode === 'json' ? 'Form mode' : 'JSON mode';
  } }, 'JSON mode');
  json.addEventListener('input', () => { try { show(schemaErrors(JSON.parse(json.value))); } catch (e) { show([{ path: '/', errors: [(e as Error).message] }]); } });
  const send = h('button', { type: 'button', id: 'submit-app', onclick: async () => {
    const value = current();
    if (!value) return;
    const local = schemaErrors(value);
    show(local);
    if (local.length) return;
    show((await submit(value)) ?? []);
  } }, app ? 'Change and deploy' : 'Create application');
  return h('div', { class: 'app-editor' }, h('p', {}, toggle, ' ', send), form, jsonBox, errors);
}
