// The crm-emulator console (docs/control-plane.md#console): one page, views by URL
// fragment, everything read and changed through the control plane (/_emulator/*). No
// dependencies, no build step.
'use strict';

const API = '/_emulator';
const TOKEN_KEY = 'crm-emulator-admin-token';
const main = document.getElementById('main');
const statusLine = document.getElementById('status');
// The current view's refresh timer, stopped when the view changes.
let timer = null;

class Unauthorized extends Error {}

// --- talking to the control plane -------------------------------------------------

async function api(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  if (response.status === 401) throw new Unauthorized('the admin token is missing or wrong');
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const message = data && data.error && data.error.message;
    throw new Error(message || `${method} ${path}: HTTP ${response.status}`);
  }
  return data;
}

function query(params) {
  return '?' + new URLSearchParams(params).toString();
}

// --- building the page (text only: nothing from the server becomes markup) --------

function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'className') element.className = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function text(value) {
  if (value === undefined || value === null || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function link(href, label) {
  return h('a', { href }, label);
}

function button(label, onclick, className) {
  return h('button', { type: 'button', onclick, className }, label);
}

function table(headings, rows) {
  return h('table', {},
    h('thead', {}, h('tr', {}, headings.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows));
}

// A row that opens (click, Enter or Space) to a detail row below it.
function openingRow(cells, isOpen, toggle, detail) {
  const row = h('tr', {
    className: 'row' + (isOpen ? ' open' : ''), tabindex: 0, 'aria-expanded': String(isOpen),
    onclick: toggle,
    onkeydown: (event) => {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(); }
    },
  }, cells.map((cell) => h('td', {}, cell)));
  if (!isOpen) return [row];
  return [row, h('tr', { className: 'detail' }, h('td', { colspan: cells.length }, detail))];
}

function fields(entries) {
  return h('dl', { className: 'fields' },
    entries.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value instanceof Node ? value : text(value))]));
}

function showStatus(message, bad) {
  statusLine.textContent = message;
  statusLine.className = bad ? 'bad' : '';
}

function enc(value) {
  return encodeURIComponent(value);
}

// --- the admin token ----------------------------------------------------------------

function askForToken(message) {
  stopTimer();
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', required: true });
  const form = h('form', {
    className: 'inline',
    onsubmit: (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      render();
    },
  }, h('label', { for: 'token' }, 'Admin token', input), h('button', { type: 'submit', className: 'primary' }, 'Continue'));
  main.replaceChildren(h('h1', {}, 'Admin token'),
    h('p', {}, 'This emulator runs with --admin-token. The token is kept in this tab only (sessionStorage).'),
    message ? h('p', { className: 'error' }, message) : null, form);
  input.focus();
}

// --- views ----------------------------------------------------------------------------

async function tenantsView() {
  const [corps, accounts] = await Promise.all([api('GET', '/dingtalk/corps'), api('GET', '/openapi/accounts')]);
  const result = h('p', { role: 'status' });
  const done = (what) => (outcome) => { result.textContent = `${what}: ${JSON.stringify(outcome)}`; };
  const reset = (body, what) => api('POST', '/reset', body).then(done(what)).then(refreshTenants).catch(fail(result));
  const importFile = h('input', { type: 'file', accept: 'application/json,.json', id: 'import-file' });
  importFile.addEventListener('change', async () => {
    const file = importFile.files[0];
    if (!file || !confirm(`Replace the whole state with ${file.name}?`)) return;
    try {
      done('import')(await api('POST', '/import', JSON.parse(await file.text())));
      await refreshTenants();
    } catch (error) { fail(result)(error); }
  });
  const corpRows = corps.map((c) => h('tr', {},
    h('td', {}, link('#/dingtalk/' + enc(c.corpid), c.corpid)), h('td', {}, c.mode),
    h('td', {}, text(c.rateLimitPerMinute)), h('td', {}, c.createdAt),
    h('td', {}, button('Reset data', () => confirm(`Delete the data of ${c.corpid}?`) && reset({ corpid: c.corpid }, c.corpid), 'danger'))));
  const accountRows = accounts.map((a) => h('tr', {},
    h('td', {}, link('#/openapi/' + enc(a.appid), a.appid)), h('td', {}, a.mode),
    h('td', {}, a.openSeaIds.join(', ') || '—'), h('td', {}, a.createdAt),
    h('td', {}, button('Reset data', () => confirm(`Delete the data of ${a.appid}?`) && reset({ appid: a.appid }, a.appid), 'danger'))));
  main.replaceChildren(
    h('h1', {}, 'Tenants'),
    h('section', { id: 'corps' }, h('h2', {}, 'DingTalk corps'),
      table(['corpid', 'mode', 'rate limit / min', 'created', ''], corpRows)),
    h('section', { id: 'accounts' }, h('h2', {}, 'OpenAPI accounts'),
      table(['appid', 'mode', 'open seas', 'created', ''], accountRows)),
    h('section', {}, h('h2', {}, 'Whole state'),
      h('div', { className: 'toolbar' },
        button('Export', () => exportState().catch(fail(result))),
        h('label', { for: 'import-file' }, 'Import an export', importFile),
        button('Reset everything', () => confirm('Delete every tenant and all data, back to the well-known defaults?') && reset({}, 'reset'), 'danger')),
      result));
}

async function refreshTenants() {
  if ((location.hash || '#/') === '#/') await tenantsView();
}

async function exportState() {
  const documentJson = await api('GET', '/export');
  const blob = new Blob([JSON.stringify(documentJson, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const anchor = h('a', { href: url, download: 'crm-emulator-export.json' });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

// A tenant's customers: a search box, a page of rows, rows opening to their detail.
function customersView({ title, search, load, columns, detail }) {
  const state = { q: '', offset: 0, open: new Set(), details: new Map() };
  const limit = 50;
  const body = h('div', { id: 'customers' });
  const input = h('input', { type: 'search', id: 'search', placeholder: search });
  const form = h('form', {
    className: 'inline', role: 'search',
    onsubmit: (event) => { event.preventDefault(); state.q = input.value; state.offset = 0; refresh(); },
  }, h('label', { for: 'search' }, search, input), h('button', { type: 'submit' }, 'Search'));
  async function refresh() {
    const page = await load({ q: state.q, offset: state.offset, limit });
    for (const id of state.open) state.details.set(id, await detail.load(id, page));
    const rows = page.items.flatMap((item) => {
      const id = columns.id(item);
      const toggle = () => {
        if (state.open.has(id)) state.open.delete(id); else state.open.add(id);
        refresh().catch(fail(body));
      };
      return openingRow(columns.cells(item), state.open.has(id), toggle,
        state.details.has(id) ? detail.render(state.details.get(id)) : '');
    });
    const pager = h('div', { className: 'pager' },
      button('Newer', () => { state.offset = Math.max(0, state.offset - limit); refresh(); }),
      h('span', { className: 'muted' }, page.total === 0 ? 'no customers' : `${state.offset + 1}–${state.offset + page.items.length} of ${page.total}`),
      button('Older', () => { if (state.offset + limit < page.total) { state.offset += limit; refresh(); } }));
    body.replaceChildren(table(columns.headings, rows), pager);
    showStatus('updated ' + new Date().toLocaleTimeString());
  }
  main.replaceChildren(h('h1', {}, title), h('p', {}, link('#/', '← Tenants')), form, body);
  every(2000, refresh);
  return refresh();
}

function corpView(corpid) {
  const base = `/dingtalk/corps/${enc(corpid)}/customers`;
  return customersView({
    title: `DingTalk corp ${corpid}`,
    search: 'Name or telephone contains',
    load: async (params) => {
      const page = await api('GET', base + query(params));
      return { items: page.customers, total: page.total };
    },
    columns: {
      headings: ['id', 'name', 'telephone', 'address', 'description'],
      id: (c) => c.id,
      cells: (c) => [h('span', { className: 'mono' }, c.id), c.name, c.telephone, c.address, c.description],
    },
    detail: {
      load: (id) => api('GET', `${base}/${enc(id)}`),
      render: (d) => h('div', {},
        fields([['followers (userIds)', d.userIds.join(', ') || '—'], ['create_by', d.create_by]]),
        h('h2', {}, `Contacts (${d.contactList.length})`),
        table(['contactid', 'name', 'mobile', 'attached'],
          d.contactList.map((c) => h('tr', {}, h('td', { className: 'mono' }, c.contactid), h('td', {}, c.name), h('td', {}, c.mobile), h('td', {}, c.attached))))),
    },
  });
}

function accountView(appid) {
  return customersView({
    title: `OpenAPI account ${appid}`,
    search: 'customerName contains',
    load: async (params) => {
      const page = await api('GET', `/openapi/accounts/${enc(appid)}/customers` + query(params));
      return { items: page.list, total: page.count };
    },
    columns: {
      headings: ['_id', 'customerName', 'owner', 'mobile', 'updateTime'],
      id: (r) => r._id,
      cells: (r) => [h('span', { className: 'mono' }, r._id), r.customerName, text(r.owner),
        (r.mobile || []).map((m) => m.value).join(', ') || '—', r.updateTime],
    },
    detail: {
      load: (id, page) => page.items.find((r) => r._id === id),
      render: (record) => fields(Object.entries(record || {})),
    },
  });
}

async function requestsView() {
  const open = new Set();
  const list = h('div', { id: 'requests' });
  async function refresh() {
    const entries = await api('GET', '/requests' + query({ limit: 200 }));
    const rows = entries.flatMap((e) => {
      const key = e.traceId + e.time;
      const toggle = () => { if (open.has(key)) open.delete(key); else open.add(key); refresh().catch(fail(list)); };
      const warnings = (e.warnings || []).map((w) => w.rule);
      return openingRow([e.time, e.api, e.method, h('span', { className: 'mono' }, e.path), text(e.tenant),
        h('span', { className: e.status >= 400 ? 'bad' : 'ok' }, e.status), text(e.code),
        h('span', { className: warnings.length ? 'warn' : 'muted' }, warnings.join(', ') || '—'), text(e.refusedBy)],
      open.has(key), toggle, entryDetail(e));
    });
    list.replaceChildren(table(['time', 'api', 'method', 'path', 'tenant', 'status', 'code', 'warnings', 'refused by'], rows));
    showStatus(`${entries.length} requests, updated ` + new Date().toLocaleTimeString());
  }
  main.replaceChildren(h('h1', {}, 'Requests'), h('p', { className: 'muted' }, 'Newest first; updates every second. Open an entry for its details.'),
    h('div', { className: 'toolbar' }, button('Clear the journal', () => api('DELETE', '/requests').then(refresh).catch(fail(list)), 'danger')), list);
  every(1000, refresh);
  await refresh();
}

function entryDetail(e) {
  const items = [['status', e.status], ['code', e.code], ['trace id', e.traceId], ['query', e.query],
    ["latency", `${Number(e.latencyMs).toFixed(2)} ms`], ['refused by', e.refusedBy]];
  if (e.instance !== undefined) items.push(['instance', e.instance]);
  if (e.stringToSign !== undefined) items.push(['string-to-sign', h('span', { className: 'mono' }, JSON.stringify(e.stringToSign))]);
  if (e.message) items.push(['message', e.message]);
  const warnings = (e.warnings || []).map((w) => h('li', {}, h('span', { className: 'mono warn' }, w.rule), ': ', w.detail));
  items.push(['warnings', warnings.length ? h('ul', { className: 'plain' }, warnings) : '—']);
  if (e.requestBody !== undefined) items.push(['request body', h('pre', { className: 'mono' }, JSON.stringify(e.requestBody, null, 2))]);
  if (e.responseBody !== undefined) items.push(['response body', h('pre', { className: 'mono' }, JSON.stringify(e.responseBody, null, 2))]);
  return fields(items);
}

async function faultsView() {
  const list = h('div', { id: 'fault-list' });
  const result = h('p', { className: 'error', role: 'alert' });
  const inputs = {
    api: h('select', { id: 'fault-api' }, ...['dingtalk', 'openapi', 'dingtalk-v1'].map((api) => h('option', { value: api }, api))),
    method: h('input', { id: 'fault-method', placeholder: 'any', size: 6 }),
    path: h('input', { id: 'fault-path', placeholder: 'any, or /crm/*' }),
    tenant: h('input', { id: 'fault-tenant', placeholder: 'corpid or appid' }),
    errcode: h('input', { id: 'fault-errcode', type: 'number', placeholder: 'DingTalk' }),
    status: h('input', { id: 'fault-status', type: 'number', placeholder: 'HTTP' }),
    code: h('input', { id: 'fault-code', placeholder: 'v1.0 code' }),
    latencyMs: h('input', { id: 'fault-latency', type: 'number', min: 0 }),
    probability: h('input', { id: 'fault-probability', type: 'number', min: 0, max: 1, step: 'any' }),
    times: h('input', { id: 'fault-times', type: 'number', min: 1 }),
  };
  const numbers = ['errcode', 'status', 'latencyMs', 'probability', 'times'];
  const form = h('form', {
    className: 'inline',
    onsubmit: async (event) => {
      event.preventDefault();
      const rule = {};
      for (const [key, input] of Object.entries(inputs)) {
        const value = input.value.trim();
        if (value !== '') rule[key] = numbers.includes(key) ? Number(value) : value;
      }
      try {
        await api('POST', '/faults', rule);
        result.textContent = '';
        await refresh();
      } catch (error) { fail(result)(error); }
    },
  }, Object.entries(inputs).map(([key, input]) => h('label', { for: input.id }, key, input)),
  h('button', { type: 'submit', className: 'primary' }, 'Add fault'));
  async function refresh() {
    const faults = await api('GET', '/faults');
    list.replaceChildren(table(['id', 'api', 'method', 'path', 'tenant', 'answer', 'latency ms', 'probability', 'times', 'fired', ''],
      faults.map((f) => h('tr', {}, [f.id, f.api, text(f.method), text(f.path), text(f.tenant),
        f.errcode !== null && f.errcode !== undefined ? `errcode ${f.errcode}` : [f.status, f.code].filter((x) => x !== null && x !== undefined).join(' ') || '—', text(f.latencyMs),
        f.probability, text(f.times), f.fired].map((cell) => h('td', {}, cell)),
      h('td', {}, button('Remove', () => api('DELETE', `/faults/${f.id}`).then(refresh).catch(fail(result)), 'danger'))))));
    showStatus('updated ' + new Date().toLocaleTimeString());
  }
  main.replaceChildren(h('h1', {}, 'Faults'), h('section', {}, h('h2', {}, 'Add a fault'), form, result),
    h('section', {}, h('h2', {}, 'Rules'), list, h('div', { className: 'toolbar' },
      button('Remove all', () => api('DELETE', '/faults').then(refresh).catch(fail(result)), 'danger'))));
  every(2000, refresh);
  await refresh();
}

async function clockView() {
  const shown = h('div', { id: 'clock' });
  const result = h('p', { className: 'error', role: 'alert' });
  const seconds = h('input', { id: 'advance-seconds', type: 'number', value: 7201 });
  const change = (body) => api('POST', '/clock', body).then(refresh).catch(fail(result));
  async function refresh() {
    const clock = await api('GET', '/clock');
    shown.replaceChildren(fields([['now', h('span', { id: 'clock-now', className: 'mono' }, clock.now)],
      ['offset', h('span', { id: 'clock-offset' }, `${clock.offsetSeconds} s`)]]));
  }
  const form = h('form', {
    className: 'inline',
    onsubmit: (event) => { event.preventDefault(); change({ advanceSeconds: Number(seconds.value) }); },
  }, h('label', { for: 'advance-seconds' }, 'Seconds (negative: back)', seconds),
  h('button', { type: 'submit', className: 'primary' }, 'Advance'),
  button('+1 h', () => change({ advanceSeconds: 3600 })), button('+1 day', () => change({ advanceSeconds: 86400 })),
  button('Reset to real time', () => change({ reset: true })));
  main.replaceChildren(h('h1', {}, 'Clock'),
    h('p', { className: 'muted' }, 'The emulator\'s clock: tokens expire and signatures age by it.'),
    h('section', {}, shown, form, result));
  every(1000, refresh);
  await refresh();
}

// --- routing --------------------------------------------------------------------------

const views = [
  [/^#\/?$/, 'tenants', tenantsView],
  [/^#\/dingtalk\/(.+)$/, 'tenants', corpView],
  [/^#\/openapi\/(.+)$/, 'tenants', accountView],
  [/^#\/requests$/, 'requests', requestsView],
  [/^#\/faults$/, 'faults', faultsView],
  [/^#\/clock$/, 'clock', clockView],
];

function stopTimer() {
  if (timer !== null) clearInterval(timer);
  timer = null;
}

// Refreshes the current view every `ms`; a failure shows in the status line.
function every(ms, refresh) {
  stopTimer();
  timer = setInterval(() => refresh().catch((error) => {
    if (error instanceof Unauthorized) askForToken(error.message);
    else showStatus(error.message, true);
  }), ms);
}

function fail(target) {
  return (error) => {
    if (error instanceof Unauthorized) { askForToken(error.message); return; }
    target.textContent = error.message;
    target.classList.add('error');
  };
}

async function render() {
  stopTimer();
  const hash = location.hash || '#/';
  for (const [pattern, nav, view] of views) {
    const match = hash.match(pattern);
    if (!match) continue;
    for (const a of document.querySelectorAll('nav a')) a.classList.toggle('current', a.dataset.view === nav);
    try {
      await view(...match.slice(1).map(decodeURIComponent));
    } catch (error) {
      if (error instanceof Unauthorized) askForToken(sessionStorage.getItem(TOKEN_KEY) ? error.message : '');
      else main.replaceChildren(h('h1', {}, 'Error'), h('p', { className: 'error' }, error.message));
    }
    return;
  }
  main.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'No view ', h('span', { className: 'mono' }, hash), '. ', link('#/', 'Tenants')));
}

window.addEventListener('hashchange', () => { render(); main.focus(); });
render();
