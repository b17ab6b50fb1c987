#!/usr/bin/env bats
# 14-rate-limit: the per-user limiter end to end (D8, docs/decisions.md#d8): X-RateLimit-* headers on limited responses,
# 429 {error, limit, window:"60s"} + Retry-After, shared by replicas through Redis, and served from
# memory when Redis is unreachable.

load helpers

PW='Passw0rd_Ok'

teardown_file() {
  stop_extra_gateways
  [ -z "${NR_PID:-}" ] || kill "$NR_PID" 2>/dev/null || true
}

# start_redisless_gateway — a gateway of the test stack whose Redis is unreachable. start_extra_gateway
# waits for /health/ready, which is 503 without Redis by design, so this one waits for /health/live.
# Sets NR_URL and NR_PID.
start_redisless_gateway() {
  local port
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  (
    set -a
    . "$TAGUATO_STACK_ENV_FILE"
    set +a
    cd "$REPO_ROOT"
    GATEWAY_PORT=$port REDIS_URL=redis://127.0.0.1:1 WORKERS_ENABLED=false exec node --import tsx gateway/src/server.ts
  ) >"$BATS_FILE_TMPDIR/gateway-no-redis.log" 2>&1 3>&- &
  NR_PID=$!
  NR_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$NR_URL/health/live" && return 0
    sleep 0.5
  done
  echo "gateway without Redis did not start:" >&2
  tail -20 "$BATS_FILE_TMPDIR/gateway-no-redis.log" >&2
  return 1
}

@test "rate limit: 3 per window with headers, the 4th is 429 with Retry-After; admin routes too" {
  u=$(unique rl); create_user "$u" "$PW" '{"rate_limit":3}' >/dev/null
  t=$(login "$u" "$PW")
  for i in 1 2 3; do
    api GET /api/sessions "" "$t"
    assert_equal "$code" 200
    assert_equal "$(header X-RateLimit-Limit)" 3
    assert_equal "$(header X-RateLimit-Remaining)" $((3 - i))
    r=$(header X-RateLimit-Reset)
    [ "$r" -ge 1 ] && [ "$r" -le 60 ]
  done
  api GET /api/sessions "" "$t"
  assert_equal "$code" 429
  assert_equal "$body" '{"error":"Rate limit exceeded","limit":3,"window":"60s"}'
  ra=$(header Retry-After)
  [ "$ra" -ge 1 ] && [ "$ra" -le 60 ]
  assert_equal "$(header X-RateLimit-Remaining)" 0
  # Non-admins are limited before the admin check answers 403 (reference order).
  api GET /admin/users "" "$t"
  assert_equal "$code" 429
  # /api/auth/* is never limited.
  api GET /api/auth/me "" "$t"
  assert_equal "$code" 200
}

@test "rate limit: users are counted separately; no limit (0) sends no headers" {
  a=$(unique rl); create_user "$a" "$PW" '{"rate_limit":1}' >/dev/null
  b=$(unique rl); create_user "$b" "$PW" '{"rate_limit":1}' >/dev/null
  c=$(unique rl); create_user "$c" "$PW" '{"rate_limit":0}' >/dev/null
  ta=$(login "$a" "$PW"); tb=$(login "$b" "$PW"); tc=$(login "$c" "$PW")
  api GET /api/sessions "" "$ta"; assert_equal "$code" 200
  api GET /api/sessions "" "$ta"; assert_equal "$code" 429
  api GET /api/sessions "" "$tb"; assert_equal "$code" 200
  for i in 1 2 3 4 5; do
    api GET /api/sessions "" "$tc"
    assert_equal "$code" 200
    assert_equal "$(header X-RateLimit-Limit)" ""
  done
}

@test "rate limit: one counter shared by every replica (Redis)" {
  u=$(unique rl); create_user "$u" "$PW" '{"rate_limit":2}' >/dev/null
  t=$(login "$u" "$PW")
  start_extra_gateway WORKERS_ENABLED=false
  api GET /api/sessions "" "$t"; assert_equal "$code" 200
  api GET "$EXTRA_URL/api/sessions" "" "$t"; assert_equal "$code" 200
  api GET "$EXTRA_URL/api/sessions" "" "$t"; assert_equal "$code" 429
  api GET /api/sessions "" "$t"; assert_equal "$code" 429
  stop_extra_gateway
}

@test "rate limit: Redis unreachable -> requests are still served and limited in memory" {
  u=$(unique rl); create_user "$u" "$PW" '{"rate_limit":2}' >/dev/null
  t=$(login "$u" "$PW")
  start_redisless_gateway
  api GET "$NR_URL/health/ready"
  assert_equal "$code $(jbody .redis)" "503 disconnected"
  api GET "$NR_URL/api/sessions" "" "$t"
  assert_equal "$code" 200
  assert_equal "$(header X-RateLimit-Limit)" 2
  api GET "$NR_URL/api/sessions" "" "$t"; assert_equal "$code" 200
  api GET "$NR_URL/api/sessions" "" "$t"
  assert_equal "$code" 429
  assert_equal "$(jbody .error)" "Rate limit exceeded"
  kill "$NR_PID"; NR_PID=
}
