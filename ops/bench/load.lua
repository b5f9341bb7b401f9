-- wrk script of ops/bench/load: paced requests drawn from a file of request templates, with every
-- answer classified (status, Retry-After on 429/503, an `event: error` inside a stream).
--
--   BENCH_REQUESTS=FILE BENCH_OUT=FILE wrk -tT -cC -dD -s ops/bench/load.lua URL -- RATE MODE
--
-- FILE has one request a line: name, weight, method, path, bearer token, body (tab-separated; an
-- empty token or body is left out). RATE is the requests per second of the whole run, paced per
-- thread on a monotonic clock (open loop while enough connections are free). MODE `mix` draws
-- each request by weight; `own` gives thread N the (N + BENCH_OFFSET)-th line only (a student's own
-- chat session: a student has one stream at a time, so two threads never share one). done() appends one JSON
-- line to BENCH_OUT with the counts and wrk's latency percentiles (microseconds).

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } qx_timespec;
  int clock_gettime(int clk, qx_timespec *ts);
]]
local ts = ffi.new("qx_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local function split(line)
  local out, i = {}, 1
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do out[i] = field; i = i + 1 end
  return out
end

local function load_templates(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then
      local f = split(line)
      local headers = { ["Accept"] = "application/json" }
      if f[5] ~= "" then headers["Authorization"] = "Bearer " .. f[5] end
      local body = nil
      if f[6] and f[6] ~= "" then body = f[6]; headers["Content-Type"] = "application/json" end
      if f[1]:find("^chat") then headers["Accept"] = "text/event-stream" end
      list[#list + 1] = { name = f[1], weight = tonumber(f[2]), method = f[3], path = f[4], headers = headers, body = body }
    end
  end
  return list
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

local templates, pool, interval, next_slot, mode, own
-- Globals, so that done() can read them from each thread (thread:get).
counts = {}            -- "status" -> n, and per template name ("name status")
missing_retry = 0
stream_errors = 0
local last = nil

function init(args)
  local rate = tonumber(args[1])
  mode = args[2] or "mix"
  templates = load_templates(os.getenv("BENCH_REQUESTS"))
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  interval = 1000 * nthreads / rate
  next_slot = now_ms()
  if mode == "own" then
    -- BENCH_OFFSET moves the threads to other students from one phase to the next: a reply cut off
    -- at a phase's end may still be generated (and stored) while the next phase begins.
    own = templates[((index - 1 + tonumber(os.getenv("BENCH_OFFSET") or "0")) % #templates) + 1]
  else
    pool = {}
    for i, t in ipairs(templates) do
      for _ = 1, t.weight do pool[#pool + 1] = i end
    end
    math.randomseed(1000 + index)
  end
end

function delay()
  local t = now_ms()
  if next_slot < t then next_slot = t end
  local wait = next_slot - t
  next_slot = next_slot + interval
  return math.floor(wait)
end

function request()
  if own then
    last = own
  else
    last = templates[pool[math.random(#pool)]]
  end
  return wrk.format(last.method, last.path, last.headers, last.body)
end

local function bump(key) counts[key] = (counts[key] or 0) + 1 end

function response(status, headers, body)
  local s = tostring(status)
  bump(s)
  bump((last and last.name or "?") .. " " .. s)
  if status == 429 or status == 503 then
    local found = false
    for k, _ in pairs(headers) do
      if k:lower() == "retry-after" then found = true end
    end
    if not found then missing_retry = missing_retry + 1 end
  end
  if status == 200 and body and body:find("event: error", 1, true) then
    stream_errors = stream_errors + 1
  end
end

local function json_counts(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = string.format("%q: %d", k, v) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local all, missing, serrs = {}, 0, 0
  for _, thread in ipairs(threads) do
    local c = thread:get("counts") or {}
    for k, v in pairs(c) do all[k] = (all[k] or 0) + v end
    missing = missing + (thread:get("missing_retry") or 0)
    serrs = serrs + (thread:get("stream_errors") or 0)
  end
  local e = summary.errors
  local line = string.format(
    '{"seconds": %.3f, "requests": %d, "counts": %s, "missingRetryAfter": %d, "streamErrors": %d, ' ..
    '"socket": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latencyUs": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.0f}}\n',
    summary.duration / 1e6, summary.requests, json_counts(all), missing, serrs,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean)
  local f = io.open(os.getenv("BENCH_OUT"), "a")
  f:write(line)
  f:close()
end
