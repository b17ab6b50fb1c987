#!/usr/bin/env bats
# 36-exactly-once: D12. Two extra gateways run the scheduled worker every second on the same database;
# a 50-recipient message reaches every recipient exactly once. Then the gateway holding the message is
# SIGKILLed mid-run and started again: the lease expires, a survivor resumes, and still every recipient
# has exactly one message, none lost (sandbox /sandbox/messages is the witness).

load helpers

PW='Passw0rd_Ok'
WORKER_ENV=(SCHEDULED_PACING_MS=100 'SCHEDULED_CRON=* * * * * *' SCHEDULED_LEASE_SECONDS=3)

setup_file() {
  export U1=$(unique eo)
  create_user "$U1" "$PW" '{"max_instances":3}' >/dev/null
  export T1=$(login "$U1" "$PW")
  export INST=$(unique eoi) INSTK=$(unique eok)
  for i in "$INST" "$INSTK"; do
    api POST /instance/create "{\"instanceName\":\"$i\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
    upstream_api POST "/sandbox/instances/$i/scan"
  done
  start_extra_gateway "${WORKER_ENV[@]}" >/dev/null
  echo "$EXTRA_PID" >"$BATS_FILE_TMPDIR/a.pid"
  start_extra_gateway "${WORKER_ENV[@]}" >/dev/null
  echo "$EXTRA_PID" >"$BATS_FILE_TMPDIR/b.pid"
}

teardown_file() {
  stop_extra_gateways
}

recipients() { jq -nc --arg p "$1" '[range(10; 60) | "\($p)\(.)"]'; }

# schedule_soon INSTANCE PREFIX — 50 recipients, due in 2 s (not "now": no nudge, the cron picks it up).
schedule_soon() {
  local at
  at=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
  api POST /api/scheduled "{\"instance_name\":\"$1\",\"recipients\":$(recipients "$2"),\"message_content\":\"once\",\"scheduled_at\":\"$at\"}" "$T1"
  [ "$code" = 201 ] || { echo "$code $body" >&2; return 1; }
  jbody .message.id
}

wait_done() { # ID SECONDS
  for _ in $(seq $(($2 * 5))); do
    [ "$(psql_q "select status from scheduled_messages where id=$1")" = completed ] && return 0
    sleep 0.2
  done
  echo "not completed: $(psql_q "select status, lease_owner, results from scheduled_messages where id=$1")" >&2
  return 1
}

# assert_once INSTANCE PREFIX — the sandbox received exactly one message for each of the 50 numbers.
assert_once() {
  upstream_api GET "/sandbox/messages?instance=$1"
  assert_equal "$(jq -c '[.messages[].number] | group_by(.) | map(length) | unique' <<<"$body")" '[1]'
  assert_equal "$(jq -c '[.messages[].number] | unique' <<<"$body")" "$(recipients "$2" | jq -c 'sort')"
}

@test "two replicas, 50 recipients: every recipient exactly once" {
  id=$(schedule_soon "$INST" 5959870000)
  wait_done "$id" 60
  assert_once "$INST" 5959870000
  assert_equal "$(psql_q "select count(*), count(distinct phone_number) from message_logs where scheduled_message_id=$id and status <> 'failed'")" '50|50'
  assert_equal "$(psql_q "select results->>'total', results->>'sent', results->>'failed' from scheduled_messages where id=$id")" '50|50|0'
}

@test "SIGKILL mid-run, restart: the lease expires, another worker resumes, still exactly once" {
  id=$(schedule_soon "$INSTK" 5959880000)
  owner=''
  for _ in $(seq 150); do
    owner=$(psql_q "select lease_owner from scheduled_messages where id=$id and status='processing'")
    done_n=$(psql_q "select count(*) from message_logs where scheduled_message_id=$id")
    [ -n "$owner" ] && [ "$done_n" -ge 8 ] && break
    sleep 0.1
  done
  [ -n "$owner" ]
  pid=$(cut -d: -f2 <<<"$owner")
  a=$(cat "$BATS_FILE_TMPDIR/a.pid") b=$(cat "$BATS_FILE_TMPDIR/b.pid")
  # The lease names a worker process; an extra gateway's pid is its cluster primary (kill -9 of the
  # worker: the primary re-forks it, and the lease still has to expire before anyone resumes).
  parent=$(ps -o ppid= -p "$pid" | tr -d ' ')
  if [ "$parent" != "$a" ] && [ "$parent" != "$b" ]; then
    wait_done "$id" 60
    assert_once "$INSTK" 5959880000
    skip "the main gateway's minute tick took the message; nothing of ours to kill"
  fi
  kill -9 "$pid"
  before=$(psql_q "select count(*) from message_logs where scheduled_message_id=$id")
  [ "$before" -lt 50 ]
  start_extra_gateway "${WORKER_ENV[@]}" >/dev/null
  wait_done "$id" 90
  new_owner_runs=$(psql_q "select count(*) from message_logs where scheduled_message_id=$id")
  assert_equal "$new_owner_runs" 50
  assert_once "$INSTK" 5959880000
  assert_equal "$(psql_q "select count(distinct phone_number) from message_logs where scheduled_message_id=$id and status in ('sent','delivered','read')")" 50
  assert_equal "$(psql_q "select results->>'total', results->>'sent', results->>'failed' from scheduled_messages where id=$id")" '50|50|0'
}
