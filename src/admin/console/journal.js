// #/requests: the journal (docs/control-plane.md#journal), newest first, updating by
// itself unless paused, filtered by API, tenant, outcome and path text.

import {
  api, h, table, button, labelled, select, openingRow, fields, text, query, every, safely, updated, zoneLabel,
} from './core.js';

// A success's code: DingTalk's errcode 0 (v1.0's too), otherwise the HTTP status.
const SUCCESS_CODES = ['0', '200'];

function served(e) {
  return e.status < 400 && (e.code === null || e.code === undefined || SUCCESS_CODES.includes(e.code));
}

/** The outcomes an entry counts under: `ok` (served), `warned` (served with a warning),
 * `refused` (answered with an error by a rule), `injected` (a fault rule fired on it). */
export function outcomes(e) {
  const all = [];
  if (served(e)) all.push('ok');
  if (served(e) && (e.warnings || []).length) all.push('warned');
  if (e.refusedBy) all.push('refused');
  if (e.injected) all.push('injected');
  return all;
}

function entryDetail(e) {
  const items = [['status', e.status], ['code', e.code], ['outcome', outcomes(e).join(', ') || 'failed'], ['trace id', e.traceId],
    ['query', e.query], ['latency', `${Number(e.latencyMs).toFixed(2)} ms`], ['refused by', e.refusedBy]];
  if (e.instance !== undefined) items.push(['instance', e.instance]);
  if (e.stringToSign !== undefined) items.push(['string-to-sign', h('span', { className: 'mono' }, JSON.stringify(e.stringToSign))]);
  if (e.message) items.push(['message', e.message]);
  const warnings = (e.warnings || []).map((w) => h('li', {}, h('span', { className: 'mono warn' }, w.rule), ': ', w.detail));
  items.push(['warnings', warnings.length ? h('ul', { className: 'plain' }, warnings) : '—']);
  const bodies = e.requestBody !== undefined || e.responseBody !== undefined;
  if (e.requestBody !== undefined) items.push(['request body', h('pre', { className: 'mono', tabindex: 0 }, JSON.stringify(e.requestBody, null, 2))]);
  if (e.responseBody !== undefined) items.push(['response body', h('pre', { className: 'mono', tabindex: 0 }, JSON.stringify(e.responseBody, null, 2))]);
  if (!bodies) items.push(['bodies', 'not captured (start the emulator with --journal-bodies)']);
  return fields(items);
}

export async function requestsView(root) {
  const open = new Set();
  const list = h('div', {});
  const filters = {
    api: select([['', 'any'], 'dingtalk', 'dingtalk-v1', 'openapi']),
    tenant: h('input', { type: 'search', placeholder: 'corpid or appid', autocomplete: 'off' }),
    outcome: select([['', 'any'], 'ok', 'warned', 'refused', 'injected']),
    path: h('input', { type: 'search', placeholder: '/crm/', autocomplete: 'off' }),
  };
  let paused = false;
  const pause = button('Pause', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) safely(refresh, list);
  });
  pause.setAttribute('aria-pressed', 'false');

  async function refresh() {
    const entries = await api('GET', '/requests' + query({ limit: 1000, api: filters.api.value, tenant: filters.tenant.value.trim() }));
    const outcome = filters.outcome.value;
    const path = filters.path.value.trim();
    const shown = entries.filter((e) => (!outcome || outcomes(e).includes(outcome)) && (!path || e.path.includes(path)));
    const rows = shown.slice(0, 200).flatMap((e) => {
      const key = e.traceId + e.time;
      const toggle = () => { if (open.has(key)) open.delete(key); else open.add(key); safely(refresh, list); };
      const warnings = (e.warnings || []).map((w) => w.rule);
      return openingRow([e.time, e.api, e.method, h('span', { className: 'mono' }, e.path), text(e.tenant),
        h('span', { className: e.status >= 400 ? 'bad' : 'ok' }, e.status), text(e.code), outcomes(e).join(', ') || 'failed',
        h('span', { className: warnings.length ? 'warn' : 'muted' }, warnings.join(', ') || '—'), text(e.refusedBy)],
      open.has(key), toggle, entryDetail(e));
    });
    const caption = `Requests: ${shown.length} shown of ${entries.length}` + (shown.length > 200 ? ' (the newest 200 listed)' : '');
    list.replaceChildren(table(caption, [`time (${zoneLabel()})`, 'api', 'method', 'path', 'tenant', 'status', 'code', 'outcome', 'warnings', 'refused by'], rows));
    updated(`${shown.length} requests`);
  }

  const again = () => safely(refresh, list);
  for (const control of Object.values(filters)) control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', again);
  const form = h('form', { className: 'inline', role: 'search', 'aria-label': 'Filter requests', onsubmit: (e) => { e.preventDefault(); again(); } },
    labelled('API', filters.api), labelled('Tenant', filters.tenant), labelled('Outcome', filters.outcome), labelled('Path contains', filters.path));
  root.replaceChildren(h('h1', {}, 'Requests'),
    h('p', { className: 'muted' }, `Newest first; updates every second unless paused. Times are the emulator's (${zoneLabel()}). Open an entry for its details.`),
    form,
    h('div', { className: 'toolbar' }, pause, button('Clear the journal', () => safely(async () => { await api('DELETE', '/requests'); await refresh(); }, list), { className: 'danger' })),
    list);
  every(1000, () => (paused ? Promise.resolve() : refresh()), root);
  await refresh();
}
