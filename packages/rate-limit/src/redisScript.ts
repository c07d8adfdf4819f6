// The Lua script behind every Redis decision: the same arithmetic as the
// four algorithm classes (a test runs both on one trace and compares), with
// the time read from Redis (TIME) so instances with skewed clocks agree, and
// the state kept in one string key per limited key (three doubles packed with
// Redis' struct library: exact, and no text to format or parse), expiring
// when it would equal a new key's state.
//
// Each limiter runs the script of its algorithm with its limit, window and
// capacity written in as constants (fewer arguments to send and convert on
// every call; EVALSHA caches one script per configuration).
//
// One call decides for a batch of keys, in order (the same key twice sees
// its own first decision): the decisions of one tick share a round trip.
//
// KEYS[i]      the state of the i-th decision's key: a, b, c (see each algorithm class)
// ARGV[1]      mode: "c" consume, "p" peek, "r" refund the cost
// ARGV[2]      the time in ms to use instead of TIME ("" in production; tests pin it)
// ARGV[3i]     the i-th cost
// ARGV[3i+1]   want: when the cost fits, take up to this many units (≥ cost; a lease)
// ARGV[3i+2]   refund only: the window start the units were taken in ("" otherwise)
// or, when every key has the same cost and want (the common batch), just
// ARGV[3] cost and ARGV[4] want for all.
//
// A refused call changes nothing and writes nothing (the token bucket stores
// its refill, as the in-memory one does, so both round the same way).
//
// Returns 7 values per key, flat: allowed 0|1, granted, remaining, resetMs,
// retryAfterMs, windowLeftMs, windowStart, with granted and windowStart as strings (Lua numbers would be truncated to integers).
import type { Algorithm, AlgorithmName } from './algorithm.js';

const PRELUDE = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local limit = __LIMIT__
local w = __WINDOW_MS__
local cap = __CAPACITY__
local mode = ARGV[1]
local now
-- With a pinned time, keys outlive their state a minute longer: real time may pass faster than the pinned clock.
local slack = 0
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
  slack = 60000
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local eps = cap * 1e-9
local function ceilms(x)
  if x <= 1e-3 then return 0 end
  return math.ceil(x - 1e-3)
end
local function units(x)
  local n = math.floor(x + eps)
  if n > 0 then return n end
  return 0
end
local function num(x) return string.format('%.17g', x) end
local function save(key, sa, sb, sc, ttl, keep)
  if mode == 'p' then return end
  if ttl <= 0 then
    redis.call('DEL', key)
  elseif keep then
    redis.call('SET', key, struct.pack('<ddd', sa, sb, sc), 'KEEPTTL')
  else
    redis.call('SET', key, struct.pack('<ddd', sa, sb, sc), 'PX', math.ceil(ttl) + 1 + slack)
  end
end
local out = {}
local uniform = #ARGV == 4
for i = 1, #KEYS do
local key = KEYS[i]
local cost, want, ws
if uniform then
  cost, want, ws = tonumber(ARGV[3]), tonumber(ARGV[4]), ''
else
  cost, want, ws = tonumber(ARGV[3 * i]), tonumber(ARGV[3 * i + 1]), ARGV[3 * i + 2]
end
local a, b, c
local raw = redis.call('GET', key)
if raw then a, b, c = struct.unpack('<ddd', raw) end
local allowed, granted, remaining, resetMs, retry, left, start = false, 0, 0, 0, 0, -1, ''
`;

const BRANCHES: Record<AlgorithmName, string> = {
  'token-bucket': `  local rate = limit / w
  local tokens, last = cap, now
  if raw then tokens, last = a, b end
  local elapsed = 0
  if now > last then elapsed = now - last end
  tokens = math.min(tokens + elapsed * rate, cap)
  if mode == 'r' then
    tokens = math.min(tokens + cost, cap)
  else
    allowed = tokens + eps >= cost
    if allowed and mode == 'c' then
      granted = math.max(cost, math.min(want, tokens))
      if tokens > granted then tokens = tokens - granted else tokens = 0 end
    end
  end
  if now > last then last = now end
  save(key, tokens, last, 0, (cap - tokens) / rate)
  remaining = units(tokens)
  resetMs = ceilms((cap - tokens) / rate)
  if not allowed then retry = math.max(1, ceilms((cost - tokens) / rate)) end
`,
  gcra: `  local interval = w / limit
  local tol = cap * interval
  local tat = now
  if raw and a > now then tat = a end
  local nxt = tat + cost * interval
  if mode == 'r' then
    tat = math.max(now, tat - cost * interval)
  else
    allowed = nxt - now <= tol + tol * 1e-9
    if allowed and mode == 'c' then
      granted = math.max(cost, math.min(want, (tol - (tat - now)) / interval))
      if granted == cost then tat = nxt else tat = tat + granted * interval end
    end
  end
  if allowed or mode == 'r' then save(key, tat, 0, 0, tat - now) end
  remaining = units((tol - (tat - now)) / interval)
  resetMs = ceilms(tat - now)
  if not allowed then retry = math.max(1, ceilms(nxt - tol - now)) end
`,
  'fixed-window': `  local count, st = 0, now
  if raw then count, st = a, b end
  -- Within the same window the key's expiry (the window's end) stays: KEEPTTL saves an expire update.
  local keep = raw and true or false
  if now >= st + w then count, st, keep = 0, now, false end
  if mode == 'r' then
    if ws ~= '' and tonumber(ws) == st then count = math.max(0, count - cost) end
  else
    allowed = count + cost <= limit + eps
    if allowed and mode == 'c' then
      granted = math.max(cost, math.min(want, limit - count))
      count = count + granted
    end
  end
  left = math.min(w, math.max(0, math.ceil(st + w - now)))
  if allowed or mode == 'r' then save(key, count, st, 0, st + w - now, keep) end
  remaining = units(limit - count)
  if count > 0 then resetMs = left end
  if not allowed then retry = math.max(1, left) end
  start = num(st)
`,
  'sliding-window': `  local cur, st, prev = 0, math.floor(now / w) * w, 0
  if raw then cur, st, prev = a, b, c end
  -- The expiry (two windows after the current one starts) stays while the current window has counts.
  local keep = raw and cur > 0
  if now >= st + w then
    keep = false
    local steps = math.floor((now - st) / w)
    if steps == 1 then prev = cur else prev = 0 end
    cur = 0
    st = st + steps * w
  end
  local into = 0
  if now > st then into = now - st end
  local est = prev * (w - into) / w + cur
  if mode == 'r' then
    if ws ~= '' and tonumber(ws) == st then
      local back = math.min(cost, cur)
      cur = cur - back
      est = est - back
    end
  else
    allowed = est + cost <= limit + eps
    if allowed and mode == 'c' then
      granted = math.max(cost, math.min(want, limit - est))
      cur = cur + granted
      est = est + granted
    end
  end
  local ttl = 0
  if cur > 0 then ttl = st + 2 * w - now elseif prev > 0 then ttl = st + w - now end
  if allowed or mode == 'r' then save(key, cur, st, prev, ttl, keep and cur > 0) end
  remaining = units(limit - est)
  resetMs = math.min(ceilms(ttl), 2 * w)
  if not allowed then
    local at
    if cur + cost <= limit then
      at = st + w - (w * (limit - cur - cost)) / prev
    else
      at = st + 2 * w - (w * (limit - cost)) / cur
    end
    retry = math.max(1, ceilms(at - now))
  end
  left = math.max(0, math.ceil(st + w - now))
  start = num(st)
`,
};

const EPILOGUE = `if mode == 'r' then allowed = true end
if want == cost and mode == 'c' then
  -- No lease: what was granted is the cost (or nothing); the window fields serve leases only.
  out[i] = string.format('%d,%d,%d,%d', allowed and 1 or 0, remaining, resetMs, retry)
else
  out[i] = string.format('%d,%d,%d,%d,%.17g,%d,%s', allowed and 1 or 0, remaining, resetMs, retry, granted, left, start)
end
end
return table.concat(out, ';')
`;

/** The script of one limiter: its algorithm's arithmetic with its constants written in. */
export function rateLimitScript(algorithm: Algorithm): string {
  // String(number) is the shortest text that parses back to the same double, in JavaScript and in Lua.
  const prelude = PRELUDE.replace('__LIMIT__', String(algorithm.limit))
    .replace('__WINDOW_MS__', String(algorithm.windowMs))
    .replace('__CAPACITY__', String(algorithm.capacity));
  return prelude + BRANCHES[algorithm.name] + EPILOGUE;
}
