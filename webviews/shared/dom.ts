// The component library's DOM helpers: h() builds elements (no innerHTML, so nothing from the cluster
// is ever parsed as HTML), table() renders a sortable, filterable table with Mesos' column names.
export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export const link = (href: string, ...children: Child[]) => h('a', { href }, ...children);

export interface Column<T> {
  title: string;
  value: (row: T) => string | number;
  /** The cell's content, when it is more than the value (a link, say). */
  cell?: (row: T) => Child;
}

/** Sort and filter choices survive re-renders (live updates re-render the page many times a second). */
const tableState = new Map<string, { sort: number; descending: boolean; filter: string }>();

export function table<T>(id: string, columns: Column<T>[], rows: T[], rerender: () => void, options: { filter?: boolean } = {}): HTMLElement {
  const state = tableState.get(id) ?? { sort: -1, descending: false, filter: '' };
  tableState.set(id, state);
  const needle = state.filter.toLowerCase();
  let shown = needle ? rows.filter((r) => columns.some((c) => String(c.value(r)).toLowerCase().includes(needle))) : rows;
  if (state.sort >= 0) {
    const col = columns[state.sort];
    shown = [...shown].sort((a, b) => {
      const [x, y] = [col.value(a), col.value(b)];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return state.descending ? -order : order;
    });
  }
  const header = columns.map((c, i) => h('th', {
    onclick: () => { state.descending = state.sort === i ? !state.descending : false; state.sort = i; rerender(); },
    class: state.sort === i ? (state.descending ? 'sorted desc' : 'sorted') : undefined,
  }, c.title));
  const filter = options.filter === false ? null : h('input', {
    class: 'filter', placeholder: 'Filter', value: state.filter, 'data-table': id,
    oninput: (e: Event) => { state.filter = (e.target as HTMLInputElement).value; rerender(); },
  });
  return h('div', { class: 'table', id: `table-${id}` }, filter,
    h('table', {}, h('thead', {}, h('tr', {}, header)),
      h('tbody', {}, shown.length === 0 ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'None')) : shown.map((r) => h('tr', {}, columns.map((c) => h('td', {}, c.cell ? c.cell(r) : c.value(r))))))));
}

/** Key/value pairs as a definition list. */
export function facts(pairs: Array<[string, Child]>): HTMLElement {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** Replaces `root`'s content, keeping the focused filter field focused (with its caret) across re-renders. */
export function replace(root: HTMLElement, content: Node): void {
  const focused = document.activeElement as HTMLInputElement | null;
  const key = focused?.getAttribute?.('data-table');
  const caret = focused?.selectionStart ?? null;
  root.replaceChildren(content);
  if (key) {
    const again = root.querySelector<HTMLInputElement>(`input[data-table="${key}"]`);
    again?.focus();
    if (again && caret !== null) again.setSelectionRange(caret, caret);
  }
}
