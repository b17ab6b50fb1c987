#!/usr/bin/env bats
# 58-history-text: History as a message log (issue 28). A send's text is in the gateway's message log
# (message_text), found by `q` (text, case-insensitive) and by `phone_number`/`number` (partial, `+` and
# spaces ignored); GET /api/messages/log/{id} shows its status timeline once the sandbox acked it
# (queued, sent, delivered, read); the CSV export ends with a Text column; `scheduled_message_id` lists a
# bulk job's messages; another user's message is 404, an admin reads any.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup ht
  export I=$INST
  export N1=5959810$((RANDOM % 90000 + 10000))
}

# log_of WA_ID — the send's row as GET /api/messages/log/{id} gives it, once the batch flushed it.
log_of() {
  local id=''
  for _ in $(seq 50); do
    id=$(psql_q "select id from message_logs where wa_message_id='$1' and user_id=$U1_ID")
    [ -n "$id" ] && break
    sleep 0.1
  done
  api GET "/api/messages/log/$id" "" "$T1"
  jq -c .log <<<"$body"
}

@test "a text send is logged with its text, found by q and by number; media by caption" {
  api POST "/message/sendText/$I" "{\"number\":\"$N1\",\"text\":\"Hola Ana, tu pedido 58-XYZ está listo\"}" "$T1"
  assert_equal "$code" 201
  wa=$(jbody .key.id)
  row=$(log_of "$wa")
  assert_equal "$(jq -r .message_text <<<"$row")" 'Hola Ana, tu pedido 58-XYZ está listo'
  api GET "/api/messages/log?q=pedido%2058-xyz" "" "$T1"
  assert_equal "$(jq -r '[.total, .logs[0].wa_message_id] | join("|")' <<<"$body")" "1|$wa"
  # partial number, with the + and spaces people type
  api GET "/api/messages/log?phone_number=%2B${N1:0:4}%20${N1:4}" "" "$T1"
  assert_equal "$(jq -r '[.logs[].wa_message_id] | index("'"$wa"'") != null' <<<"$body")" true
  api GET "/api/messages/log?number=${N1:6}" "" "$T1"
  assert_equal "$(jq -r '[.logs[].wa_message_id] | index("'"$wa"'") != null' <<<"$body")" true
  api GET "/api/messages/log?q=nothing-like-this" "" "$T1"
  assert_equal "$(jbody .total)" 0
  api POST "/message/sendMedia/$I" "{\"number\":\"$N1\",\"mediatype\":\"image\",\"media\":\"https://example.com/menu.png\",\"caption\":\"Menú del día\"}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -r .message_text <<<"$(log_of "$(jbody .key.id)")")" '[image] Menú del día'
  # a too long search term is a 400 that says so
  api GET "/api/messages/log?q=$(printf 'a%.0s' $(seq 201))" "" "$T1"
  assert_equal "$code $(jbody .error)" '400 q must be at most 200 characters'
}

@test "detail: the status timeline after the sandbox's delivery and read acks; owner only, admin any" {
  api POST "/message/sendText/$I" "{\"number\":\"$N1\",\"text\":\"timeline please\"}" "$T1"
  wa=$(jbody .key.id)
  id=$(jq -r .id <<<"$(log_of "$wa")")
  for _ in $(seq 100); do
    api GET "/api/messages/log/$id" "" "$T1"
    [ "$(jbody .log.status)" = read ] && break
    sleep 0.1
  done
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.log.message_text, .log.status] | join("|")' <<<"$body")" 'timeline please|read'
  assert_equal "$(jq -c '[.log.timeline[].status]' <<<"$body")" '["queued","sent","delivered","read"]'
  # every event has a time, in order
  assert_equal "$(jq -r '[.log.timeline[].at] | (all(. != null)) and (. == sort)' <<<"$body")" true
  api GET "/api/messages/log/$id" "" "$T2"
  assert_equal "$code $(jbody .error)" '404 Message not found'
  api GET "/api/messages/log/$id" "" "$(admin_token)"
  assert_equal "$code $(jbody .log.id)" "200 $id"
  api GET "/api/messages/log/abc" "" "$T1"
  assert_equal "$code" 404
}

@test "a failed send's timeline ends in failed with its reason" {
  psql_q "insert into message_logs (user_id, instance_name, phone_number, status, error_message, message_text, failed_at)
    values ($U1_ID, '$I', '595981000058', 'failed', 'not on WhatsApp', 'bye', now())" >/dev/null
  id=$(psql_q "select id from message_logs where user_id=$U1_ID and phone_number='595981000058'")
  api GET "/api/messages/log/$id" "" "$T1"
  assert_equal "$(jq -c '[.log.timeline[] | [.status, .reason]]' <<<"$body")" '[["queued",null],["failed","not on WhatsApp"]]'
}

@test "export: the CSV's last column is the text" {
  api GET "/api/messages/export?q=pedido" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(head -1 <<<"$body")" 'ID,Instance,Phone,Type,Status,Error,Date,Text'
  [[ "$(sed -n 2p <<<"$body")" == *",Hola Ana, tu pedido 58-XYZ está listo" ]] || [[ "$(sed -n 2p <<<"$body")" == *',"Hola Ana, tu pedido 58-XYZ está listo"' ]]
}

@test "scheduled_message_id lists a bulk job's messages with their text" {
  api POST /api/scheduled "{\"instance_name\":\"$I\",\"recipients\":[\"595989058001\",\"595989058002\"],\"message_content\":\"bulk 58 hello\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  job=$(jbody .message.id)
  for _ in $(seq 100); do
    api GET "/api/messages/log?scheduled_message_id=$job" "" "$T1"
    [ "$(jq -r '[.logs[] | select(.status != "sending")] | length' <<<"$body")" = 2 ] && break
    sleep 0.1
  done
  assert_equal "$(jq -c '[.logs[] | [.phone_number, .message_text, .scheduled_message_id]] | sort' <<<"$body")" \
    "[[\"595989058001\",\"bulk 58 hello\",$job],[\"595989058002\",\"bulk 58 hello\",$job]]"
  assert_equal "$(jq -r '[.logs[].sent_at] | all(. != null)' <<<"$body")" true
  api GET "/api/messages/log?scheduled_message_id=$job" "" "$T2"
  assert_equal "$(jbody .total)" 0
  api GET "/api/messages/log?scheduled_message_id=x1" "" "$T1"
  assert_equal "$code $(jbody .error)" '400 scheduled_message_id must be a positive integer'
}
