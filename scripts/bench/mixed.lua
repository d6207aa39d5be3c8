-- wrk script: a mix of both APIs' reads and writes, counting failed answers.
--
-- Environment:
--   SIGNED_HEADERS  file of "nonce timestamp signature" lines (one per OpenAPI request;
--                   each wrk thread takes every Nth line, so no nonce is sent twice)
--   WRK_THREADS     wrk's thread count
--   TOKEN           a DingTalk access token
--   DT_CUSTOMER     a DingTalk customer id to read
--   OA_CUSTOMER     an OpenAPI customer _id to read
--   MIX             optional: "adds finds lists gets creates" out of 100 (default
--                   "30 20 1 25 24")
--
-- Out of every 100 requests: 30 signed adds, 20 signed finds by id, 1 signed list page
-- (a page and the count of the account's customers, which grow by thousands a second:
-- its cost grows with them), 25 DingTalk gets, 24 DingTalk creates. A failed answer is one with an HTTP status other
-- than 2xx, or an OpenAPI body without "success":true, or a DingTalk body whose errcode
-- is not 0. done() prints the counts, p99 and p99.9.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  local n = 0
  local nthreads = tonumber(os.getenv("WRK_THREADS"))
  for line in io.lines(os.getenv("SIGNED_HEADERS")) do
    if n % nthreads == tid then
      table.insert(lines, line)
    end
    n = n + 1
  end
  signed = 0
  turn = 0
  failed = 0
  failed_status = 0
  answered = 0
  token = os.getenv("TOKEN")
  dt_get = "/crm/customer/get?access_token=" .. token .. "&id=" .. os.getenv("DT_CUSTOMER")
  dt_create = "/crm/customer/create?access_token=" .. token .. "&user_id=soak"
  dt_body = '{"customer":{"name":"Soak Ltd","address":"1 Road","description":"soak","telephone":"010-1"},'
    .. '"contacts":[{"name":"A","mobile":"1","attached":"x"}],"userIds":["u1"],"create_by":"soak"}'
  oa_get = "/openapi/crm/" .. os.getenv("OA_CUSTOMER")
  oa_add_body = '{"customerName":"soak","mobile":[{"value":"333222111","memo":"王哈"}],'
    .. '"customerSource":["试用申请"],"owner":"8310","assignTime":"2024-11-14 09:46:17"}'
  oa_list_body = '{"limit":10}'
  mix = {}
  for n in (os.getenv("MIX") or "30 20 1 25 24"):gmatch("%d+") do
    table.insert(mix, tonumber(n))
  end
  -- The upper bound of each kind's turns.
  bounds = {}
  local sum = 0
  for k = 1, 5 do
    sum = sum + (mix[k] or 0)
    bounds[k] = sum
  end
  cycle = sum
end

local function signed_request(method, path, body)
  signed = signed + 1
  local line = lines[signed]
  if line == nil then
    signed = 1
    line = lines[1]
  end
  local nonce, ts, sig = line:match("(%S+) (%S+) (%S+)")
  local headers = {
    ["appid"] = "1090",
    ["nonce"] = nonce,
    ["timestamp"] = ts,
    ["signature"] = sig,
  }
  if body then
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, path, headers, body)
end

function request()
  turn = (turn % cycle) + 1
  if turn <= bounds[1] then
    return signed_request("POST", "/openapi/crm/add", oa_add_body)
  elseif turn <= bounds[2] then
    return signed_request("GET", oa_get, nil)
  elseif turn <= bounds[3] then
    return signed_request("POST", "/openapi/crm/list", oa_list_body)
  elseif turn <= bounds[4] then
    return wrk.format("GET", dt_get)
  else
    return wrk.format("POST", dt_create, { ["Content-Type"] = "application/json" }, dt_body)
  end
end

function response(status, headers, body)
  answered = answered + 1
  if status < 200 or status > 299 then
    failed_status = failed_status + 1
    failed = failed + 1
  elseif not (body:find('"success":true', 1, true) or body:find('"errcode":0,', 1, true)) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_failed, total_status, total = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_failed = total_failed + thread:get("failed")
    total_status = total_status + thread:get("failed_status")
    total = total + thread:get("answered")
  end
  io.write(string.format("soak: answers %d, failed %d (non-2xx %d), errors (socket) %d\n",
    total, total_failed, total_status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("soak: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
