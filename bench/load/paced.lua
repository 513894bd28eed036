-- wrk script: the shared chat.lua, with each connection pausing a random 0..2×BENCH_DELAY_MS
-- between a response and its next request. A fixed number of connections then offers a load
-- below saturation, spread out in time rather than in lock-step bursts, so latency shows the
-- gateway's own work instead of queueing for the CPU.
--   BENCH_CHAT_LUA   path of ../shared/bench/load/chat.lua
--   BENCH_DELAY_MS   mean pause per connection (default 4)
dofile(os.getenv("BENCH_CHAT_LUA"))
local mean = tonumber(os.getenv("BENCH_DELAY_MS") or "4")
math.randomseed(os.time())
delay = function() return math.random() * 2 * mean end
