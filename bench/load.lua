-- wrk script for bench/run.py: cycle through the requests listed in a file, one per line:
--   METHOD <TAB> PATH <TAB> Header: value|Header: value <TAB> BODY
-- (many members' sessions: handsets carry the sid in the path, PCs a Cookie header),
-- and print the summary as one JSON line that bench/run.py reads.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    if method then
      local h = {}
      for name, value in headers:gmatch("([^|:]+): ([^|]*)") do h[name] = value end
      if body == "" then body = nil end
      table.insert(requests, wrk.format(method, path, h, body))
    end
  end
  file:close()
  -- Threads start at different places in the list, so they do not walk in step.
  counter = math.floor((id - 1) * #requests / 4) % #requests + 1
end

function request()
  local r = requests[counter]
  counter = counter % #requests + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d,' ..
    ' "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
