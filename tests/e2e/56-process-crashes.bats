#!/usr/bin/env bats
# 56-process-crashes: no crash stops a service. The gateway (GATEWAY_WORKERS=1) and the upstream each run
# a node:cluster primary that re-forks a worker killed with kill -9 on the same port (the primary stays
# up; the gateway's replacement logs and alerts); SIGTERM to a primary stops it and its worker, leaving
# no process. Runs on its own upstream + gateway pair (scripts/pair-extra.ts), since it kills them.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export RECV_OUT="$BATS_FILE_TMPDIR/alerts.jsonl"
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/webhook-receiver.ts "$RECV_OUT" "$BATS_FILE_TMPDIR/recv.port") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/recv.pid"
  for _ in $(seq 100); do [ -s "$BATS_FILE_TMPDIR/recv.port" ] && break; sleep 0.1; done
  local hook="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/recv.port")/alerts"

  export PAIR_STATE="$BATS_FILE_TMPDIR/pair.env"
  # 3>&-: the pair's processes must not inherit bats' output descriptor (bats would wait for them).
  export PAIR_GW=$(cd "$REPO_ROOT" && node --import tsx scripts/pair-extra.ts start "$PAIR_STATE" 3>&- \
    GATEWAY_WORKERS=1 "ALERT_WEBHOOK_URL=$hook" ALERT_COOLDOWN_SECONDS=0)
  [ -n "$PAIR_GW" ] || return 1
  export PAIR_UP=$(sed -n "s/^UPSTREAM_URL='\(.*\)'$/\1/p" "$PAIR_STATE")
  export GW_PID=$(sed -n "s/^GATEWAY_PID='\(.*\)'$/\1/p" "$PAIR_STATE")
  export UP_PID=$(sed -n "s/^UPSTREAM_PID='\(.*\)'$/\1/p" "$PAIR_STATE")

  export U1=$(unique crash)
  create_user "$U1" "$PW" >/dev/null
  export T1=$(login "$U1" "$PW")
  export INST=$(unique crashi)
}

teardown_file() {
  [ -n "${PAIR_STATE:-}" ] && (cd "$REPO_ROOT" && node --import tsx scripts/pair-extra.ts stop "$PAIR_STATE")
  kill "$(cat "$BATS_FILE_TMPDIR/recv.pid")" 2>/dev/null || true
  return 0
}

# only_child PID — the single node child of PID (tsx may add an esbuild child) (fails unless there is exactly one).
only_child() {
  local kids
  kids=$(pgrep -x node -P "$1")
  [ "$(printf '%s\n' "$kids" | grep -c .)" = 1 ] || { echo "children of $1: '$kids'" >&2; return 1; }
  printf '%s\n' "$kids"
}

# wait_for_new_child PID OLD — waits (up to 15 s) for PID to have one child other than OLD; prints it.
wait_for_new_child() {
  local kid
  for _ in $(seq 150); do
    kid=$(pgrep -x node -P "$1" || true)
    [ -n "$kid" ] && [ "$kid" != "$2" ] && { printf '%s\n' "$kid"; return 0; }
    sleep 0.1
  done
  echo "no new child of $1 (old $2)" >&2
  return 1
}

alerts_matching() { [ -f "$RECV_OUT" ] && jq -r '.body | fromjson | .text' "$RECV_OUT" | grep -cF -- "$1" || true; }

@test "gateway, one worker: kill -9 of the worker -> re-forked, the port answers /health again, primary alive, alerted" {
  api GET "$PAIR_GW/health"
  assert_equal "$code" 200
  worker=$(only_child "$GW_PID")
  [ "$worker" != "$GW_PID" ]

  kill -9 "$worker"
  killed_at=$(date +%s%N)
  answered=
  for _ in $(seq 150); do
    api GET "$PAIR_GW/health"
    [ "$code" = 200 ] && { answered=$(date +%s%N); break; }
    sleep 0.1
  done
  [ -n "$answered" ] || fail "/health did not answer again within 15 s (last: $code)"
  echo "# /health answered again $(( (answered - killed_at) / 1000000 )) ms after kill -9" >&3
  kill -0 "$GW_PID"
  replacement=$(only_child "$GW_PID")
  [ "$replacement" != "$worker" ]

  # The replacement's alert (the primary has no webhook client): which worker died, how, what replaced it.
  for _ in $(seq 50); do [ "$(alerts_matching "worker 1 (pid $worker) died (signal SIGKILL)")" -ge 1 ] && break; sleep 0.1; done
  assert_equal "$(alerts_matching "Service DOWN: gateway worker - worker 1 (pid $worker) died (signal SIGKILL); restarted as pid $replacement")" 1

  # Authenticated traffic works on the replacement (sessions live in Redis/PostgreSQL).
  api GET "$PAIR_GW/api/auth/me" "" "$T1"
  assert_equal "$code" 200
}

@test "upstream: kill -9 of its worker -> re-forked on the same port, the sandbox instance resumes and sends" {
  api POST "$PAIR_GW/instance/create" "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  assert_equal "$code" 201
  api GET "$PAIR_GW/instance/connect/$INST" "" "$T1"
  UPSTREAM_URL=$PAIR_UP upstream_api POST "/sandbox/instances/$INST/scan"
  assert_equal "$code" 200
  api POST "$PAIR_GW/message/sendText/$INST" '{"number":"595981000001","text":"before the crash"}' "$T1"
  assert_equal "$code" 201

  worker=$(only_child "$UP_PID")
  kill -9 "$worker"
  replacement=$(wait_for_new_child "$UP_PID" "$worker")
  for _ in $(seq 150); do
    UPSTREAM_URL=$PAIR_UP upstream_api GET /instance/fetchInstances
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  assert_equal "$code" 200
  kill -0 "$UP_PID"
  # The replacement resumed the open instance (its creds are in PostgreSQL).
  for _ in $(seq 100); do
    api GET "$PAIR_GW/instance/connectionState/$INST" "" "$T1"
    [ "$(jbody '.instance.state // .state')" = open ] && break
    sleep 0.1
  done
  assert_equal "$(jbody '.instance.state // .state')" open
  api POST "$PAIR_GW/message/sendText/$INST" '{"number":"595981000001","text":"after the crash"}' "$T1"
  assert_equal "$code" 201
  [ "$(only_child "$UP_PID")" = "$replacement" ]
}

@test "SIGTERM to a primary stops its worker and itself: no process left, nothing re-forked" {
  gw_worker=$(only_child "$GW_PID")
  up_worker=$(only_child "$UP_PID")
  kill -TERM "$GW_PID" "$UP_PID"
  for _ in $(seq 200); do
    left=0
    for p in "$GW_PID" "$gw_worker" "$UP_PID" "$up_worker"; do kill -0 "$p" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for p in "$GW_PID" "$gw_worker" "$UP_PID" "$up_worker"; do
    run kill -0 "$p"
    [ "$status" -ne 0 ] || fail "pid $p still running after SIGTERM"
  done
  api GET "$PAIR_GW/health"
  assert_equal "$code" 000
}
