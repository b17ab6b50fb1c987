#!/usr/bin/env bats
# 50-scale-out: GATEWAY_WORKERS=2 (node:cluster) — two processes on one port share the per-user rate
# limit (D8, docs/decisions.md#d8), see a revocation made by the other on the very next request (D5, docs/decisions.md#d5), and run each job tick
# once (D12, docs/decisions.md#d12). X-Served-By (EXPOSE_WORKER_ID=1) tells which process answered.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  # One clustered gateway for the whole file: booting it costs seconds. Per-second heartbeat job.
  start_extra_gateway GATEWAY_WORKERS=2 EXPOSE_WORKER_ID=1 WORKERS_ENABLED=true HEARTBEAT_CRON='* * * * * *' \
    METRICS_TOKEN=scale-metrics-token >/dev/null
  export CLUSTER_URL=$EXTRA_URL CLUSTER_PID=$EXTRA_PID
}

teardown_file() {
  stop_extra_gateways
}

# served_by — the pid that answered the last api call.
served_by() { header X-Served-By; }

@test "GATEWAY_WORKERS=2: two worker processes answer on one port, neither is the primary" {
  pids=()
  for _ in 1 2 3 4 5 6; do
    api GET "$CLUSTER_URL/health/live"
    assert_equal "$code" 200
    pids+=("$(served_by)")
  done
  distinct=$(printf '%s\n' "${pids[@]}" | sort -u | grep -c .)
  assert_equal "$distinct" 2
  for p in "${pids[@]}"; do [ "$p" != "$CLUSTER_PID" ]; done
}

@test "rate limit 10: of 11 requests spread over both workers, the 11th is 429" {
  name=$(unique scale)
  create_user "$name" "$PW" '{"rate_limit":10}' >/dev/null
  token=$(login "$name" "$PW")
  pids=()
  for i in $(seq 1 10); do
    api GET "$CLUSTER_URL/api/templates" "" "$token"
    assert_equal "$code" 200
    assert_equal "$(header X-RateLimit-Remaining)" $((10 - i))
    pids+=("$(served_by)")
  done
  assert_equal "$(printf '%s\n' "${pids[@]}" | sort -u | grep -c .)" 2
  api GET "$CLUSTER_URL/api/templates" "" "$token"
  assert_equal "$code" 429
  assert_equal "$(jbody .error)" "Rate limit exceeded"
  assert_equal "$(jbody .limit)" 10
  [ -n "$(header Retry-After)" ]
}

@test "a session revoked through one worker is refused by the other on the very next request" {
  name=$(unique scale)
  create_user "$name" "$PW" >/dev/null
  token=$(login "$name" "$PW")
  # Warm both workers: each has seen (and may have cached) this session.
  seen=()
  for _ in 1 2 3 4; do
    api GET "$CLUSTER_URL/api/templates" "" "$token"
    assert_equal "$code" 200
    seen+=("$(served_by)")
  done
  assert_equal "$(printf '%s\n' "${seen[@]}" | sort -u | grep -c .)" 2
  api POST "$CLUSTER_URL/api/auth/logout" "" "$token"
  assert_equal "$code" 200
  revoker=$(served_by)
  others=0
  for _ in 1 2; do
    api GET "$CLUSTER_URL/api/templates" "" "$token"
    assert_equal "$code" 401
    [ "$(served_by)" != "$revoker" ] && others=$((others + 1))
  done
  [ "$others" -ge 1 ]
  # And by the stack's own gateway, a separate process with its own caches.
  api GET /api/templates "" "$token"
  assert_equal "$code" 401
}

@test "a per-second job runs once per tick across both workers" {
  sleep 5
  rows=$(psql_q "select count(*) from job_runs where job = 'heartbeat' and started_at > now() - interval '4 seconds'")
  [ "$rows" -ge 3 ]
  # Each tick claimed once (primary key), and executed once: the job counts its executions per tick.
  assert_equal "$(psql_q "select count(*) from job_runs where job = 'heartbeat' and coalesce((summary->>'executions')::int, 1) <> 1")" 0
  assert_equal "$(psql_q "select count(*) from job_runs where job = 'heartbeat' and outcome = 'failed'")" 0
  # The primary never runs jobs: every claim comes from a worker process.
  assert_equal "$(psql_q "select count(*) from job_runs where job = 'heartbeat' and owner like '%:$CLUSTER_PID'")" 0
}

# live_count — (in a subshell) taguato_http_requests_total for GET /health/live 200, aggregated over the workers.
live_count() {
  API_EXTRA_ARGS=(-H 'Authorization: Bearer scale-metrics-token')
  api GET "$CLUSTER_URL/metrics"
  API_EXTRA_ARGS=()
  awk '/^taguato_http_requests_total\{family="\/health\/live",method="GET",status="200"\}/ { print $2 }' <<<"$body" | grep . || echo 0
}

@test "/metrics on a cluster aggregates every worker's counters; 401 without the token" {
  api GET "$CLUSTER_URL/metrics"
  assert_equal "$code" 401
  before=$(live_count)
  pids=()
  for _ in 1 2 3 4 5 6; do
    api GET "$CLUSTER_URL/health/live"
    pids+=("$(served_by)")
  done
  assert_equal "$(printf '%s\n' "${pids[@]}" | sort -u | grep -c .)" 2
  after=$(live_count)
  assert_equal "$((after - before))" 6
}

@test "GET /api/openapi.json is an OpenAPI 3.1.0 JSON document" {
  api GET /api/openapi.json
  assert_equal "$code" 200
  assert_equal "$(jbody .openapi)" "3.1.0"
  assert_equal "$(jbody '.paths["/api/auth/login"].post | has("requestBody")')" true
  assert_equal "$(jbody '.paths["/message/sendText/{instance}"].post["x-proxied"]')" true
}
