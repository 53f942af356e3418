-- wrk script: presses "Confirm" on each confirmation link listed in the file LINKS (one path
-- a line), each thread taking its own share. Needs CSRF_COOKIE and CSRF_TOKEN.
local cookie = os.getenv("CSRF_COOKIE")
local token = os.getenv("CSRF_TOKEN")
local threads = {}
local paths = {}
local index = 0

function setup(thread)
  thread:set("share", #threads)
  thread:set("count", 0)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("LINKS")) do table.insert(all, line) end
  local total = tonumber(os.getenv("THREADS"))
  for i = share + 1, #all, total do table.insert(paths, all[i]) end
end

function request()
  index = index + 1
  -- Past the end, confirming again is harmless and measures the "already confirmed" path.
  local path = paths[((index - 1) % #paths) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "undersigned_csrf=" .. cookie,
  }, "csrf=" .. token)
end
