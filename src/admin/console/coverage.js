// #/coverage: what the integration's tests exercised (GET /_emulator/coverage), each
// missing outcome with the fault or clock move that produces it;
// #/instances: the live instances sharing the database (docs/instances.md#shared-state).

import {
  api, h, table, button, labelled, select, text, query, every, safely, updated, Refused, zoneLabel,
} from './core.js';

function percent(part) {
  return part.total ? `${Math.round((100 * part.covered) / part.total)}%` : '—';
}

// What a missing outcome's howTo does, as a button that does it.
function howTo(missing, result, refresh) {
  const how = missing.howTo;
  if (!how) return h('span', { className: 'muted' }, 'no fault or clock move produces it');
  if (how.fault) {
    return h('div', {}, h('code', { className: 'mono' }, JSON.stringify(how.fault)), ' ',
      button('Add this fault', () => safely(async () => {
        const fault = await api('POST', '/faults', how.fault);
        result.textContent = `fault ${fault.id} added: the next matching call answers ${missing.outcome}`;
        await refresh();
      }, result), { name: `Add this fault for ${missing.outcome}` }));
  }
  if (how.clock) {
    return h('div', {}, h('code', { className: 'mono' }, JSON.stringify(how.clock)), ' ',
      button('Move the clock', () => safely(async () => {
        await api('POST', '/clock', how.clock);
        result.textContent = `clock moved by ${JSON.stringify(how.clock)}`;
      }, result), { name: `Move the clock for ${missing.outcome}` }));
  }
  return h('code', { className: 'mono' }, JSON.stringify(how));
}

function operationRow(op, result, refresh) {
  const covered = op.outcomes.some((o) => o.outcome === 'ok' && o.count > 0);
  const seen = op.outcomes.map((o) => h('li', {}, `${o.outcome} ×${o.count}`, o.injected ? ` (${o.injected} injected)` : ''));
  const missing = op.missing.map((m) => h('li', {}, h('strong', {}, m.outcome), ` — ${m.why} `, howTo(m, result, refresh)));
  return h('tr', {},
    h('td', {}, op.api), h('td', {}, text(op.tenant)), h('td', { className: 'mono' }, op.operation), h('td', {}, String(op.calls)),
    h('td', { className: covered ? 'ok' : 'bad' }, covered ? '✓ covered' : '✗ not covered'),
    h('td', {}, seen.length ? h('ul', { className: 'plain' }, seen) : '—'),
    h('td', {}, missing.length ? h('ul', { className: 'plain' }, missing) : '—'));
}

export async function coverageView(root) {
  const body = h('div', {});
  const result = h('p', { role: 'status', 'aria-label': 'Last action', className: 'result' });
  const filters = {
    api: select([['', 'every API'], 'dingtalk', 'dingtalk-v1', 'openapi']),
    tenant: h('input', { type: 'search', placeholder: 'corpid or appid', autocomplete: 'off' }),
    show: select([['', 'every operation'], ['uncovered', 'not covered'], ['missing', 'with missing outcomes']]),
  };
  let absent = false;

  async function refresh() {
    let report;
    try {
      report = await api('GET', '/coverage' + query({ api: filters.api.value, tenant: filters.tenant.value.trim() }));
    } catch (error) {
      if (!(error instanceof Refused) || error.status !== 404 || /tenant/i.test(error.message)) throw error;
      absent = true;
      body.replaceChildren(h('p', { role: 'note' },
        'This emulator does not count coverage yet: GET /_emulator/coverage answered 404. A build with integration coverage shows it here.'));
      updated();
      return;
    }
    absent = false;
    const ops = report.operations.filter((op) => (filters.show.value !== 'uncovered' || !op.outcomes.some((o) => o.outcome === 'ok' && o.count > 0))
      && (filters.show.value !== 'missing' || op.missing.length > 0));
    const { operations, outcomes } = report.summary;
    body.replaceChildren(
      h('p', {}, `Since ${report.since} (${zoneLabel()}): operations covered `, h('strong', {}, `${operations.covered} of ${operations.total}`),
        ` (${percent(operations)}), outcomes met `, h('strong', {}, `${outcomes.covered} of ${outcomes.total}`), ` (${percent(outcomes)}).`),
      table(`Operations: ${ops.length} of ${report.operations.length}`, ['api', 'tenant', 'operation', 'calls', 'covered', 'outcomes seen', 'missing, and how to produce it'],
        ops.map((op) => operationRow(op, result, refresh))));
    updated();
  }

  const again = () => safely(refresh, body);
  for (const control of Object.values(filters)) control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', again);
  root.replaceChildren(h('h1', {}, 'Coverage'),
    h('p', { className: 'muted' }, 'Every operation of the three APIs, per tenant: the outcomes your tests met, and those they never did, with a fault or a clock move that produces each.'),
    h('form', { className: 'inline', role: 'search', 'aria-label': 'Filter coverage', onsubmit: (e) => { e.preventDefault(); again(); } },
      labelled('API', filters.api), labelled('Tenant', filters.tenant), labelled('Show', filters.show)),
    h('div', { className: 'toolbar' }, button('Forget the counts', () => safely(async () => {
      if (absent || !confirm('Forget every coverage count and start again from now?')) return;
      await api('POST', '/coverage/reset', {});
      await refresh();
    }, result), { className: 'danger' })),
    result, body);
  every(2000, refresh, root);
  await refresh();
}

export async function instancesView(root) {
  const list = h('div', {});
  async function refresh() {
    const instances = await api('GET', '/instances');
    list.replaceChildren(table(`Live instances (${instances.length})`, ['id', 'worker', 'version', `started (${zoneLabel()})`, `last seen (${zoneLabel()})`],
      instances.map((i) => h('tr', {}, h('td', { className: 'mono' }, String(i.id)), h('td', {}, String(i.worker)), h('td', {}, i.version),
        h('td', {}, i.startedAt), h('td', {}, i.lastSeen)))));
    updated(`${instances.length} instances`);
  }
  root.replaceChildren(h('h1', {}, 'Instances'),
    h('p', { className: 'muted' }, 'The instances sharing this emulator\'s database, each with the id worker number it leases; journal entries name the instance that served them.'),
    list);
  every(2000, refresh, root);
  await refresh();
}
