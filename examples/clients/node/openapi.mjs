// The OpenAPI-style CRM API with Node's built-in fetch and crypto (Node 18 or later).
//
// Every request carries four headers: appid, nonce, timestamp (seconds) and
// signature = Base64(HMAC-SHA256(key = secret, message = appid + nonce + timestamp)).
// A customer is added, read back, found in the list, deleted, and one error handled:
// reading the deleted customer is answered 404, which the program expects.
//
//   CRM_EMULATOR_URL=http://127.0.0.1:8080 node openapi.mjs

import { createHmac, randomUUID } from "node:crypto";

const BASE = (process.env.CRM_EMULATOR_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "") + "/openapi/crm";
const APPID = "1090";
const SECRET = "emulator-secret";

/** The four auth headers, with a fresh nonce: the emulator refuses a replay. */
function signedHeaders() {
  const nonce = randomUUID().replaceAll("-", "");
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", SECRET).update(APPID + nonce + timestamp).digest("base64");
  return { appid: APPID, nonce, timestamp, signature };
}

/** POSTs `body` (or GETs without one) and returns the envelope, whatever its status. */
async function call(path, body) {
  const init = body === undefined
    ? { headers: signedHeaders() }
    : { method: "POST", headers: { ...signedHeaders(), "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(BASE + path, init);
  const envelope = await response.json();
  check(envelope.code === String(response.status), JSON.stringify(envelope));
  return envelope;
}

function data(envelope) {
  if (!envelope.success) throw new Error(`${envelope.code}: ${envelope.message} (traceId ${envelope.traceId})`);
  return envelope.data;
}

function check(condition, what) {
  if (!condition) throw new Error(`unexpected: ${what}`);
}

// 1. Add a customer (customerName is the one required field).
let record = data(await call("/add", { customerName: "杭州某某科技", mobile: [{ value: "13800000000" }] }));
const customerId = record._id;
console.log("added", customerId);

// 2. Read it back.
record = data(await call(`/${customerId}`));
check(record.customerName === "杭州某某科技", JSON.stringify(record));
console.log("read", record.customerName);

// 3. List with a search: it is there.
const page = data(await call("/list", {
  limit: 10,
  search: [{ field: "customerName", operator: "contains", value: ["某某"] }],
}));
check(page.list.some((r) => r._id === customerId), JSON.stringify(page));
console.log("listed", page.count, "matching");

// 4. Delete it; reading it again is the handled error, 404 naming the id.
data(await call("/delete", { id: customerId }));
const gone = await call(`/${customerId}`);
check(!gone.success && gone.code === "404", JSON.stringify(gone));
console.log("deleted; reading it again:", gone.code, gone.message);
