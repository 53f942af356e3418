-- wrk script: every request signs the petition with a new email address.
-- Needs CSRF_COOKIE and CSRF_TOKEN (one visitor's pair) and SLUG in the environment.
local cookie = os.getenv("CSRF_COOKIE")
local token = os.getenv("CSRF_TOKEN")
local slug = os.getenv("SLUG")
local threads = {}
local counter = 0
errors = 0

-- Each thread gets its own prefix (a global in its own Lua state), so no two requests share an address.
function setup(thread)
  thread:set("prefix", "t" .. #threads .. "-" .. os.time())
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = "csrf=" .. token .. "&name=Bench+Signer&country=FR&email=" .. prefix .. "-" .. counter .. "%40example.org"
  return wrk.format("POST", "/p/" .. slug .. "/sign", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "undersigned_csrf=" .. cookie,
  }, body)
end

-- A signature is taken when the answer is the redirect to "check your email"; wrk's own
-- error count would let a 3xx or an error page through.
function response(status, headers, body)
  if status ~= 303 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("errors") end
  io.write(string.format("Answers other than 303: %d\n", total))
end
