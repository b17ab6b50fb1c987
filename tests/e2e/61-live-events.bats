#!/usr/bin/env bats
# The panel's live stream (GET /api/events, Server-Sent Events): opened with a one-time ticket from
# POST /api/events/ticket, never with the session token in the URL; a sandbox scan that links an
# instance reaches its owner's stream (on this gateway and on another replica, through Redis) as an
# instance.state event, and never a stranger's; so do a create, a logout and a delete through the API
# (instance.created, instance.state close, instance.deleted).
load helpers

setup_file() {
  export PW=Passw0rd_Ok
  export OWNER STRANGER T_OWNER T_STRANGER INST
  OWNER=$(unique live) STRANGER=$(unique live2)
  create_user "$OWNER" "$PW" '{"max_instances":3}' >/dev/null && create_user "$STRANGER" "$PW" >/dev/null
  T_OWNER=$(login "$OWNER" "$PW") && T_STRANGER=$(login "$STRANGER" "$PW")
  INST=$(unique livei)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T_OWNER"
  [ "$code" = 201 ] || { echo "instance create: $code $body" >&2; return 1; }
}

teardown_file() {
  stop_extra_gateways
}

teardown() {
  local p
  for p in "${STREAMS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
}

# ticket TOKEN [BASE] — prints a fresh ticket.
ticket() {
  api POST "${2:-$GATEWAY_URL}/api/events/ticket" "" "$1"
  [ "$code" = 201 ] || { echo "ticket: $code $body" >&2; return 1; }
  jbody .ticket
}

# stream FILE TICKET [BASE] — curl -N the stream into FILE in the background (pid appended to STREAMS).
STREAMS=()
stream() {
  curl -sS -N --max-time 30 "${3:-$GATEWAY_URL}/api/events?ticket=$2" >"$1" 2>/dev/null &
  STREAMS+=($!)
}

# wait_for FILE PATTERN — up to 10 s for PATTERN (grep -E) to appear in FILE.
wait_for() {
  local i
  for i in $(seq 1 100); do
    grep -Eq "$2" "$1" && return 0
    sleep 0.1
  done
  echo "not found in $1: $2" >&2
  cat "$1" >&2
  return 1
}

@test "without a ticket, with a bad or a used one: no stream" {
  api GET /api/events
  assert_equal "$code" 401
  assert_equal "$(jbody .error)" 'A ticket is required: POST /api/events/ticket first'
  api GET '/api/events?ticket=abc'
  assert_equal "$code" 400
  api POST /api/events/ticket
  assert_equal "$code" 401
  t=$(ticket "$T_OWNER")
  f="$BATS_TEST_TMPDIR/once"
  stream "$f" "$t"
  wait_for "$f" '^event: ready'
  api GET "/api/events?ticket=$t"
  assert_equal "$code" 401
  assert_equal "$(jbody .error)" 'Invalid or expired ticket'
}

@test "the sandbox scan reaches the owner's streams on both replicas as instance.state open, not a stranger's" {
  start_extra_gateway WORKERS_ENABLED=false
  own="$BATS_TEST_TMPDIR/owner" other="$BATS_TEST_TMPDIR/owner-extra" str="$BATS_TEST_TMPDIR/stranger"
  stream "$own" "$(ticket "$T_OWNER")"
  stream "$other" "$(ticket "$T_OWNER" "$EXTRA_URL")" "$EXTRA_URL"
  stream "$str" "$(ticket "$T_STRANGER")"
  for f in "$own" "$other" "$str"; do wait_for "$f" '^event: ready'; done
  sleep 0.5
  api GET "/instance/connect/$INST" "" "$T_OWNER"
  assert_equal "$code" 200
  upstream_api POST "/sandbox/instances/$INST/scan"
  assert_equal "$code" 200
  wait_for "$own" "^data: \\{\"type\":\"instance.state\",\"instance\":\"$INST\",\"state\":\"open\",\"number\":\"[0-9]+\""
  wait_for "$other" "\"instance\":\"$INST\",\"state\":\"open\""
  sleep 0.5
  run grep -c "$INST" "$str"
  assert_output 0
}

@test "a create, a logout and a delete through the API reach the owner's stream, not a stranger's" {
  own="$BATS_TEST_TMPDIR/owner-list" str="$BATS_TEST_TMPDIR/stranger-list"
  stream "$own" "$(ticket "$T_OWNER")"
  stream "$str" "$(ticket "$T_STRANGER")"
  for f in "$own" "$str"; do wait_for "$f" '^event: ready'; done
  sleep 0.5
  name=$(unique livec)
  api POST /instance/create "{\"instanceName\":\"$name\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T_OWNER"
  assert_equal "$code" 201
  wait_for "$own" "^data: \\{\"type\":\"instance.created\",\"instance\":\"$name\"\\}"
  api GET "/instance/connect/$name" "" "$T_OWNER"
  upstream_api POST "/sandbox/instances/$name/scan"
  wait_for "$own" "\"instance\":\"$name\",\"state\":\"open\""
  api DELETE "/instance/logout/$name" "" "$T_OWNER"
  assert_equal "$code" 200
  wait_for "$own" "^data: \\{\"type\":\"instance.state\",\"instance\":\"$name\",\"state\":\"close\""
  api DELETE "/instance/delete/$name" "" "$T_OWNER"
  assert_equal "$code" 200
  wait_for "$own" "^data: \\{\"type\":\"instance.deleted\",\"instance\":\"$name\"\\}"
  sleep 0.5
  run grep -c "$name" "$str"
  assert_output 0
}

@test "a scheduled send reports its progress and its message ticks on the owner's stream" {
  own="$BATS_TEST_TMPDIR/owner-job"
  stream "$own" "$(ticket "$T_OWNER")"
  wait_for "$own" '^event: ready'
  api GET "/instance/connectionState/$INST" "" "$T_OWNER"
  if [ "$(jbody .instance.state)" != open ]; then
    api GET "/instance/connect/$INST" "" "$T_OWNER"
    upstream_api POST "/sandbox/instances/$INST/scan"
  fi
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[\"595989058001\"],\"message_content\":\"live ticks\",\"scheduled_at\":\"now\"}" "$T_OWNER"
  assert_equal "$code" 201
  id=$(jbody .message.id)
  wait_for "$own" "^data: \\{\"type\":\"job.progress\",\"instance\":\"$INST\",\"jobId\":$id,\"status\":\"processing\",\"sent\":1,\"failed\":0,\"total\":1\\}"
  row=$(psql_q "select id from message_logs where scheduled_message_id=$id")
  wait_for "$own" "^data: \\{\"type\":\"message.status\",\"instance\":\"$INST\",\"id\":$row,.*\"status\":\"(delivered|read)\""
}
