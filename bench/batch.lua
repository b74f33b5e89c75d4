-- wrk script: one batch of new events per request.
-- args: [1] events per batch (default 500), [2] distinct users (default 10000)
dofile("bench/wire.lua")
local next_id = 0

function setup(thread)
   thread:set("tid", next_id)
   next_id = next_id + 1
end

function init(args)
   size = tonumber(args[1]) or 500
   users = tonumber(args[2]) or 10000
   run, stamp = new_run()
   counter = 0
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   local parts = {}
   for i = 1, size do
      counter = counter + 1
      parts[i] = event_json("B", run, tid, counter, users, stamp)
   end
   return wrk.format("POST", nil, nil, "[" .. table.concat(parts, ",") .. "]")
end

function done(summary, latency, requests)
   report(summary, latency)
end
