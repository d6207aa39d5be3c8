// The Connect panel of #/: where each API answers (as this browser reached the server),
// the well-known credentials (docs/control-plane.md#well-known-credentials), and snippets
// that run as shown with only curl, python3 with requests, or Node 18+.

import { h, table, button, labelled, select, showStatus, emulatorNow, emulatorMs } from './core.js';

const CORP = { corpid: 'dingemulator', corpsecret: 'emulator-secret', appkey: 'dingemulatorkey', appsecret: 'emulator-secret' };
const ACCOUNT = { appid: '1090', secret: 'emulator-secret' };

function dingtalk(base) {
  return {
    title: 'DingTalk: a token, then the corp\'s customers',
    curl: `BASE=${base}
ANSWER=$(curl -s "$BASE/gettoken?corpid=${CORP.corpid}&corpsecret=${CORP.corpsecret}")
TOKEN=\${ANSWER#*\\"access_token\\":\\"}; TOKEN=\${TOKEN%%\\"*}
curl -s "$BASE/crm/customer/list?access_token=$TOKEN&offset=0&size=10"; echo`,
    python: `import requests

BASE = "${base}"
token = requests.get(f"{BASE}/gettoken", params={"corpid": "${CORP.corpid}", "corpsecret": "${CORP.corpsecret}"}).json()["access_token"]
answer = requests.get(f"{BASE}/crm/customer/list", params={"access_token": token, "offset": 0, "size": 10}).json()
assert answer["errcode"] == 0, answer
print(answer)`,
    node: `const BASE = "${base}";
const auth = await (await fetch(\`\${BASE}/gettoken?corpid=${CORP.corpid}&corpsecret=${CORP.corpsecret}\`)).json();
const answer = await (await fetch(\`\${BASE}/crm/customer/list?access_token=\${auth.access_token}&offset=0&size=10\`)).json();
if (answer.errcode !== 0) throw new Error(JSON.stringify(answer));
console.log(JSON.stringify(answer, null, 2));`,
  };
}

function openapi(base, signed) {
  return {
    title: 'OpenAPI: sign, then list the customers',
    curl: `# Signed by this page at ${signed.at}: a nonce is good once, a timestamp for the
# signature window (--signature-window). Sign again for another run.
curl -s --fail-with-body ${base}/openapi/crm/list -H 'appid: ${ACCOUNT.appid}' \\
  -H 'nonce: ${signed.nonce}' -H 'timestamp: ${signed.timestamp}' \\
  -H 'signature: ${signed.signature}' \\
  -H 'Content-Type: application/json' -d '{}'; echo`,
    python: `import base64, hashlib, hmac, time, uuid
import requests

BASE, APPID, SECRET = "${base}", "${ACCOUNT.appid}", "${ACCOUNT.secret}"
nonce, timestamp = uuid.uuid4().hex, str(int(time.time()))
mac = hmac.new(SECRET.encode(), (APPID + nonce + timestamp).encode(), hashlib.sha256)
headers = {"appid": APPID, "nonce": nonce, "timestamp": timestamp,
           "signature": base64.b64encode(mac.digest()).decode()}
answer = requests.post(f"{BASE}/openapi/crm/list", json={}, headers=headers).json()
assert answer["success"], answer
print(answer)`,
    node: `import { createHmac, randomUUID } from "node:crypto";

const BASE = "${base}", APPID = "${ACCOUNT.appid}", SECRET = "${ACCOUNT.secret}";
const nonce = randomUUID(), timestamp = String(Math.floor(Date.now() / 1000));
const signature = createHmac("sha256", SECRET).update(APPID + nonce + timestamp).digest("base64");
const response = await fetch(\`\${BASE}/openapi/crm/list\`, {
  method: "POST",
  headers: { appid: APPID, nonce, timestamp, signature, "Content-Type": "application/json" },
  body: "{}",
});
const answer = await response.json();
if (!answer.success) throw new Error(JSON.stringify(answer));
console.log(JSON.stringify(answer, null, 2));`,
  };
}

function v1(base) {
  return {
    title: 'DingTalk v1.0: a token, then a query',
    curl: `BASE=${base}
ANSWER=$(curl -s -X POST "$BASE/v1.0/oauth2/accessToken" -H 'Content-Type: application/json' \\
  -d '{"appKey":"${CORP.appkey}","appSecret":"${CORP.appsecret}"}')
TOKEN=\${ANSWER#*\\"accessToken\\":\\"}; TOKEN=\${TOKEN%%\\"*}
curl -s --fail-with-body "$BASE/v1.0/crm/personalCustomers?maxResults=10" \\
  -H "x-acs-dingtalk-access-token: $TOKEN"; echo`,
    python: `import requests

BASE = "${base}"
auth = requests.post(f"{BASE}/v1.0/oauth2/accessToken", json={"appKey": "${CORP.appkey}", "appSecret": "${CORP.appsecret}"})
auth.raise_for_status()
answer = requests.get(f"{BASE}/v1.0/crm/personalCustomers", params={"maxResults": 10},
                      headers={"x-acs-dingtalk-access-token": auth.json()["accessToken"]})
answer.raise_for_status()
print(answer.json())`,
    node: `const BASE = "${base}";
const auth = await fetch(\`\${BASE}/v1.0/oauth2/accessToken\`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ appKey: "${CORP.appkey}", appSecret: "${CORP.appsecret}" }),
});
if (!auth.ok) throw new Error(await auth.text());
const { accessToken } = await auth.json();
const answer = await fetch(\`\${BASE}/v1.0/crm/personalCustomers?maxResults=10\`, {
  headers: { "x-acs-dingtalk-access-token": accessToken },
});
if (!answer.ok) throw new Error(await answer.text());
console.log(JSON.stringify(await answer.json(), null, 2));`,
  };
}

// The four OpenAPI headers for the curl snippet, signed here (docs/openapi.md#authentication)
// with the emulator's clock, by which the emulator checks the timestamp.
async function sign() {
  const nonce = crypto.randomUUID().replaceAll('-', '');
  const timestamp = String(Math.floor(emulatorMs() / 1000));
  const at = emulatorNow();
  if (!crypto.subtle) return { nonce, timestamp, at, signature: '(this page cannot sign outside a secure context: use crm-emulator sign)' };
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(ACCOUNT.secret),
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(ACCOUNT.appid + nonce + timestamp));
  const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
  return { nonce, timestamp, at, signature };
}

function snippet(title, language, code) {
  const name = `${title} — ${language}`;
  const body = h('code', {}, code);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      showStatus(`copied: ${name}`);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(body);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      showStatus('selected: press Ctrl+C (or ⌘C) to copy');
    }
  };
  return h('figure', { className: 'snippet', 'aria-label': name },
    h('figcaption', {}, name, ' ', button('Copy', copy, { name: `Copy ${name}` })),
    h('pre', { tabindex: 0 }, body));
}

const LANGUAGES = [['curl', 'curl (POSIX shell)'], ['Python', 'Python 3 with requests'], ['Node', 'Node 18 or later']];

function group(parts, language, extra) {
  const code = { curl: parts.curl, Python: parts.python, Node: parts.node }[language];
  return h('div', { className: 'snippets' }, h('h3', {}, parts.title), extra, snippet(parts.title, language, code));
}

export async function connectPanel() {
  const base = location.origin;
  const section = h('section', { 'aria-labelledby': 'connect-heading' });
  const language = select(LANGUAGES);
  const snippets = h('div', {});
  // The snippets in the chosen language; the curl OpenAPI one signed afresh.
  const draw = async () => {
    const signed = await sign();
    const resign = language.value === 'curl' ? h('div', { className: 'toolbar' },
      button('Sign again', () => draw().catch((e) => showStatus(e.message, true)), { name: 'Sign again for the OpenAPI curl snippet' })) : null;
    snippets.replaceChildren(
      group(dingtalk(base), language.value),
      group(openapi(base, signed), language.value, resign),
      group(v1(base), language.value));
  };
  language.addEventListener('change', () => draw().catch((e) => showStatus(e.message, true)));
  section.replaceChildren(
    h('h2', { id: 'connect-heading' }, 'Connect'),
    table('Where each API answers', ['API', 'base URL', 'well-known credentials', 'how'], [
      h('tr', {}, h('td', {}, 'DingTalk'), h('td', { className: 'mono' }, base),
        h('td', {}, `corpid ${CORP.corpid}, corpsecret ${CORP.corpsecret}`), h('td', {}, 'GET /gettoken, then /crm/… with access_token')),
      h('tr', {}, h('td', {}, 'DingTalk v1.0'), h('td', { className: 'mono' }, base + '/v1.0'),
        h('td', {}, `appKey ${CORP.appkey}, appSecret ${CORP.appsecret}`), h('td', {}, 'POST /v1.0/oauth2/accessToken; the SDK\'s endpoint is ' + location.host)),
      h('tr', {}, h('td', {}, 'OpenAPI'), h('td', { className: 'mono' }, base + '/openapi/crm'),
        h('td', {}, `appid ${ACCOUNT.appid}, secret ${ACCOUNT.secret}`), h('td', {}, 'four signed headers: appid, nonce, timestamp, signature')),
      h('tr', {}, h('td', {}, 'Control plane'), h('td', { className: 'mono' }, base + '/_emulator'),
        h('td', {}, 'the admin token, if the emulator has one'), h('td', {}, h('a', { href: base + '/_emulator/openapi.json' }, 'openapi.json'))),
    ]),
    h('div', { className: 'inline' }, labelled('Snippet language', language),
      h('p', { className: 'muted' }, 'Each snippet runs as shown; save a Node one as connect.mjs, then node connect.mjs.')),
    snippets);
  await draw();
  return section;
}
