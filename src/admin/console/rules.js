// #/rules: the rulebook (GET /_emulator/rules, docs/rules.md), filterable, each rule with
// the requests it refused and warned since this instance started (from /_emulator/metrics).

import {
  api, metricsText, h, table, labelled, select, text, every, safely, updated,
} from './core.js';

const REFUSALS = 'crm_emulator_rule_refusals_total';
const WARNINGS = 'crm_emulator_rule_warnings_total';

/** `{rule: count}` of one counter family, from the Prometheus text. */
export function countsByRule(metrics, family) {
  const counts = {};
  const pattern = new RegExp(`^${family}\\{(?:[^}]*,)?rule="((?:[^"\\\\]|\\\\.)*)"[^}]*\\}\\s+(\\S+)`);
  for (const line of metrics.split('\n')) {
    const match = line.match(pattern);
    if (match) counts[match[1]] = (counts[match[1]] || 0) + Number(match[2]);
  }
  return counts;
}

function answer(rule) {
  if (rule.errcode !== undefined) return `errcode ${rule.errcode}`;
  return [rule.status, rule.code].filter((x) => x !== undefined).join(' ');
}

function distinct(rules, key) {
  return [...new Set(rules.map((r) => r[key]))].sort();
}

export async function rulesView(root) {
  const { rules } = await api('GET', '/rules');
  const list = h('div', {});
  const filters = {
    api: select([['', 'any'], ...distinct(rules, 'api')]),
    provenance: select([['', 'any'], ...distinct(rules, 'provenance')]),
    enforced: select([['', 'any'], ...distinct(rules, 'enforced')]),
    counted: select([['', 'any'], ['refused', 'refused at least once'], ['warned', 'warned at least once']]),
    text: h('input', { type: 'search', placeholder: 'id, summary or source', autocomplete: 'off' }),
  };

  async function refresh() {
    const metrics = await metricsText();
    const refused = countsByRule(metrics, REFUSALS);
    const warned = countsByRule(metrics, WARNINGS);
    const words = filters.text.value.trim().toLowerCase();
    const shown = rules.filter((r) => (!filters.api.value || r.api === filters.api.value)
      && (!filters.provenance.value || r.provenance === filters.provenance.value)
      && (!filters.enforced.value || r.enforced === filters.enforced.value)
      && (filters.counted.value !== 'refused' || refused[r.id] > 0)
      && (filters.counted.value !== 'warned' || warned[r.id] > 0)
      && (!words || [r.id, r.summary, r.source].some((s) => s.toLowerCase().includes(words))));
    list.replaceChildren(table(`Rules: ${shown.length} of ${rules.length}`,
      ['id', 'api', 'provenance', 'enforced', 'answer', 'refused', 'warned', 'summary', 'source'],
      shown.map((r) => h('tr', {},
        h('td', { className: 'mono' }, r.id), h('td', {}, r.api), h('td', {}, r.provenance), h('td', {}, r.enforced),
        h('td', {}, answer(r)),
        h('td', { className: refused[r.id] ? 'bad' : 'muted' }, String(refused[r.id] || 0)),
        h('td', { className: warned[r.id] ? 'warn' : 'muted' }, String(warned[r.id] || 0)),
        h('td', {}, text(r.summary)), h('td', { className: 'source' }, text(r.source))))));
    updated(`${shown.length} rules`);
  }

  const again = () => safely(refresh, list);
  for (const control of Object.values(filters)) control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', again);
  root.replaceChildren(h('h1', {}, 'Rules'),
    h('p', { className: 'muted' }, 'Every check that can refuse a request, with the requests it refused and warned since this instance started. A rule enforced "strict" refuses strict tenants and warns lenient ones.'),
    h('form', { className: 'inline', role: 'search', 'aria-label': 'Filter rules', onsubmit: (e) => { e.preventDefault(); again(); } },
      labelled('API', filters.api), labelled('Provenance', filters.provenance), labelled('Enforced', filters.enforced),
      labelled('Counted', filters.counted), labelled('Text contains', filters.text)),
    list);
  every(2000, refresh, root);
  await refresh();
}
