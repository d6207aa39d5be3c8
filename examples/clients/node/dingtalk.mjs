// The DingTalk-style CRM API with Node's built-in fetch (Node 18 or later, no packages).
//
// A token, a customer created, read back and found in the list, and one error handled:
// the emulator's clock is moved past the token's lifetime, the next call is answered
// errcode 42001 (access_token超时), and the program fetches a new token and retries.
//
//   CRM_EMULATOR_URL=http://127.0.0.1:8080 node dingtalk.mjs
//
// Over HTTPS (--tls-bind), trust the emulator's CA:
//   NODE_EXTRA_CA_CERTS=crm-emulator-tls/ca.pem CRM_EMULATOR_URL=https://localhost:8443 node dingtalk.mjs

const BASE = (process.env.CRM_EMULATOR_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
// The control plane needs the admin token when one is configured (else loopback only).
const ADMIN = process.env.CRM_EMULATOR_ADMIN_TOKEN
  ? { Authorization: `Bearer ${process.env.CRM_EMULATOR_ADMIN_TOKEN}` }
  : {};
// Codes after which a new token is worth fetching: 40014 unknown, 42001 expired.
const TOKEN_ERRCODES = [40014, 42001];

class DingTalkError extends Error {
  constructor(body) {
    super(`errcode ${body.errcode}: ${body.errmsg}`);
    this.errcode = body.errcode;
  }
}

/** Every answer is HTTP 200; success is errcode 0. */
async function dingtalk(path, { query = {}, body } = {}) {
  const url = new URL(BASE + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const init = body === undefined
    ? {}
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${path}`);
  const answer = await response.json();
  if (answer.errcode !== 0) throw new DingTalkError(answer);
  return answer;
}

let token = null;

async function fetchToken() {
  const answer = await dingtalk("/gettoken", { query: { corpid: "dingemulator", corpsecret: "emulator-secret" } });
  token = answer.access_token;
  return token;
}

/** A /crm/ call with the token; an expired or unknown token is renewed once. */
async function crm(path, { query = {}, body } = {}) {
  if (token === null) await fetchToken();
  try {
    return await dingtalk(path, { query: { ...query, access_token: token }, body });
  } catch (error) {
    if (!(error instanceof DingTalkError) || !TOKEN_ERRCODES.includes(error.errcode)) throw error;
    console.log(`token refused (${error.message}): fetching a new one`);
    await fetchToken();
    return dingtalk(path, { query: { ...query, access_token: token }, body });
  }
}

async function moveClock(body) {
  const response = await fetch(`${BASE}/_emulator/clock`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...ADMIN },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`moving the clock: HTTP ${response.status}`);
}

function check(condition, what) {
  if (!condition) throw new Error(`unexpected: ${what}`);
}

// 1. The token.
const firstToken = await fetchToken();
console.log("token", firstToken);

// 2. Create a customer with a contact, followed by the caller (user_id) and lisi.
const created = await crm("/crm/customer/create", {
  query: { user_id: "zhangsan" },
  body: {
    customer: { name: "杭州某某科技", address: "杭州市西湖区", description: "重点客户", telephone: "0571-88888888" },
    contacts: [{ name: "王经理", mobile: "13800000000", attached: "采购" }],
    userIds: ["lisi"],
    create_by: "2024-05-01 10:00:00",
  },
});
// Ids are strings: 18 digits do not survive a trip through a JavaScript number.
const customerId = created.customerid;
console.log("created", customerId);

// 3. Read it back.
const got = await crm("/crm/customer/get", { query: { id: customerId } });
check(got.customer.name === "杭州某某科技", JSON.stringify(got));
console.log("read", got.customer.name, "followed by", got.userIds);

// 4. List: it is on the first page.
const page = await crm("/crm/customer/list", { query: { offset: 0, size: 100 } });
check(page.customerlist.some((c) => c.id === customerId), JSON.stringify(page));
console.log("listed", page.customerlist.length, "customers");

// 5. The handled error: two hours and a second later the token has expired.
await moveClock({ advanceSeconds: 7201 });
let again;
try {
  again = await crm("/crm/customer/get", { query: { id: customerId } });
} finally {
  await moveClock({ reset: true });
}
check(again.customer.id === customerId && token !== firstToken, "a new token and the same customer");
console.log("expired token renewed; read again", again.customer.id);
