// The crm-emulator console (docs/control-plane.md#console): one page, views by URL
// fragment, everything read and changed through the control plane (/_emulator/*). Plain
// JavaScript modules, no dependencies, no build step.

import {
  TOKEN_KEY, h, link, main, Unauthorized, report, setUnauthorizedHandler, loadClock, emulatorNow, zoneLabel,
} from './core.js';
import { tenantsView } from './tenants.js';
import { corpView, accountView } from './customers.js';
import { requestsView } from './journal.js';
import { faultsView, clockView } from './faults.js';
import { rulesView } from './rules.js';
import { coverageView, instancesView } from './coverage.js';

const views = [
  [/^#\/?$/, 'tenants', tenantsView],
  [/^#\/dingtalk\/(.+)$/, 'tenants', corpView],
  [/^#\/openapi\/(.+)$/, 'tenants', accountView],
  [/^#\/requests$/, 'requests', requestsView],
  [/^#\/rules$/, 'rules', rulesView],
  [/^#\/coverage$/, 'coverage', coverageView],
  [/^#\/faults$/, 'faults', faultsView],
  [/^#\/clock$/, 'clock', clockView],
  [/^#\/instances$/, 'instances', instancesView],
];

// --- the admin token ----------------------------------------------------------------

function askForToken(message) {
  const input = h('input', { type: 'password', autocomplete: 'off', required: true, id: 'token' });
  const form = h('form', {
    className: 'inline', 'aria-label': 'Admin token',
    onsubmit: (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      render();
    },
  }, h('div', { className: 'field' }, h('label', { for: 'token' }, 'Admin token'), input),
  h('button', { type: 'submit', className: 'primary' }, 'Continue'));
  main.replaceChildren(h('h1', {}, 'Admin token'),
    h('p', {}, 'This emulator runs with --admin-token. The token is kept in this tab only (sessionStorage).'),
    message ? h('p', { className: 'error', role: 'alert' }, message) : null, form);
  input.focus();
}

setUnauthorizedHandler(askForToken);

// --- the header clock: the emulator's time, in its zone -------------------------------

const headerClock = document.getElementById('clock');
let clockKnown = false;

async function syncClock() {
  try {
    await loadClock();
    clockKnown = true;
  } catch {
    // Before the admin token is given, or while the emulator is away: the header shows
    // what it last knew.
  }
  setTimeout(syncClock, 10000);
}

function tick() {
  if (clockKnown) headerClock.textContent = `${emulatorNow()} ${zoneLabel()}`;
  setTimeout(tick, 1000 - (Date.now() % 1000));
}

// --- routing --------------------------------------------------------------------------

async function render() {
  const hash = location.hash || '#/';
  for (const [pattern, nav, view] of views) {
    const match = hash.match(pattern);
    if (!match) continue;
    for (const a of document.querySelectorAll('nav a')) {
      if (a.dataset.view === nav) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // The view's own root: a view still loading when another replaced it fills a
    // root no longer in the page.
    const root = h('div', { className: 'view' });
    main.replaceChildren(root);
    try {
      if (!clockKnown) { await loadClock(); clockKnown = true; }
      await view(root, ...match.slice(1).map(decodeURIComponent));
    } catch (error) {
      if (error instanceof Unauthorized) askForToken(sessionStorage.getItem(TOKEN_KEY) ? error.message : '');
      else root.replaceChildren(h('h1', {}, 'Error'), h('p', { className: 'error', role: 'alert' }, error.message));
    }
    return;
  }
  main.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'No view ', h('span', { className: 'mono' }, hash), '. ', link('#/', 'Tenants')));
}

window.addEventListener('hashchange', () => { render().catch(report); main.focus(); });
window.addEventListener('unhandledrejection', (event) => { report(event.reason); event.preventDefault(); });
render().catch(report);
syncClock();
tick();
