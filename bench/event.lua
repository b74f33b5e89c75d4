-- wrk script: one new event per request (unique event_id per thread and request).
-- args: [1] number of distinct users (default 10000)
dofile("bench/wire.lua")
local next_id = 0

function setup(thread)
   thread:set("tid", next_id)
   next_id = next_id + 1
end

function init(args)
   users = tonumber(args[1]) or 10000
   run, stamp = new_run()
   counter = 0
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   counter = counter + 1
   return wrk.format("POST", nil, nil, event_json("b", run, tid, counter, users, stamp))
end

function done(summary, latency, requests)
   report(summary, latency)
end
