-- Shared by the wrk scripts (event.lua, batch.lua): the event body they send and the RESULT line they print.
-- The JSON fields are the event contract (docs/api.md). Loaded with dofile from the repository root (bench/*.sh cd there).

local types = { "play", "pause", "seek", "stop", "login", "error" }

-- One new event: a unique id per run, thread and counter; users, devices, content, types, regions and IPs cycle.
function event_json(prefix, run, tid, counter, users, stamp)
   return string.format(
      '{"event_id":"%s%s-%d-%d","user_id":"u%d","device_id":"d%d","content_id":"c%d","event_type":"%s",' ..
      '"timestamp":"%s","region":"%s","is_eu":%s,"has_consent":true,"ip_address":"10.%d.%d.%d",' ..
      '"extra_metadata":{"app_version":"1.2.3","network_type":"wifi"}}',
      prefix, run, tid, counter, (counter * 7 + tid) % users, counter % 5000, counter % 200, types[counter % 6 + 1],
      stamp, (counter % 3 == 0) and "DE" or "US", (counter % 3 == 0) and "true" or "false",
      tid % 256, math.floor(counter / 256) % 256, counter % 256)
end

-- What every run prints for bench/ingest.sh to read.
function report(summary, latency)
   io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors_status=%d errors_other=%d\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

function new_run()
   return tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9)), os.date("!%Y-%m-%dT%H:%M:%SZ")
end
