#!/usr/bin/env bats
# 47-health-detailed: GET /health/detailed (D15, docs/decisions.md#d15): dependencies with latency, breaker state, each job's
# last run, process facts; admin only.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export T=$(admin_token)
}

teardown_file() {
  stop_extra_gateways
}

@test "health/detailed: admin only" {
  api GET /health/detailed
  assert_equal "$code" 401
  u=$(unique hd)
  create_user "$u" "$PW" >/dev/null
  api GET /health/detailed "" "$(login "$u" "$PW")"
  assert_equal "$code" 403
}

@test "health/detailed: dependencies, breaker, workers with last runs, process" {
  api POST /admin/workers/cleanup/run "" "$T"
  api GET /health/detailed "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .status)" ok
  for d in database redis upstream; do
    assert_equal "$(jbody ".dependencies.$d.status")" up
    [ "$(jbody ".dependencies.$d.latency_ms | type")" = number ]
  done
  assert_equal "$(jbody .breaker.state)" closed
  [ "$(jbody ".breaker.threshold | type")" = number ]
  assert_equal "$(jbody '.workers[] | select(.name=="cleanup") | .last_run.outcome')" ok
  [ "$(jbody '.workers[] | select(.name=="cleanup") | .last_run.duration_ms | type')" = number ]
  assert_equal "$(jbody '[.workers[].name] | map(select(. == "uptime" or . == "reconnect" or . == "purge" or . == "backup")) | length')" 4
  [ "$(jbody .process.uptime_seconds)" -ge 0 ]
  [ "$(jbody ".process.memory_mb.rss | type")" = number ]
}

@test "health/detailed: a dead upstream shows as down and the gateway as degraded" {
  port=$(cd "$REPO_ROOT" && node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
  start_extra_gateway "UPSTREAM_URL=http://127.0.0.1:$port" WORKERS_ENABLED=false >/dev/null
  gw=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$EXTRA_STATE")
  api GET "$gw/health/detailed" "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .dependencies.upstream.status)" down
  [ -n "$(jbody .dependencies.upstream.error)" ]
  assert_equal "$(jbody .status)" degraded
}
