-- wrk script: presses "Confirm" once on each confirmation link listed in the file LINKS
-- (one path a line), each thread taking its own share, and stops when its share is done.
-- Needs CSRF_COOKIE, CSRF_TOKEN and THREADS.
local cookie = os.getenv("CSRF_COOKIE")
local token = os.getenv("CSRF_TOKEN")
local threads = {}
local paths = {}
local sent = 0
local answered = 0

function setup(thread)
  thread:set("share", #threads)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("LINKS")) do table.insert(all, line) end
  local total = tonumber(os.getenv("THREADS"))
  for i = share + 1, #all, total do table.insert(paths, all[i]) end
end

function request()
  sent = sent + 1
  -- Connections still open after the share is done repeat a link: harmless, and not counted below.
  local path = paths[((sent - 1) % #paths) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "undersigned_csrf=" .. cookie,
  }, "csrf=" .. token)
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= #paths then wrk.thread:stop() end
end
