#!/usr/bin/env bats
# 65-queued-sends: queued sends (`X-Send-Mode: queue`) and per-instance send budgets
# (docs/delivery-guarantees.md#queued-sends-and-budgets). Queued sends to an instance that connects
# later are all delivered, in order, once; a budget of 5 a minute delays the 6th queued send and refuses
# a synchronous 6th with 429 + Retry-After; a gateway restart between the 202s and the delivery loses
# none. Every test uses its own instances (the main gateway's workers may drain them too: same DB).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export QU QT
  QU=$(unique queued)
  create_user "$QU" "$PW" '{"max_instances":20}' >/dev/null
  QT=$(login "$QU" "$PW")
}

teardown_file() {
  stop_extra_gateways
}

# A failed test must not leave its forced upstream answers on for the next.
teardown() {
  [[ "$BATS_TEST_DESCRIPTION" == *504* ]] && upstream_api DELETE /sandbox/faults
  return 0
}

# new_instance [scan] — creates a Baileys sandbox instance of the file's user (connected with `scan`); prints its name.
new_instance() {
  local name
  name=$(unique qi)
  api POST /instance/create "{\"instanceName\":\"$name\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$QT"
  [ "$code" = 201 ] || { echo "instance create: $code $body" >&2; return 1; }
  [ "${1:-}" = scan ] && connect "$name"
  echo "$name"
}

connect() {
  api GET "/instance/connect/$1" "" "$QT"
  upstream_api POST "/sandbox/instances/$1/scan"
  [ "$code" = 200 ] || { echo "scan: $code $body" >&2; return 1; }
}

# qsend INSTANCE N [BASE_URL] — queued sendText "q N" to 59598765430N.
qsend() {
  API_EXTRA_ARGS=(-H 'X-Send-Mode: queue')
  api POST "${3:-$GATEWAY_URL}/message/sendText/$1" "{\"number\":\"59598765430$2\",\"text\":\"q $2\"}" "$QT"
  API_EXTRA_ARGS=()
}

# wait_status INSTANCE STATUS COUNT SECONDS — until COUNT queued_sends rows of INSTANCE have STATUS.
wait_status() {
  local i n
  for ((i = 0; i < $4 * 2; i++)); do
    n=$(psql_q "select count(*) from queued_sends where instance_name = '$1' and status = '$2'")
    [ "$n" -ge "$3" ] && return 0
    sleep 0.5
  done
  echo "only $n rows $2 on $1 after $4 s: $(psql_q "select seq, status, attempts, last_error from queued_sends where instance_name = '$1' order by seq")" >&2
  return 1
}

# sandbox_texts INSTANCE — the texts the sandbox accepted on INSTANCE, oldest first, comma-separated.
sandbox_texts() {
  upstream_api GET "/sandbox/messages?instance=$1"
  jbody '[.messages[].payload.text] | join(",")'
}

@test "queued sends to an instance that connects 10 s later are all delivered in order" {
  inst=$(new_instance)
  ids=()
  for n in 1 2 3 4 5; do
    qsend "$inst" "$n"
    assert_equal "$code" 202
    assert_equal "$(jbody .status)" queued
    assert_equal "$(jbody .key.fromMe)" true
    ids+=("$(jbody .key.id)")
  done
  # Durable at the 202: the queue rows and their History rows, status queued.
  assert_equal "$(psql_q "select count(*) from message_logs where instance_name = '$inst' and status = 'queued'")" 5
  assert_equal "$(psql_q "select string_agg(message_id, ' ' order by seq) from queued_sends where instance_name = '$inst'")" "${ids[*]}"
  sleep 10
  connect "$inst"
  wait_status "$inst" sent 5 90
  assert_equal "$(sandbox_texts "$inst")" 'q 1,q 2,q 3,q 4,q 5'
  # Sent in seq order, each once; History moved on from queued with WhatsApp's ids.
  assert_equal "$(psql_q "select string_agg(message_id, ' ' order by finished_at, seq) from queued_sends where instance_name = '$inst'")" "${ids[*]}"
  assert_equal "$(psql_q "select count(*) from message_logs where instance_name = '$inst' and status in ('sent', 'delivered', 'read') and wa_message_id like '3EB0%'")" 5
  assert_equal "$(psql_q "select count(*) from message_logs where instance_name = '$inst'")" 5
  # The retries while it was not connected are recorded.
  [ "$(psql_q "select max(attempts) from queued_sends where instance_name = '$inst'")" -ge 2 ]
}

@test "a budget of 5/min delays the 6th queued send and gives a synchronous 6th a 429 with Retry-After" {
  sync_inst=$(new_instance scan)
  q_inst=$(new_instance scan)
  for i in "$sync_inst" "$q_inst"; do
    api PUT "/admin/instances/$i/send-settings" '{"per_minute":5,"warmup_days":0}' "$(admin_token)"
    assert_equal "$code" 200
    assert_equal "$(jbody .effective.per_minute)" 5
  done
  api GET "/admin/instances/$q_inst/send-settings" "" "$(admin_token)"
  assert_equal "$(jbody .per_minute)" 5
  # Start early in a clock minute (the budget's window) so all six land in the same one.
  while [ "$((10#$(date +%S)))" -gt 35 ]; do sleep 1; done
  for n in 1 2 3 4 5; do
    api POST "/message/sendText/$sync_inst" "{\"number\":\"59598765431$n\",\"text\":\"s $n\"}" "$QT"
    assert_equal "$code" 201
  done
  api POST "/message/sendText/$sync_inst" '{"number":"595987654316","text":"s 6"}' "$QT"
  assert_equal "$code" 429
  retry=$(header Retry-After)
  [ "$retry" -ge 1 ] && [ "$retry" -le 60 ]
  assert_regex "$(jbody .error)" '5 messages per minute'
  assert_equal "$(jbody .retry_after)" "$retry"
  # Queued: five go now, the sixth waits for the next minute.
  for n in 1 2 3 4 5 6; do
    qsend "$q_inst" "$n"
    assert_equal "$code" 202
  done
  wait_status "$q_inst" sent 5 30
  sleep 2
  assert_equal "$(psql_q "select status from queued_sends where instance_name = '$q_inst' and seq = 6")" queued
  wait_status "$q_inst" sent 6 90
  assert_equal "$(psql_q "select (select finished_at from queued_sends where instance_name = '$q_inst' and seq = 6) >= date_trunc('minute', (select finished_at from queued_sends where instance_name = '$q_inst' and seq = 5)) + interval '1 minute'")" t
  assert_equal "$(sandbox_texts "$q_inst")" 'q 1,q 2,q 3,q 4,q 5,q 6'
}

@test "a gateway restart in the middle loses no queued send" {
  inst=$(new_instance)
  start_extra_gateway WORKERS_ENABLED=true
  first=$EXTRA_STATE
  for n in 1 2 3; do
    qsend "$inst" "$n" "$EXTRA_URL"
    assert_equal "$code" 202
  done
  # Restart between the 202s and the delivery (the instance is not connected yet: all still queued).
  stop_extra_gateway "$first"
  start_extra_gateway WORKERS_ENABLED=true
  for n in 4 5 6; do
    qsend "$inst" "$n" "$EXTRA_URL"
    assert_equal "$code" 202
  done
  assert_equal "$(psql_q "select count(*) from queued_sends where instance_name = '$inst' and status = 'queued'")" 6
  connect "$inst"
  wait_status "$inst" sent 6 90
  assert_equal "$(sandbox_texts "$inst")" 'q 1,q 2,q 3,q 4,q 5,q 6'
  assert_equal "$(psql_q "select count(*) from message_logs where instance_name = '$inst'")" 6
}

@test "X-Send-Mode: a bad value is 400; a form cannot be queued; the instance's send_mode queues without the header" {
  inst=$(new_instance scan)
  API_EXTRA_ARGS=(-H 'X-Send-Mode: later')
  api POST "/message/sendText/$inst" '{"number":"595987654320","text":"x"}' "$QT"
  API_EXTRA_ARGS=()
  assert_equal "$code" 400
  _http POST "$GATEWAY_URL/message/sendText/$inst" "" -H "apikey: $QT" -H 'X-Send-Mode: queue' -F number=595987654320 -F text=form
  assert_equal "$code" 400
  assert_regex "$(jbody .error)" 'Only JSON sends can be queued'
  api PUT "/admin/instances/$inst/send-settings" '{"send_mode":"queue"}' "$(admin_token)"
  assert_equal "$code" 200
  api POST "/message/sendText/$inst" '{"number":"595987654320","text":"by setting"}' "$QT"
  assert_equal "$code" 202
  API_EXTRA_ARGS=(-H 'X-Send-Mode: sync')
  api POST "/message/sendText/$inst" '{"number":"595987654320","text":"sync anyway"}' "$QT"
  API_EXTRA_ARGS=()
  assert_equal "$code" 201
  api PUT "/admin/instances/$inst/send-settings" '{"send_mode":"queue","per_minute":-1}' "$(admin_token)"
  assert_equal "$code" 400
  api PUT "/admin/instances/nope_$(unique x)/send-settings" '{"send_mode":"queue"}' "$(admin_token)"
  assert_equal "$code" 404
}

@test "a 504 from the upstream leaves a queued send unconfirmed: it may be out, so it is never resent" {
  inst=$(new_instance scan)
  upstream_api PUT /sandbox/faults "{\"forceStatus\":504,\"pathPrefix\":\"/message/sendText/$inst\"}"
  assert_equal "$code" 200
  qsend "$inst" 1
  assert_equal "$code" 202
  wait_status "$inst" unconfirmed 1 30
  upstream_api DELETE /sandbox/faults
  sleep 2
  assert_equal "$(psql_q "select attempts || ' ' || status from queued_sends where instance_name = '$inst'")" '1 unconfirmed'
  assert_equal "$(psql_q "select status from message_logs where instance_name = '$inst'")" unconfirmed
  assert_equal "$(sandbox_texts "$inst")" ''
}

@test "per-user send settings apply to all of the user's instances; an instance's own setting wins; null goes back to the default" {
  local u uid ut a b admin
  admin=$(admin_token)
  u=$(unique peruser)
  uid=$(create_user "$u" "$PW" '{"max_instances":5}')
  ut=$(login "$u" "$PW")
  for v in a b; do
    printf -v "$v" '%s' "$(unique pu)"
    api POST /instance/create "{\"instanceName\":\"${!v}\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$ut"
    assert_equal "$code" 201
  done
  api GET "/instance/connect/$a" "" "$ut"
  upstream_api POST "/sandbox/instances/$a/scan"
  assert_equal "$code" 200

  # Validation and access: a user cannot, an unknown user is 404, a bad value says what is wrong.
  api PUT "/admin/users/$uid/send-settings" '{"per_minute":3}' "$ut"
  assert_equal "$code" 403
  api PUT /admin/users/99999999/send-settings '{"per_minute":3}' "$admin"
  assert_equal "$code" 404
  api PUT "/admin/users/$uid/send-settings" '{"per_minute":-1}' "$admin"
  assert_equal "$code" 400
  api GET "/admin/users/$uid/send-settings" "" "$admin"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.per_minute, .send_mode] | tostring')" '[null,null]'

  api PUT "/admin/users/$uid/send-settings" '{"per_minute":3,"warmup_days":0,"send_mode":"queue"}' "$admin"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.per_minute, .warmup_days, .send_mode] | tostring')" '[3,0,"queue"]'
  assert_equal "$(jbody '[.instances[] | [.instance, .effective.per_minute, .effective.send_mode]] | sort | tostring')" \
    "$(jq -nc --arg a "$a" --arg b "$b" '[[$a,3,"queue"],[$b,3,"queue"]] | sort')"
  # The instance's own setting wins over its owner's, field by field.
  api PUT "/admin/instances/$b/send-settings" '{"per_minute":7,"send_mode":"sync"}' "$admin"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.per_minute, .owner.per_minute, .effective.per_minute, .effective.send_mode] | tostring')" '[7,3,7,"sync"]'
  assert_equal "$(psql_q "select count(*) from audit_log where action = 'user_send_settings_updated' and resource_id = '$uid'")" 1

  # The owner's budget holds on `a` (3 a minute, synchronous sends forced with the header).
  while [ "$((10#$(date +%S)))" -gt 40 ]; do sleep 1; done
  API_EXTRA_ARGS=(-H 'X-Send-Mode: sync')
  for n in 1 2 3; do
    api POST "/message/sendText/$a" "{\"number\":\"59598765432$n\",\"text\":\"u $n\"}" "$ut"
    assert_equal "$code" 201
  done
  api POST "/message/sendText/$a" '{"number":"595987654324","text":"u 4"}' "$ut"
  API_EXTRA_ARGS=()
  assert_equal "$code" 429
  assert_regex "$(jbody .error)" '3 messages per minute'
  # Without the header, the owner's default mode queues.
  api POST "/message/sendText/$a" '{"number":"595987654325","text":"u 5"}' "$ut"
  assert_equal "$code" 202

  # null = not set for the user: back to the stack's defaults (unbudgeted here, synchronous).
  api PUT "/admin/users/$uid/send-settings" '{"per_minute":null,"warmup_days":null,"send_mode":null}' "$admin"
  assert_equal "$code" 200
  api GET "/admin/instances/$a/send-settings" "" "$admin"
  assert_equal "$(jbody '[.owner.per_minute, .effective.per_minute, .effective.send_mode] | tostring')" '[null,0,"sync"]'
}
