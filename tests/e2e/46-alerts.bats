#!/usr/bin/env bats
# 46-alerts: ALERT_WEBHOOK_URL receives Slack/Discord/Teams-compatible JSON when a service goes down or
# recovers (uptime job), when the breaker opens, and when a backup fails; one alert per kind per
# ALERT_COOLDOWN_SECONDS. Receiver: tests/support/webhook-receiver.ts.

load helpers

setup_file() {
  export T=$(admin_token)
  export RECV_OUT="$BATS_FILE_TMPDIR/alerts.jsonl"
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/webhook-receiver.ts "$RECV_OUT" "$BATS_FILE_TMPDIR/recv.port") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/recv.pid"
  for _ in $(seq 100); do [ -s "$BATS_FILE_TMPDIR/recv.port" ] && break; sleep 0.1; done
  export HOOK="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/recv.port")/alerts"
  # A port nothing listens on: the "upstream" of the broken gateway.
  export DEAD="http://127.0.0.1:$(cd "$REPO_ROOT" && node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')"
}

teardown_file() {
  stop_extra_gateways
  kill "$(cat "$BATS_FILE_TMPDIR/recv.pid")" 2>/dev/null || true
}

# alerts_matching TEXT — how many received alerts have TEXT in their `text`.
alerts_matching() { jq -r '.body | fromjson | .text' "$RECV_OUT" | grep -cF -- "$1" || true; }

wait_alerts() {
  for _ in $(seq 50); do [ "$(alerts_matching "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  return 0
}

@test "uptime: down then recovered alerts with the shared payload; cooldown suppresses the repeat" {
  start_extra_gateway "ALERT_WEBHOOK_URL=$HOOK" ALERT_COOLDOWN_SECONDS=120 "UPSTREAM_URL=$DEAD" WORKERS_ENABLED=false >/dev/null
  broken=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$EXTRA_STATE")
  start_extra_gateway "ALERT_WEBHOOK_URL=$HOOK" ALERT_COOLDOWN_SECONDS=120 WORKERS_ENABLED=false >/dev/null
  healthy=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$EXTRA_STATE")

  api POST /admin/workers/uptime/run "" "$T" # baseline: everything operational
  api POST "$broken/admin/workers/uptime/run" "" "$T"
  assert_equal "$(jbody .run.outcome)" ok
  [[ "$(jbody '.run.summary.transitions | join(",")')" == *'Evolution API:down'* ]]
  wait_alerts 'Service DOWN: Evolution API' 1
  assert_equal "$(alerts_matching 'Service DOWN: Evolution API')" 1
  line=$(jq -c 'select((.body | fromjson | .text) | contains("Service DOWN: Evolution API")) | .body | fromjson' "$RECV_OUT" | head -1)
  assert_equal "$(jq -r .username <<<"$line")" 'TAGUATO-SEND Alerts'
  assert_equal "$(jq -r .content <<<"$line")" "$(jq -r .text <<<"$line")"
  [[ "$(jq -r .text <<<"$line")" == '[TAGUATO-SEND] Service DOWN: Evolution API - major_outage'* ]]
  assert_equal "$(jq -r '.embeds[0].title' <<<"$line")" 'Service DOWN: Evolution API'
  assert_equal "$(jq -r '.embeds[0].color' <<<"$line")" 14495300

  api POST "$healthy/admin/workers/uptime/run" "" "$T"
  wait_alerts 'Service RECOVERED: Evolution API' 1
  assert_equal "$(alerts_matching 'Service RECOVERED: Evolution API')" 1

  # Down again within the cooldown: no second alert.
  api POST "$broken/admin/workers/uptime/run" "" "$T"
  [[ "$(jbody '.run.summary.transitions | join(",")')" == *'Evolution API:down'* ]]
  sleep 1
  assert_equal "$(alerts_matching 'Service DOWN: Evolution API')" 1
  api POST /admin/workers/uptime/run "" "$T" # leave the history operational for later files
}

@test "breaker: opening alerts once" {
  start_extra_gateway "ALERT_WEBHOOK_URL=$HOOK" ALERT_COOLDOWN_SECONDS=120 "UPSTREAM_URL=$DEAD" BREAKER_THRESHOLD=2 WORKERS_ENABLED=false >/dev/null
  gw=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$EXTRA_STATE")
  for i in 1 2 3 4; do api GET "$gw/instance/fetchInstances" "" "$T"; done
  assert_equal "$code" 503
  wait_alerts 'Circuit Breaker OPEN' 1
  assert_equal "$(alerts_matching 'Circuit Breaker OPEN')" 1
  line=$(jq -c 'select((.body | fromjson | .text) | contains("Circuit Breaker OPEN")) | .body | fromjson' "$RECV_OUT" | head -1)
  assert_equal "$(jq -r '.embeds[0].title' <<<"$line")" 'Circuit Breaker OPEN'
}

@test "backup failure alerts" {
  start_extra_gateway "ALERT_WEBHOOK_URL=$HOOK" BACKUP_DIR=/dev/null/cannot WORKERS_ENABLED=false >/dev/null
  gw=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$EXTRA_STATE")
  api POST "$gw/admin/backup" "" "$T"
  assert_equal "$code" 500; assert_equal "$(jbody .error)" 'Backup failed'
  wait_alerts 'Backup FAILED' 1
  assert_equal "$(alerts_matching 'Backup FAILED')" 1
}
