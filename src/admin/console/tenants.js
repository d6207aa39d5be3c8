// #/: how to connect, the tenants — created, their mode switched, their data reset — and
// the whole state exported, imported or reset (docs/control-plane.md#tenants).

import {
  api, h, table, link, button, labelled, select, enc, text, fail, safely, updated, zoneLabel,
} from './core.js';
import { connectPanel } from './connect.js';

const MODES = [['', 'default (--default-mode)'], ['lenient', 'lenient'], ['strict', 'strict']];

function outcomeLine() {
  return h('p', { role: 'status', 'aria-label': 'Last action', className: 'result' });
}

// The one control that switches a tenant between strict and lenient.
function modeSwitch(kind, id, mode, path, result) {
  const control = select(['lenient', 'strict'], { 'aria-label': `Mode of ${kind} ${id}` });
  control.value = mode;
  control.addEventListener('change', () => safely(async () => {
    const changed = await api('PATCH', path, { mode: control.value });
    result.textContent = `${kind} ${id} is now ${changed.mode}`;
  }, result));
  return control;
}

function input(attrs) {
  return h('input', { autocomplete: 'off', ...attrs });
}

function corpForm(result, refresh) {
  const inputs = {
    corpid: input({ required: true }),
    corpsecret: input({ required: true }),
    appkey: input({ placeholder: 'optional (v1.0)' }),
    appsecret: input({ placeholder: 'optional (v1.0)' }),
    mode: select(MODES),
    rateLimitPerMinute: input({ type: 'number', min: 1, placeholder: 'no limit' }),
  };
  return h('form', {
    className: 'inline', 'aria-label': 'New DingTalk corp',
    onsubmit: (event) => {
      event.preventDefault();
      const body = {};
      for (const [key, control] of Object.entries(inputs)) {
        const value = control.value.trim();
        if (value !== '') body[key] = key === 'rateLimitPerMinute' ? Number(value) : value;
      }
      safely(async () => {
        const corp = await api('POST', '/dingtalk/corps', body);
        result.textContent = `created corp ${corp.corpid} (${corp.mode})`;
        event.target.reset();
        await refresh();
      }, result);
    },
  }, labelled('corpid', inputs.corpid), labelled('corpsecret', inputs.corpsecret), labelled('appkey', inputs.appkey),
  labelled('appsecret', inputs.appsecret), labelled('Corp mode', inputs.mode), labelled('Rate limit per minute', inputs.rateLimitPerMinute),
  h('button', { type: 'submit', className: 'primary' }, 'Create corp'));
}

function accountForm(result, refresh) {
  const inputs = {
    appid: input({ required: true }),
    secret: input({ required: true }),
    mode: select(MODES),
    openSeaIds: input({ placeholder: 'comma-separated, optional' }),
  };
  return h('form', {
    className: 'inline', 'aria-label': 'New OpenAPI account',
    onsubmit: (event) => {
      event.preventDefault();
      const body = { appid: inputs.appid.value.trim(), secret: inputs.secret.value };
      if (inputs.mode.value) body.mode = inputs.mode.value;
      const seas = inputs.openSeaIds.value.split(',').map((s) => s.trim()).filter(Boolean);
      if (seas.length) body.openSeaIds = seas;
      safely(async () => {
        const account = await api('POST', '/openapi/accounts', body);
        result.textContent = `created account ${account.appid} (${account.mode})`;
        event.target.reset();
        await refresh();
      }, result);
    },
  }, labelled('appid', inputs.appid), labelled('secret', inputs.secret), labelled('Account mode', inputs.mode),
  labelled('Open sea ids', inputs.openSeaIds),
  h('button', { type: 'submit', className: 'primary' }, 'Create account'));
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

export async function tenantsView(root) {
  const result = outcomeLine();
  const corpList = h('div', {});
  const accountList = h('div', {});
  const done = (what) => (outcome) => { result.textContent = `${what}: ${JSON.stringify(outcome)}`; };
  const reset = (body, what) => safely(async () => { done(what)(await api('POST', '/reset', body)); await refresh(); }, result);

  async function refresh() {
    const [corps, accounts] = await Promise.all([api('GET', '/dingtalk/corps'), api('GET', '/openapi/accounts')]);
    corpList.replaceChildren(table(`DingTalk corps (${corps.length})`, ['corpid', 'appkey', 'mode', 'rate limit / min', `created (${zoneLabel()})`, 'data'],
      corps.map((c) => h('tr', {},
        h('td', {}, link('#/dingtalk/' + enc(c.corpid), c.corpid)), h('td', {}, text(c.appkey)),
        h('td', {}, modeSwitch('corp', c.corpid, c.mode, '/dingtalk/corps/' + enc(c.corpid), result)),
        h('td', {}, text(c.rateLimitPerMinute)), h('td', {}, c.createdAt),
        h('td', {}, button('Reset data', () => confirm(`Delete the data of ${c.corpid}?`) && reset({ corpid: c.corpid }, c.corpid),
          { className: 'danger', name: `Reset data of corp ${c.corpid}` }))))));
    accountList.replaceChildren(table(`OpenAPI accounts (${accounts.length})`, ['appid', 'mode', 'open seas', `created (${zoneLabel()})`, 'data'],
      accounts.map((a) => h('tr', {},
        h('td', {}, link('#/openapi/' + enc(a.appid), a.appid)),
        h('td', {}, modeSwitch('account', a.appid, a.mode, '/openapi/accounts/' + enc(a.appid), result)),
        h('td', {}, a.openSeaIds.join(', ') || '—'), h('td', {}, a.createdAt),
        h('td', {}, button('Reset data', () => confirm(`Delete the data of ${a.appid}?`) && reset({ appid: a.appid }, a.appid),
          { className: 'danger', name: `Reset data of account ${a.appid}` }))))));
    updated();
  }

  const importFile = h('input', { type: 'file', accept: 'application/json,.json' });
  importFile.addEventListener('change', () => safely(async () => {
    const file = importFile.files[0];
    if (!file || !confirm(`Replace the whole state with ${file.name}?`)) return;
    done('import')(await api('POST', '/import', JSON.parse(await file.text())));
    await refresh();
  }, result));

  await refresh();
  const connect = await connectPanel();
  root.replaceChildren(
    h('h1', {}, 'Tenants'),
    connect,
    h('section', { 'aria-labelledby': 'corps-heading' }, h('h2', { id: 'corps-heading' }, 'DingTalk corps'), corpList,
      h('h3', {}, 'New corp'), corpForm(result, refresh)),
    h('section', { 'aria-labelledby': 'accounts-heading' }, h('h2', { id: 'accounts-heading' }, 'OpenAPI accounts'), accountList,
      h('h3', {}, 'New account'), accountForm(result, refresh)),
    result,
    h('section', { 'aria-labelledby': 'state-heading' }, h('h2', { id: 'state-heading' }, 'Whole state'),
      h('div', { className: 'toolbar' },
        button('Export', () => exportState().catch(fail(result))),
        labelled('Import an export', importFile),
        button('Reset everything', () => confirm('Delete every tenant and all data, back to the well-known defaults?') && reset({}, 'reset'),
          { className: 'danger' }))));
}
