// What every view of the console (docs/control-plane.md#console) builds on: calls to the
// control plane, building elements (text only: nothing from the server becomes markup),
// the emulator's clock and zone, and the views' refresh timers.

export const API = '/_emulator';
export const TOKEN_KEY = 'crm-emulator-admin-token';
export const main = document.getElementById('main');
const statusLine = document.getElementById('status');

export class Unauthorized extends Error {}

/** An answer of the control plane that is not a success; `status` is its HTTP status. */
export class Refused extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// --- talking to the control plane ---------------------------------------------------

function headers(extra) {
  const all = { ...extra };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) all.Authorization = 'Bearer ' + token;
  return all;
}

export async function api(method, path, body) {
  const init = { method, headers: headers() };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  if (response.status === 401) throw new Unauthorized('the admin token is missing or wrong');
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new Refused(`${method} ${path}: HTTP ${response.status}, not JSON`, response.status);
  }
  if (!response.ok) {
    const message = data && data.error && data.error.message;
    throw new Refused(message || `${method} ${path}: HTTP ${response.status}`, response.status);
  }
  return data;
}

/** The Prometheus text of GET /_emulator/metrics. */
export async function metricsText() {
  const response = await fetch(API + '/metrics', { headers: headers() });
  if (response.status === 401) throw new Unauthorized('the admin token is missing or wrong');
  if (!response.ok) throw new Refused(`GET /metrics: HTTP ${response.status}`, response.status);
  return response.text();
}

export function query(params) {
  const kept = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return kept.length ? '?' + new URLSearchParams(kept).toString() : '';
}

export function enc(value) {
  return encodeURIComponent(value);
}

// --- building the page -----------------------------------------------------------------

export function h(tag, attrs, ...children) {
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

export function text(value) {
  if (value === undefined || value === null || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function link(href, label) {
  return h('a', { href }, label);
}

/** A button named by its visible text (`label`), or by `name` where the text is short. */
export function button(label, onclick, options = {}) {
  return h('button', { type: 'button', onclick, className: options.className, 'aria-label': options.name }, label);
}

/** A table named by its caption. */
export function table(caption, headings, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headings.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows));
}

let fieldCount = 0;

/** `control` with a visible label tied to it. */
export function labelled(label, control) {
  if (!control.id) control.id = 'field-' + ++fieldCount;
  return h('div', { className: 'field' }, h('label', { for: control.id }, label), control);
}

export function select(values, attrs = {}) {
  return h('select', attrs, values.map((v) => (Array.isArray(v) ? h('option', { value: v[0] }, v[1]) : h('option', { value: v }, v))));
}

// A row that opens (click, Enter or Space) to a detail row below it.
export function openingRow(cells, isOpen, toggle, detail) {
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

export function fields(entries) {
  return h('dl', { className: 'fields' },
    entries.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value instanceof Node ? value : text(value))]));
}

export function showStatus(message, bad) {
  statusLine.textContent = message;
  statusLine.className = bad ? 'bad' : '';
}

// --- the emulator's clock and zone ----------------------------------------------------------

// Its zone (--timezone) is found from GET /_emulator/clock: `now` is written in the zone,
// `nowMs` is the instant, so their difference is the zone's offset. `skewMs` is the
// emulator's clock offset from this browser's (moved by #/clock).
const zone = { offsetMinutes: null, skewMs: 0 };

export async function loadClock() {
  const clock = await api('GET', '/clock');
  const [date, time] = clock.now.split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mi, ss] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, hh, mi, ss);
  zone.offsetMinutes = Math.round((wall - clock.nowMs) / 60000);
  zone.skewMs = clock.nowMs - Date.now();
  return clock;
}

/** The zone's label, `+08:00`. */
export function zoneLabel() {
  if (zone.offsetMinutes === null) return '';
  const minutes = Math.abs(zone.offsetMinutes);
  const pad = (n) => String(n).padStart(2, '0');
  return (zone.offsetMinutes < 0 ? '-' : '+') + pad(Math.floor(minutes / 60)) + ':' + pad(minutes % 60);
}

/** The emulator's clock, in milliseconds since the epoch. */
export function emulatorMs() {
  return Date.now() + zone.skewMs;
}

/** The emulator's now, `YYYY-MM-DD HH:MM:SS`, written as the emulator writes times. */
export function emulatorNow() {
  const shifted = new Date(emulatorMs() + (zone.offsetMinutes || 0) * 60000);
  return shifted.toISOString().slice(0, 19).replace('T', ' ');
}

/** The time of day, in the emulator's zone, labelled. */
export function stamp() {
  return `${emulatorNow().slice(11)} ${zoneLabel()}`;
}

export function updated(prefix) {
  showStatus(`${prefix ? prefix + ', ' : ''}updated ${stamp()}`);
}

// --- the views' lifetimes --------------------------------------------------------------------

// Each render gives its view a fresh root in the page; a view's refresh loop runs while
// that root is in the page, and stops at its next turn once another view (or the token
// form) replaced it. A loop waits for its refresh to finish before it schedules the next
// one, so refreshes never overlap, and every failure is reported, never left unhandled.
let onUnauthorized = () => {};

export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** Reports `error`: in `target` when given, else in the status line. */
export function report(error, target) {
  if (error instanceof Unauthorized) { onUnauthorized(error.message); return; }
  if (target) {
    target.textContent = error.message;
    target.classList.add('error');
  } else {
    showStatus(error.message, true);
  }
}

/** A handler for a promise's failure, shown in `target`. */
export function fail(target) {
  return (error) => report(error, target);
}

/** Runs `work()` (a promise) and reports its failure; never rejects. */
export function safely(work, target) {
  return Promise.resolve().then(work).catch((error) => report(error, target));
}

/** Refreshes the view shown in `root` every `ms` while it is shown, one refresh at a time. */
export function every(ms, refresh, root) {
  const turn = async () => {
    if (!root.isConnected) return;
    await safely(refresh);
    if (root.isConnected) setTimeout(turn, ms);
  };
  setTimeout(turn, ms);
}
