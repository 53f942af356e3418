-- wrk script: presses "Confirm" once on each confirmation link listed in the file LINKS
-- (one path a line), each thread taking its own share, and stops when its share is done.
-- Needs CSRF_COOKIE, CSRF_TOKEN and THREADS. Run wrk with --latency for the p99.
local cookie = os.getenv("CSRF_COOKIE")
local token = os.getenv("CSRF_TOKEN")
local threads = {}
local paths = {}
local sent = 0
local answered = 0
errors = 0

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

-- A confirmation (or a repeat of one) answers with the redirect to the thank-you page.
function response(status, headers, body)
  if status ~= 303 then errors = errors + 1 end
  answered = answered + 1
  if answered >= #paths then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("errors") end
  io.write(string.format("Answers other than 303: %d\n", total))
end
