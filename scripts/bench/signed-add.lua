-- wrk script: POST /openapi/crm/add with a fresh signed nonce on every request (random
-- UUIDs: scripts/bench/signatures.py), and the vendor document's own add example as the
-- body (《CRM客户管理接口》 1.4: a mobile, a customerSource, an owner and its assignTime).
-- Signatures are precomputed (wrk's Lua has no HMAC) into the file named by the
-- SIGNED_HEADERS environment variable: one "nonce timestamp signature" line each.
-- Each wrk thread takes every Nth line, so no nonce is ever sent twice.

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  lines = {}
  local n = 0
  for line in io.lines(os.getenv("SIGNED_HEADERS")) do
    if n % tonumber(os.getenv("WRK_THREADS")) == tid then
      table.insert(lines, line)
    end
    n = n + 1
  end
  i = 0
  -- Read from the repository's root, where scripts/bench.sh runs wrk.
  local file = assert(io.open("scripts/bench/add-body.json"))
  body = file:read("*a")
  file:close()
end

function request()
  i = i + 1
  local line = lines[i]
  if line == nil then
    i = 1
    line = lines[1]
  end
  local nonce, ts, sig = line:match("(%S+) (%S+) (%S+)")
  return wrk.format("POST", "/openapi/crm/add", {
    ["appid"] = "1090",
    ["nonce"] = nonce,
    ["timestamp"] = ts,
    ["signature"] = sig,
    ["Content-Type"] = "application/json",
  }, body)
end
