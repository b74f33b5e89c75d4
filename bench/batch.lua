-- wrk script: one batch of new events per request.
-- args: [1] events per batch (default 500), [2] distinct users (default 10000)
local next_id = 0

function setup(thread)
   thread:set("tid", next_id)
   next_id = next_id + 1
end

function init(args)
   size = tonumber(args[1]) or 500
   users = tonumber(args[2]) or 10000
   run = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
   stamp = os.date("!%Y-%m-%dT%H:%M:%SZ")
   counter = 0
   wrk.headers["Content-Type"] = "application/json"
end

local types = { "play", "pause", "seek", "stop", "login", "error" }

function request()
   local parts = {}
   for i = 1, size do
      counter = counter + 1
      parts[i] = string.format(
         '{"event_id":"B%s-%d-%d","user_id":"u%d","device_id":"d%d","content_id":"c%d","event_type":"%s",' ..
         '"timestamp":"%s","region":"%s","is_eu":%s,"has_consent":true,"ip_address":"10.%d.%d.%d",' ..
         '"extra_metadata":{"app_version":"1.2.3","network_type":"wifi"}}',
         run, tid, counter, (counter * 7 + tid) % users, counter % 5000, counter % 200, types[counter % 6 + 1],
         stamp, (counter % 3 == 0) and "DE" or "US", (counter % 3 == 0) and "true" or "false",
         tid % 256, math.floor(counter / 256) % 256, counter % 256)
   end
   return wrk.format("POST", nil, nil, "[" .. table.concat(parts, ",") .. "]")
end

function done(summary, latency, requests)
   io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors_status=%d errors_other=%d\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
