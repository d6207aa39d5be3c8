// #/dingtalk/{corpid} and #/openapi/{appid}: a tenant's customers, searched and paged,
// rows opening to their detail; a corp's employees, listed and added.

import {
  api, h, table, link, button, labelled, openingRow, fields, text, enc, query, every, safely, updated, zoneLabel,
} from './core.js';

// A tenant's customers: a search box, a page of rows, rows opening to their detail.
function customersView(root, { title, tenant, search, load, columns, detail, extra }) {
  const state = { q: '', offset: 0, open: new Set(), details: new Map() };
  const limit = 50;
  const body = h('div', {});
  const input = h('input', { type: 'search', placeholder: search });
  const form = h('form', {
    className: 'inline', role: 'search', 'aria-label': 'Customers',
    onsubmit: (event) => { event.preventDefault(); state.q = input.value; state.offset = 0; safely(refresh, body); },
  }, labelled(search, input), h('button', { type: 'submit' }, 'Search'));
  async function refresh() {
    const page = await load({ q: state.q, offset: state.offset, limit });
    for (const id of state.open) state.details.set(id, await detail.load(id, page));
    const rows = page.items.flatMap((item) => {
      const id = columns.id(item);
      const toggle = () => {
        if (state.open.has(id)) state.open.delete(id); else state.open.add(id);
        safely(refresh, body);
      };
      return openingRow(columns.cells(item), state.open.has(id), toggle,
        state.details.has(id) ? detail.render(state.details.get(id)) : '');
    });
    const pager = h('div', { className: 'pager' },
      button('Newer', () => { state.offset = Math.max(0, state.offset - limit); safely(refresh, body); }),
      h('span', { className: 'muted' }, page.total === 0 ? 'no customers' : `${state.offset + 1}–${state.offset + page.items.length} of ${page.total}`),
      button('Older', () => { if (state.offset + limit < page.total) { state.offset += limit; safely(refresh, body); } }));
    body.replaceChildren(table(`Customers of ${tenant}`, columns.headings, rows), pager);
    updated();
  }
  root.replaceChildren(h('h1', {}, title), h('p', {}, link('#/', '← Tenants')),
    h('section', { 'aria-labelledby': 'customers-heading' }, h('h2', { id: 'customers-heading' }, 'Customers'), form, body),
    extra || '');
  every(2000, refresh, root);
  return refresh();
}

// A corp's employee directory (docs/dingtalk.md#employees): listed, and added to.
function employeesSection(corpid) {
  const path = `/dingtalk/corps/${enc(corpid)}/employees`;
  const list = h('div', {});
  const result = h('p', { role: 'status', 'aria-label': 'Last action', className: 'result' });
  const userid = h('input', { required: true, autocomplete: 'off' });
  const name = h('input', { autocomplete: 'off', placeholder: 'optional' });
  async function refresh() {
    const employees = await api('GET', path);
    list.replaceChildren(table(`Employees of ${corpid} (${employees.length})`, ['userid', 'name', `added (${zoneLabel()})`],
      employees.map((e) => h('tr', {}, h('td', { className: 'mono' }, e.userid), h('td', {}, text(e.name)), h('td', {}, e.createdAt)))));
  }
  const form = h('form', {
    className: 'inline', 'aria-label': 'Add an employee',
    onsubmit: (event) => {
      event.preventDefault();
      const body = { userid: userid.value.trim() };
      if (name.value.trim()) body.name = name.value.trim();
      safely(async () => {
        const employee = await api('POST', path, body);
        result.textContent = `added ${employee.userid}`;
        event.target.reset();
        await refresh();
      }, result);
    },
  }, labelled('Employee userid', userid), labelled('Employee name', name), h('button', { type: 'submit', className: 'primary' }, 'Add employee'));
  const section = h('section', { 'aria-labelledby': 'employees-heading' },
    h('h2', { id: 'employees-heading' }, 'Employees'),
    h('p', { className: 'muted' }, 'A strict corp refuses a user it does not know (60121); a lenient one adds it here and warns.'),
    list, form, result);
  return { section, refresh };
}

export async function corpView(root, corpid) {
  const base = `/dingtalk/corps/${enc(corpid)}/customers`;
  const employees = employeesSection(corpid);
  await employees.refresh();
  return customersView(root, {
    title: `DingTalk corp ${corpid}`,
    tenant: corpid,
    search: 'Name or telephone contains',
    extra: employees.section,
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
        table(`Contacts (${d.contactList.length})`, ['contactid', 'name', 'mobile', 'attached'],
          d.contactList.map((c) => h('tr', {}, h('td', { className: 'mono' }, c.contactid), h('td', {}, c.name), h('td', {}, c.mobile), h('td', {}, c.attached))))),
    },
  });
}

export function accountView(root, appid) {
  return customersView(root, {
    title: `OpenAPI account ${appid}`,
    tenant: appid,
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
