-- wrk script for loadtest/closed-model.sh: Segment track calls of a running-shoe product view, to
-- /v1/track (one per request) or /v1/batch (BATCH per request), with the development write key.
--
--   wrk ... -s loadtest/closed-model.lua URL -- PATH PREFIX BATCH CUSTOMERS SEED
--
-- PATH: /v1/track or /v1/batch; PREFIX: unique per wrk run (the messageIds are PREFIX-THREAD-N, so
-- they never repeat on one database); BATCH: events per request, 0 for a single track body;
-- CUSTOMERS: userIds c-0 .. c-(CUSTOMERS-1), uniformly random. When wrk is done it prints one line,
-- "CLOSED key=value ...", that the script reads (latencies in microseconds).

local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local path, prefix, batch, customers, counter

function init(args)
  path = args[1] or "/v1/track"
  prefix = args[2] or tostring(os.time())
  batch = tonumber(args[3] or "0")
  customers = tonumber(args[4] or "10000")
  math.randomseed((tonumber(args[5] or "0") or 0) + 7919 * tid)
  counter = 0
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  -- "dev-write-key:" in HTTP Basic, as the Gatling simulations send it (Staircase.DEV_WRITE_KEY_AUTH).
  wrk.headers["Authorization"] = "Basic ZGV2LXdyaXRlLWtleTo="
end

-- The fields of TrackSimulation's body (Staircase.trackFields), so both generators send the same.
local function event(typed)
  counter = counter + 1
  return string.format(
    '{%s"userId":"c-%d","event":"Product Viewed","messageId":"%s-%d-%d","properties":{"sku":"SKU-%d","category":"running-shoes","price":%d.90},"context":{"channel":"web"}}',
    typed and '"type":"track",' or "", math.random(0, customers - 1), prefix, tid, counter,
    math.random(0, 9999), 50 + math.random(0, 149))
end

function request()
  local body
  if batch > 0 then
    local events = {}
    for i = 1, batch do
      events[i] = event(true)
    end
    body = '{"batch":[' .. table.concat(events, ",") .. "]}"
  else
    body = event(false)
  end
  return wrk.format("POST", path, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "CLOSED requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
