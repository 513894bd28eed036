-- wrk script: the shared chat.lua's request made cacheable (temperature 0, workflow bench-cache, which
-- the bench configuration's cache rule covers), either the same request every time (BENCH_CACHE=hit:
-- every call after the first is answered from the cache) or a new prompt every time (BENCH_CACHE=miss:
-- every call is looked up, forwarded, and its answer stored).
--   BENCH_CHAT_LUA   path of ../shared/bench/load/chat.lua (its setup/done report the RESULT line)
-- BENCH_CACHE=route sends a new prompt every time for sim-gpt-4o-mini under workflow bench-route, which
-- the bench configuration's routing rule sends through a tier (no cache rule covers it).
--   BENCH_CACHE      hit | miss | route
dofile(os.getenv("BENCH_CHAT_LUA"))
local mode = os.getenv("BENCH_CACHE") or "hit"
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. (os.getenv("BENCH_AUTH") or "sk-bench"),
  ["x-tollgate-workflow"] = "bench-cache",
}
local function body(tag)
  local model = mode == "route" and "sim-gpt-4o-mini" or "gpt-4o-mini"
  return '{"model":"' .. model .. '","messages":['
    .. '{"role":"system","content":"You are a concise assistant for an internal developer portal."},'
    .. '{"role":"user","content":"In two sentences, explain what an LLM gateway does and why teams meter tokens per request. ('
    .. tag .. ')"}],"max_tokens":64,"temperature":0}'
end
local salt, counter, fixed
if mode == "route" then headers["x-tollgate-workflow"] = "bench-route" end
init = function(_)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  salt = tostring(math.random(1, 1000000000))
  fixed = wrk.format("POST", "/v1/chat/completions", headers, body("same"))
end
request = function()
  if mode == "hit" then return fixed end
  counter = (counter or 0) + 1
  return wrk.format("POST", "/v1/chat/completions", headers, body(salt .. "-" .. counter))
end
