#!/usr/bin/env bats
# 66-ban-signals (issue 30; docs/delivery-guarantees.md, "Ban signals and stuck messages"):
# a scripted 463 nack (the sandbox's nack route) pauses the instance with the reason in words: sends
# are refused with 423, connectionState and the health route show it, the owner resumes it. A message
# with no server ack becomes unconfirmed (an extra gateway with a 2 s timeout runs the worker on
# demand) and can be resent once. Deleting a paused instance ends its pause; deleting a user is no ban signal.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup bans
}

teardown_file() {
  upstream_api DELETE /sandbox/faults
  stop_extra_gateways
}

# drop_until_paused INSTANCE — the sandbox drops the session with 401 (a logout nobody asked for); waits
# (up to 10 s) for the open 'logout' pause it causes.
drop_until_paused() {
  upstream_api POST "/sandbox/instances/$1/drop?reason=401"
  for _ in $(seq 100); do
    [ "$(open_pause "$1")" = logout ] && break
    sleep 0.1
  done
  assert_equal "$(open_pause "$1")" logout
}

# connected_instance NAME TOKEN — creates a Baileys sandbox instance and scans it (open).
connected_instance() {
  api POST /instance/create "{\"instanceName\":\"$1\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$2"
  assert_equal "$code" 201
  api GET "/instance/connect/$1" "" "$2"
  upstream_api POST "/sandbox/instances/$1/scan"
  assert_equal "$code" 200
}

open_pause() { psql_q "select signal from send_pauses where instance_name='$1' and resumed_at is null"; }

send_text() { # NUMBER TEXT [TOKEN]
  api POST "/message/sendText/$INST" "{\"number\":\"$1\",\"text\":\"$2\"}" "${3:-$T1}"
}

@test "a scripted 463 nack pauses the instance with the reason; the owner resumes it" {
  upstream_api POST "/sandbox/instances/$INST/nack" '{"code":463}'
  assert_equal "$code" 200
  assert_equal "$(jbody .armed.code)" 463
  send_text 595981660001 'first contact'
  assert_equal "$code" 201

  # The ERROR ack reaches the gateway through the global webhook; the pause follows.
  for _ in $(seq 100); do
    [ "$(psql_q "select signal from send_pauses where instance_name='$INST' and resumed_at is null")" = nack_463 ] && break
    sleep 0.1
  done
  assert_equal "$(psql_q "select signal, code from send_pauses where instance_name='$INST' and resumed_at is null")" 'nack_463|463'

  # Refused with the reason in words (the in-memory set is refreshed at once on this process).
  for _ in $(seq 50); do send_text 595981660002 'second'; [ "$code" = 423 ] && break; sleep 0.1; done
  assert_equal "$code" 423
  [[ "$(jbody .error)" == *"error 463"*"reach-out timelock"* ]]
  assert_equal "$(jbody .paused.signal)" nack_463

  api GET "/instance/connectionState/$INST" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jbody .instance.state)" open
  assert_equal "$(jbody .instance.sendingPaused.signal)" nack_463
  [[ "$(jbody .instance.sendingPaused.reason)" == *"463"* ]]

  api GET "/api/instances/$INST/health" "" "$T3"
  assert_equal "$code" 200
  assert_equal "$(jbody .paused.signal)" nack_463
  assert_equal "$(jbody .last_ban_signal.code)" 463
  [ "$(jbody .sends_today)" -ge 1 ]

  # A grantee may look, not resume; a stranger may not look.
  api POST "/api/instances/$INST/resume-sending" "" "$T3"
  assert_equal "$code" 403
  api GET "/api/instances/$INST/health" "" "$T2"
  assert_equal "$code" 403

  api POST "/api/instances/$INST/resume-sending" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jbody .resumed)" true
  api POST "/api/instances/$INST/resume-sending" "" "$T1"
  assert_equal "$code" 409
  send_text 595981660003 'after resume'
  assert_equal "$code" 201
  api GET "/instance/connectionState/$INST" "" "$T1"
  assert_equal "$(jbody '.instance | has("sendingPaused")')" false
  api GET "/api/instances/$INST/health" "" "$T1"
  assert_equal "$(jbody .paused)" null
  assert_equal "$(jbody .last_ban_signal.signal)" nack_463
}

@test "five 4xx nacks within the window pause the instance (a repeated nack of one message counts once)" {
  ids=()
  for n in 1 2 3 4 5; do
    send_text "59598166010$n" "burst $n"
    assert_equal "$code" 201
    ids+=("$(jbody .key.id)")
  done
  # The first message nacked twice still counts once: four distinct messages, no pause.
  for id in "${ids[0]}" "${ids[0]}" "${ids[1]}" "${ids[2]}" "${ids[3]}"; do
    upstream_api POST "/sandbox/instances/$INST/nack" "{\"keyId\":\"$id\",\"code\":403,\"message\":\"forbidden\"}"
    assert_equal "$code" 200
  done
  sleep 1
  assert_equal "$(psql_q "select count(*) from send_pauses where instance_name='$INST' and resumed_at is null")" 0
  upstream_api POST "/sandbox/instances/$INST/nack" "{\"keyId\":\"${ids[4]}\",\"code\":403,\"message\":\"forbidden\"}"
  for _ in $(seq 100); do
    [ "$(psql_q "select signal from send_pauses where instance_name='$INST' and resumed_at is null")" = nack_burst ] && break
    sleep 0.1
  done
  assert_equal "$(psql_q "select signal, code from send_pauses where instance_name='$INST' and resumed_at is null")" 'nack_burst|403'
  [[ "$(psql_q "select reason from send_pauses where instance_name='$INST' and resumed_at is null")" == *"refused 5 messages in 10 min (last: error 403 (forbidden))"* ]]
  api POST "/api/instances/$INST/resume-sending" "" "$T1"
  assert_equal "$code" 200
  # The count starts again after a resume: one more nack does not pause at once.
  send_text 595981660106 'burst 6'
  upstream_api POST "/sandbox/instances/$INST/nack" "{\"keyId\":\"$(jbody .key.id)\",\"code\":403}"
  sleep 1
  assert_equal "$(psql_q "select count(*) from send_pauses where instance_name='$INST' and resumed_at is null")" 0
}

@test "a logout nobody asked for pauses; a logout through the API does not" {
  drop_until_paused "$INST"
  api POST "/api/instances/$INST/resume-sending" "" "$T1"
  assert_equal "$code" 200

  upstream_api POST "/sandbox/instances/$INST/scan"
  api DELETE "/instance/logout/$INST" "" "$T1"
  assert_equal "$code" 200
  sleep 1
  assert_equal "$(psql_q "select count(*) from send_pauses where instance_name='$INST' and resumed_at is null")" 0
  api GET "/instance/connect/$INST" "" "$T1"
  upstream_api POST "/sandbox/instances/$INST/scan"
  assert_equal "$code" 200
}

@test "deleting a paused instance ends its pause (a new one of the same name sends); deleting a user is no ban signal" {
  local name owner ot uid ut other
  name=$(unique delp) owner=$(unique delo)
  create_user "$owner" "$PW" '{"max_instances":3}' >/dev/null
  ot=$(login "$owner" "$PW")
  connected_instance "$name" "$ot"
  drop_until_paused "$name"
  api DELETE "/instance/delete/$name" "" "$ot"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select count(*) from send_pauses where instance_name='$name' and resumed_at is null")" 0
  # The same name again: a new number, not paused.
  connected_instance "$name" "$ot"
  send_to() { api POST "/message/sendText/$name" '{"number":"595981660091","text":"new number"}' "$ot"; }
  for _ in $(seq 50); do send_to; [ "$code" = 201 ] && break; sleep 0.1; done
  assert_equal "$code" 201

  # A user deleted with a connected instance: its logout is announced, so no pause is opened.
  other=$(unique delu)
  uid=$(create_user "$other" "$PW")
  ut=$(login "$other" "$PW")
  connected_instance "${other}i" "$ut"
  api DELETE "/admin/users/$uid" "" "$(admin_token)"
  assert_equal "$code" 200
  sleep 2
  assert_equal "$(psql_q "select count(*) from send_pauses where instance_name='${other}i'")" 0
}

@test "a message with no server ack becomes unconfirmed (2 s timeout) and can be resent once" {
  start_extra_gateway STUCK_MESSAGE_TIMEOUT_SECONDS=2 WORKERS_ENABLED=false
  # No automatic acks for this one message (the fault is global: cleared at once).
  upstream_api PUT /sandbox/faults '{"holdAcks":true}'
  send_text 595981660004 'stuck here'
  c=$code b=$body
  upstream_api DELETE /sandbox/faults
  code=$c body=$b
  assert_equal "$code" 201
  wa=$(jbody .key.id)
  for _ in $(seq 50); do [ -n "$(psql_q "select id from message_logs where wa_message_id='$wa'")" ] && break; sleep 0.1; done
  id=$(psql_q "select id from message_logs where wa_message_id='$wa'")
  [ -n "$id" ]
  assert_equal "$(psql_q "select status, server_ack_at is null from message_logs where id=$id")" 'sent|t'

  # A resend before it is unconfirmed is refused.
  api POST "/api/messages/log/$id/resend" "" "$T1"
  assert_equal "$code" 409

  sleep 2.5
  api POST "$EXTRA_URL/admin/workers/stuck-messages/run" "" "$(admin_token)"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select status from message_logs where id=$id")" unconfirmed

  api GET "/api/instances/$INST/health" "" "$T1"
  [ "$(jbody .unconfirmed)" -ge 1 ]
  api GET /api/user/dashboard "" "$T1"
  [ "$(jbody .unconfirmed)" -ge 1 ]

  # Someone else's message: not found. Then the owner resends it, once.
  api POST "/api/messages/log/$id/resend" "" "$T2"
  assert_equal "$code" 404
  api POST "/api/messages/log/$id/resend" "" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jbody .status)" sent
  key=$(jbody .log_key)
  [ "$(jbody .wa_message_id)" != "$wa" ]
  api POST "/api/messages/log/$id/resend" "" "$T1"
  assert_equal "$code" 409
  [[ "$(jbody .error)" == *"already resent"* ]]
  assert_equal "$(psql_q "select resent_log_key from message_logs where id=$id")" "$key"
  for _ in $(seq 50); do [ -n "$(psql_q "select id from message_logs where log_key='$key'")" ] && break; sleep 0.1; done
  assert_equal "$(psql_q "select phone_number, message_text from message_logs where log_key='$key'")" '595981660004|stuck here'
}
