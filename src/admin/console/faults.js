// #/faults (docs/control-plane.md#faults) and #/clock (docs/control-plane.md#clock).

import {
  api, h, table, button, labelled, select, fields, text, every, safely, updated, loadClock, zoneLabel,
} from './core.js';

export async function faultsView(root) {
  const list = h('div', {});
  const result = h('p', { className: 'error', role: 'alert' });
  const inputs = {
    api: select(['dingtalk', 'openapi', 'dingtalk-v1']),
    method: h('input', { placeholder: 'any', size: 6 }),
    path: h('input', { placeholder: 'any, or /crm/*' }),
    tenant: h('input', { placeholder: 'corpid or appid' }),
    errcode: h('input', { type: 'number', placeholder: 'DingTalk' }),
    status: h('input', { type: 'number', placeholder: 'HTTP' }),
    code: h('input', { placeholder: 'v1.0 code' }),
    latencyMs: h('input', { type: 'number', min: 0 }),
    probability: h('input', { type: 'number', min: 0, max: 1, step: 'any' }),
    times: h('input', { type: 'number', min: 1 }),
  };
  const numbers = ['errcode', 'status', 'latencyMs', 'probability', 'times'];
  async function refresh() {
    const faults = await api('GET', '/faults');
    list.replaceChildren(table(`Fault rules (${faults.length})`, ['id', 'api', 'method', 'path', 'tenant', 'answer', 'latency ms', 'probability', 'times', 'fired', ''],
      faults.map((f) => h('tr', {}, [f.id, f.api, text(f.method), text(f.path), text(f.tenant),
        f.errcode !== null && f.errcode !== undefined ? `errcode ${f.errcode}` : [f.status, f.code].filter((x) => x !== null && x !== undefined).join(' ') || '—', text(f.latencyMs),
        f.probability, text(f.times), f.fired].map((cell) => h('td', {}, cell)),
      h('td', {}, button('Remove', () => safely(async () => { await api('DELETE', `/faults/${f.id}`); await refresh(); }, result),
        { className: 'danger', name: `Remove fault ${f.id}` }))))));
    updated();
  }
  const form = h('form', {
    className: 'inline', 'aria-label': 'Add a fault',
    onsubmit: (event) => {
      event.preventDefault();
      const rule = {};
      for (const [key, input] of Object.entries(inputs)) {
        const value = input.value.trim();
        if (value !== '') rule[key] = numbers.includes(key) ? Number(value) : value;
      }
      safely(async () => {
        await api('POST', '/faults', rule);
        result.textContent = '';
        await refresh();
      }, result);
    },
  }, Object.entries(inputs).map(([key, input]) => labelled(key, input)),
  h('button', { type: 'submit', className: 'primary' }, 'Add fault'));
  root.replaceChildren(h('h1', {}, 'Faults'),
    h('section', { 'aria-labelledby': 'add-fault' }, h('h2', { id: 'add-fault' }, 'Add a fault'), form, result),
    h('section', { 'aria-labelledby': 'fault-rules' }, h('h2', { id: 'fault-rules' }, 'Rules'), list, h('div', { className: 'toolbar' },
      button('Remove all', () => safely(async () => { await api('DELETE', '/faults'); await refresh(); }, result), { className: 'danger', name: 'Remove all faults' }))));
  every(2000, refresh, root);
  await refresh();
}

export async function clockView(root) {
  const shown = h('div', {});
  const result = h('p', { className: 'error', role: 'alert' });
  const seconds = h('input', { type: 'number', value: 7201 });
  const change = (body) => safely(async () => { await api('POST', '/clock', body); await refresh(); }, result);
  async function refresh() {
    const clock = await loadClock();
    shown.replaceChildren(fields([[`now (${zoneLabel()})`, h('output', { 'aria-label': 'Emulator now', className: 'mono' }, clock.now)],
      ['offset', h('output', { 'aria-label': 'Clock offset' }, `${clock.offsetSeconds} s`)]]));
    updated();
  }
  const form = h('form', {
    className: 'inline', 'aria-label': 'Move the clock',
    onsubmit: (event) => { event.preventDefault(); change({ advanceSeconds: Number(seconds.value) }); },
  }, labelled('Seconds (negative: back)', seconds),
  h('button', { type: 'submit', className: 'primary' }, 'Advance'),
  button('Advance 1 hour', () => change({ advanceSeconds: 3600 })),
  button('Advance 1 day', () => change({ advanceSeconds: 86400 })),
  button('Reset to real time', () => change({ reset: true })));
  root.replaceChildren(h('h1', {}, 'Clock'),
    h('p', { className: 'muted' }, 'The emulator\'s clock: tokens expire and signatures age by it.'),
    h('section', { 'aria-label': 'Clock' }, shown, form, result));
  every(1000, refresh, root);
  await refresh();
}
