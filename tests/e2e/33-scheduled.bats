#!/usr/bin/env bats
# 33-scheduled: /api/scheduled (R5 (docs/decisions.md#r5) with D2 (docs/decisions.md#d2), D11 (docs/decisions.md#d11), R5): shapes (recipients as an array,
# live progress), validation on create AND update, ownership/grants, isolation, pagination, soft cancel,
# bulk send now (scheduled_at "now") through the worker, cancelling a processing message, media content,
# and the HTTP shape of POST /api/scheduled/:id/resend-unconfirmed (issue 31; the takeover itself is
# tests/integration/scheduled-unconfirmed.test.ts).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique sc1) U2=$(unique sc2) U3=$(unique sc3)
  create_user "$U1" "$PW" '{"max_instances":3}' >/dev/null
  create_user "$U2" "$PW" >/dev/null
  export U3_ID=$(create_user "$U3" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW") T3=$(login "$U3" "$PW")
  export INST=$(unique sci) INST2=$(unique scj)
  for i in "$INST" "$INST2"; do
    api POST /instance/create "{\"instanceName\":\"$i\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
    upstream_api POST "/sandbox/instances/$i/scan"
  done
  api POST "/admin/instances/$INST/grant" "{\"user_id\":$U3_ID}" "$(admin_token)"
}

teardown_file() {
  upstream_api DELETE /sandbox/faults
}

schedule() { # JSON TOKEN
  api POST /api/scheduled "$1" "$2"
}

# wait_status ID TOKEN STATUS... — polls GET /api/scheduled/ID until its status is one of STATUS (30 s).
wait_status() {
  local id=$1 token=$2
  shift 2
  for _ in $(seq 150); do
    api GET "/api/scheduled/$id" "" "$token"
    local s
    s=$(jbody .message.status)
    for want in "$@"; do [ "$s" = "$want" ] && return 0; done
    sleep 0.2
  done
  echo "status stayed $(jbody .message.status): $body" >&2
  return 1
}

@test "create a future message: 201, recipients array, progress; GET and list" {
  schedule "{\"instance_name\":\"$INST\",\"recipients\":[\"595981000001\",595981000002],\"message_content\":\"hola\",\"scheduled_at\":\"2099-01-15T10:30\"}" "$T1"
  assert_equal "$code" 201
  id=$(jbody .message.id)
  assert_equal "$(jq -c '.message | [.status, .message_type, .recipients, .scheduled_at, .results, .progress]' <<<"$body")" \
    '["pending","text",["595981000001","595981000002"],"2099-01-15T10:30:00.000Z",null,{"total":2,"sent":0,"failed":0,"unconfirmed":0,"pending":2}]'
  api GET "/api/scheduled/$id" "" "$T1"
  assert_equal "$(jbody .message.instance_name)" "$INST"
  api GET "/api/scheduled?status=pending" "" "$T1"
  assert_equal "$(jbody '.limit')" 20
  assert_equal "$(jbody "[.messages[] | select(.id == $id)] | length")" 1
  api GET "/api/scheduled?status=completed&limit=5&page=0" "" "$T1"
  assert_equal "$(jbody "[.messages[] | select(.id == $id)] | length")" 0
  assert_equal "$(jbody '[.page, .limit] | map(tostring) | join(",")')" '1,5'
  # a zone is honoured
  schedule "{\"instance_name\":\"$INST\",\"recipients\":[\"595981000001\"],\"message_content\":\"x\",\"scheduled_at\":\"2099-01-15T10:30:00-03:00\"}" "$T1"
  assert_equal "$(jbody .message.scheduled_at)" '2099-01-15T13:30:00.000Z'
}

@test "create: the reference's 400 messages, then ownership, then type and media rules" {
  base="\"instance_name\":\"$INST\",\"message_content\":\"x\",\"scheduled_at\":\"2099-01-01T00:00\""
  while IFS='|' read -r json msg; do
    schedule "$json" "$T1"
    assert_equal "$json -> $code $(jbody .error)" "$json -> 400 $msg"
  done <<EOF_CASES
nope|Invalid JSON body
{"recipients":["595981000001"]}|instance_name is required
{$base}|recipients must be a non-empty array
{$base,"recipients":[]}|recipients must be a non-empty array
{$base,"recipients":["59598"]}|Invalid recipient: Phone number must be between 8 and 20 digits
{$base,"recipients":["+595981000001"]}|Invalid recipient: Phone number must contain only digits
{"instance_name":"$INST","recipients":["595981000001"],"scheduled_at":"2099-01-01T00:00"}|message_content is required
{"instance_name":"$INST","recipients":["595981000001"],"message_content":"x"}|scheduled_at is required
{"instance_name":"$INST","recipients":["595981000001"],"message_content":"x","scheduled_at":"mañana"}|scheduled_at must be an ISO 8601 date-time (e.g. 2025-01-15T10:30:00Z)
{$base,"recipients":["595981000001"],"message_type":"sticker"}|message_type must be one of: text, image, document, audio, video
{$base,"recipients":["595981000001"],"message_type":"image"}|message_content must be a JSON object {mediatype, media, caption?, fileName?} for media messages
EOF_CASES
  many=$(jq -nc '[range(501) | "595981000001"]')
  schedule "{$base,\"recipients\":$many}" "$T1"
  assert_equal "$(jbody .error)" 'Maximum 500 recipients allowed'
  schedule "{$base,\"recipients\":[\"595981000001\"],\"message_content\":\"$(printf 'x%.0s' {1..5001})\"}" "$T1"
  assert_equal "$(jbody .error)" 'message_content must be at most 5000 characters'
  schedule "{$base,\"recipients\":[\"595981000001\"]}" "$T2"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" 'You do not own this instance'
  schedule "{$base,\"recipients\":[\"595981000001\"]}" "$T3"
  assert_equal "$code" 201
}

@test "update: pending only, same validation and may-use check as create" {
  schedule "{\"instance_name\":\"$INST\",\"recipients\":[\"595981000001\"],\"message_content\":\"a\",\"scheduled_at\":\"2099-01-01T00:00\"}" "$T3"
  id=$(jbody .message.id)
  api PUT "/api/scheduled/$id" '{}' "$T3"
  assert_equal "$(jbody .error)" 'No fields to update'
  api PUT "/api/scheduled/$id" '{"recipients":["12"]}' "$T3"
  assert_equal "$(jbody .error)" 'Invalid recipient: Phone number must be between 8 and 20 digits'
  api PUT "/api/scheduled/$id" '{"message_content":""}' "$T3"
  assert_equal "$(jbody .error)" 'message_content is required'
  api PUT "/api/scheduled/$id" "{\"instance_name\":\"$INST2\"}" "$T3"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" 'You do not own this instance'
  api PUT "/api/scheduled/$id" '{"message_type":"image"}' "$T3"
  assert_equal "$code" 400
  api PUT "/api/scheduled/$id" '{"message_type":"image","message_content":"{\"mediatype\":\"image\",\"media\":\"https://example.com/a.png\"}","recipients":["595981000003","595981000004"]}' "$T3"
  assert_equal "$code" 200
  assert_equal "$(jq -c '.message | [.message_type, .recipients, .progress.total]' <<<"$body")" '["image",["595981000003","595981000004"],2]'
  api PUT "/api/scheduled/$id" '{"scheduled_at":"2098-02-03T04:05:06Z"}' "$T3"
  assert_equal "$(jbody .message.scheduled_at)" '2098-02-03T04:05:06.000Z'
  api DELETE "/api/scheduled/$id" "" "$T3"
  assert_equal "$(jq -c .message <<<"$body")" "{\"id\":$id,\"status\":\"cancelled\"}"
  api PUT "/api/scheduled/$id" '{"message_content":"b"}' "$T3"
  assert_equal "$(jbody .error)" 'Only pending messages can be updated'
  api DELETE "/api/scheduled/$id" "" "$T3"
  assert_equal "$(jbody .error)" 'Only pending messages can be cancelled'
  api POST "/api/scheduled/$id/cancel" "" "$T3"
  assert_equal "$(jbody .error)" 'Only pending or processing messages can be cancelled'
}

@test "isolation: another user's scheduled message is 404" {
  schedule "{\"instance_name\":\"$INST\",\"recipients\":[\"595981000001\"],\"message_content\":\"a\",\"scheduled_at\":\"2099-01-01T00:00\"}" "$T1"
  id=$(jbody .message.id)
  for req in "GET /api/scheduled/$id" "PUT /api/scheduled/$id" "DELETE /api/scheduled/$id" "POST /api/scheduled/$id/cancel"; do
    api ${req% *} ${req#* } '{"message_content":"x"}' "$T2"
    assert_equal "$req $code $(jbody .error)" "$req 404 Scheduled message not found"
  done
  api GET /api/scheduled "" "$T2"
  assert_equal "$(jbody '.total')" 0
}

@test "bulk send now: every recipient once, results and logs; a missing number fails without retry" {
  schedule "{\"instance_name\":\"$INST2\",\"recipients\":[\"595982000001\",\"595982000002\",\"595982000002\",\"595982010000\"],\"message_content\":\"masivo\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  id=$(jbody .message.id)
  wait_status "$id" "$T1" completed failed
  assert_equal "$(jbody .message.status)" completed
  assert_equal "$(jq -c '.message.results | [.total, .sent, .failed, .unconfirmed, .skipped]' <<<"$body")" '[4,2,1,0,1]'
  [[ "$(jbody '.message.results.errors[0]')" == "595982010000: status 400"* ]]
  assert_equal "$(jq -c .message.progress <<<"$body")" '{"total":3,"sent":2,"failed":1,"unconfirmed":0,"pending":0}'
  upstream_api GET "/sandbox/messages?instance=$INST2&number=595982000002"
  assert_equal "$(jbody '.messages | length')" 1
  assert_equal "$(jbody '.messages[0].payload.text // .messages[0].payload.message.conversation // "masivo"')" masivo
  assert_equal "$(psql_q "select count(*) filter (where status in ('sent','delivered','read')), count(*) filter (where status = 'failed') from message_logs where scheduled_message_id=$id")" '2|1'
  [ -n "$(psql_q "select wa_message_id from message_logs where scheduled_message_id=$id and status<>'failed' limit 1")" ]
}

@test "all recipients failing marks the message failed" {
  schedule "{\"instance_name\":\"$INST2\",\"recipients\":[\"595983010000\"],\"message_content\":\"x\",\"scheduled_at\":\"2000-01-01T00:00:00Z\"}" "$T1"
  id=$(jbody .message.id)
  wait_status "$id" "$T1" completed failed
  assert_equal "$(jbody .message.status)" failed
}

@test "media: an image is sent with sendMedia" {
  schedule "{\"instance_name\":\"$INST2\",\"message_type\":\"image\",\"recipients\":[\"595984000001\"],\"message_content\":\"{\\\"mediatype\\\":\\\"image\\\",\\\"media\\\":\\\"https://example.com/a.png\\\",\\\"caption\\\":\\\"hi\\\"}\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  wait_status "$(jbody .message.id)" "$T1" completed failed
  assert_equal "$(jbody .message.status)" completed
  upstream_api GET "/sandbox/messages?instance=$INST2&number=595984000001"
  assert_equal "$(jbody '.messages[0].type')" media
}

@test "cancel a processing bulk send: it stops before the next recipient" {
  recips=$(jq -nc '[range(30) | "5959850000\(10 + .)"]')
  schedule "{\"instance_name\":\"$INST\",\"recipients\":$recips,\"message_content\":\"stop me\",\"scheduled_at\":\"now\"}" "$T1"
  id=$(jbody .message.id)
  wait_status "$id" "$T1" processing
  sleep 1.5
  api POST "/api/scheduled/$id/cancel" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c .message <<<"$body")" "{\"id\":$id,\"status\":\"cancelled\"}"
  sleep 2.5
  api GET "/api/scheduled/$id" "" "$T1"
  assert_equal "$(jbody .message.status)" cancelled
  sent=$(jbody .message.progress.sent)
  [ "$sent" -ge 1 ] && [ "$sent" -lt 30 ]
  assert_equal "$(jbody .message.results.sent)" "$sent"
  sleep 1.5
  assert_equal "$(psql_q "select count(*) from message_logs where scheduled_message_id=$id")" "$sent"
}

@test "resend-unconfirmed: session needed, 404 unknown or another user's, 400 when not finished or nothing is unconfirmed" {
  api POST /api/scheduled/1/resend-unconfirmed
  assert_equal "$code" 401
  api POST /api/scheduled/999999999/resend-unconfirmed "" "$T1"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" 'Scheduled message not found'
  schedule "{\"instance_name\":\"$INST\",\"recipients\":[\"595986000001\"],\"message_content\":\"later\",\"scheduled_at\":\"2099-01-15T10:30\"}" "$T1"
  id=$(jbody .message.id)
  api POST "/api/scheduled/$id/resend-unconfirmed" "" "$T2"
  assert_equal "$code" 404
  api POST "/api/scheduled/$id/resend-unconfirmed" "" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Only completed or failed messages can be resent'
  schedule "{\"instance_name\":\"$INST2\",\"recipients\":[\"595986000002\"],\"message_content\":\"now\",\"scheduled_at\":\"now\"}" "$T1"
  id=$(jbody .message.id)
  wait_status "$id" "$T1" completed failed
  api POST "/api/scheduled/$id/resend-unconfirmed" "" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'No unconfirmed recipients to resend'
  api GET "/api/scheduled/$id/resend-unconfirmed" "" "$T1"
  assert_equal "$code" 405
}
