#!/usr/bin/env bats
# 38-inbound: what contacts write (the upstream's messages.upsert, injected through the sandbox's
# inbound route) is stored once per (instance, key) and listed by GET /api/messages/inbound to the
# users who may use the instance (owner, grantee; admins all), with filters and pagination; bad query
# values are a 400 naming the field. A failed delivery status keeps its reason in the message log.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique inb) U2=$(unique inb2) U3=$(unique inb3)
  export U1_ID=$(create_user "$U1" "$PW") U2_ID=$(create_user "$U2" "$PW") U3_ID=$(create_user "$U3" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW") T3=$(login "$U3" "$PW")
  export INST=$(unique inbi)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ]
  api GET "/instance/connect/$INST" "" "$T1"
  upstream_api POST "/sandbox/instances/$INST/scan"
  [ "$code" = 200 ]
  # two contacts, three messages, oldest first: n1, n2, n1
  export N1="5959871$(printf '%05d' $((RANDOM % 99999)))" N2="5959872$(printf '%05d' $((RANDOM % 99999)))"
  for m in "$N1|hola" "$N2|buenas tardes" "$N1|otra vez"; do
    upstream_api POST "/sandbox/instances/$INST/inbound" "$(jq -nc --arg n "${m%%|*}" --arg t "${m#*|}" '{number:$n,text:$t}')"
    [ "$code" = 200 ]
    jq -r '.message.key.id' <<<"$body" >>"$BATS_FILE_TMPDIR/keys"
    sleep 1.1 # distinct messageTimestamp seconds, so "newest first" is well defined
  done
  export GTOKEN=$(node -e 'process.stdout.write(require("crypto").createHmac("sha256",process.argv[1]).update("global").digest("hex"))' "$AUTHENTICATION_API_KEY")
  export ITOKEN=$(node -e 'process.stdout.write(require("crypto").createHmac("sha256",process.argv[1]).update(process.argv[2]).digest("hex"))' "$AUTHENTICATION_API_KEY" "$INST")
}

# inbound QUERY [TOKEN] — GET /api/messages/inbound?QUERY as TOKEN (default: the owner).
inbound() { api GET "/api/messages/inbound?$1" "" "${2:-$T1}"; }

# wait_total QUERY N — polls until the owner's list for QUERY has N messages (delivery is async).
wait_total() {
  for _ in $(seq 100); do
    inbound "$1"
    [ "$code" = 200 ] && [ "$(jbody .total)" = "$2" ] && return 0
    sleep 0.1
  done
  echo "HTTP $code $body" >&2
  assert_equal "$(jbody .total)" "$2"
}

@test "the owner sees the injected messages, newest first, with every field" {
  wait_total "instance=$INST" 3
  assert_equal "$(jq -c '[.total, .page, .limit, .pages]' <<<"$body")" '[3,1,50,1]'
  assert_equal "$(jq -c '[.messages[] | .text]' <<<"$body")" '["otra vez","buenas tardes","hola"]'
  assert_equal "$(jq -c '[.messages[] | .from_number]' <<<"$body")" "[\"$N1\",\"$N2\",\"$N1\"]"
  first=$(jq -c '.messages[2]' <<<"$body")
  assert_equal "$(jq -c 'keys' <<<"$first")" '["from_number","id","instance_name","key_id","message_type","push_name","received_at","remote_jid","text"]'
  assert_equal "$(jq -r '.key_id' <<<"$first")" "$(head -1 "$BATS_FILE_TMPDIR/keys")"
  assert_equal "$(jq -r '[.instance_name, .remote_jid, .message_type, .push_name] | join("|")' <<<"$first")" "$INST|$N1@s.whatsapp.net|conversation|Contact $N1"
  [[ "$(jq -r .received_at <<<"$first")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
  [[ "$(jq -r .id <<<"$first")" =~ ^[0-9]+$ ]]
}

@test "filters: number (+ and spaces ignored), date range, pagination" {
  wait_total "instance=$INST" 3
  inbound "instance=$INST&number=%2B${N1:0:3}%20${N1:3}"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.total, [.messages[] | .text]]' <<<"$body")" '[2,["otra vez","hola"]]'
  inbound "instance=$INST&number=$N2"
  assert_equal "$(jbody .total)" 1
  today=$(date -u +%F) tomorrow=$(date -u -d tomorrow +%F) yesterday=$(date -u -d yesterday +%F)
  inbound "instance=$INST&date_from=$today&date_to=$today"
  assert_equal "$(jbody .total)" 3
  inbound "instance=$INST&date_from=$tomorrow"
  assert_equal "$(jq -c '[.total, .messages, .pages]' <<<"$body")" '[0,[],0]'
  inbound "instance=$INST&date_to=$yesterday"
  assert_equal "$(jbody .total)" 0
  inbound "instance=$INST&limit=2&page=2"
  assert_equal "$(jq -c '[.total, .page, .limit, .pages, [.messages[] | .text]]' <<<"$body")" '[3,2,2,2,["hola"]]'
  inbound "instance=$INST&limit=1000"
  assert_equal "$(jbody .limit)" 100
}

@test "visibility: another user gets 403 for the instance and sees none of it; a grantee and an admin see it" {
  wait_total "instance=$INST" 3
  inbound "instance=$INST" "$T2"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" 'You do not own this instance'
  inbound "" "$T2"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.total, .messages]' <<<"$body")" '[0,[]]'
  inbound "instance=$(unique nosuch)" "$T2"
  assert_equal "$code" 403
  # without instance, the owner sees exactly their instances' rows
  inbound "" "$T1"
  assert_equal "$(jq -r '[.messages[] | .instance_name] | unique | join(",")' <<<"$body")" "$INST"
  api POST "/admin/instances/$INST/grant" "{\"user_id\":\"$U3_ID\"}" "$(admin_token)"
  assert_equal "$code" 201
  inbound "instance=$INST" "$T3"
  assert_equal "$code" 200
  assert_equal "$(jbody .total)" 3
  inbound "" "$T3"
  assert_equal "$(jbody .total)" 3
  inbound "instance=$INST" "$(admin_token)"
  assert_equal "$(jbody .total)" 3
  inbound "limit=100" "$(admin_token)"
  [ "$(jbody .total)" -ge 3 ]
  api GET /api/messages/inbound
  assert_equal "$code" 401
}

@test "the same message delivered by the global and the per-instance webhook is stored once" {
  key="3EB0DUP$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
  now=$(date +%s)
  env=$(jq -nc --arg i "$INST" --arg k "$key" --arg j "${N2}@s.whatsapp.net" --argjson ts "$now" \
    '{event:"messages.upsert", instance:$i, data:{key:{remoteJid:$j, fromMe:false, id:$k}, pushName:"Dup", message:{conversation:"twice\u0000 delivered"}, messageType:"conversation", messageTimestamp:$ts, source:"android"}}')
  api POST "/internal/upstream-events/$GTOKEN" "$env"
  assert_equal "$code" 200
  api POST "/internal/webhooks/$INST/$ITOKEN" "$env"
  assert_equal "$code" 200
  api POST "/internal/webhooks/$INST/$ITOKEN" "$env"
  wait_total "instance=$INST" 4
  sleep 0.3
  assert_equal "$(psql_q "select count(*), max(text) from inbound_messages where instance_name='$INST' and key_id='$key'")" '1|twice delivered'
  # own messages and status broadcasts are not inbound
  own=$(jq -c '.data.key.fromMe = true | .data.key.id = "OWN1"' <<<"$env")
  api POST "/internal/upstream-events/$GTOKEN" "$own"
  status=$(jq -c '.data.key.remoteJid = "status@broadcast" | .data.key.id = "STAT1"' <<<"$env")
  api POST "/internal/upstream-events/$GTOKEN" "$status"
  sleep 0.5
  assert_equal "$(psql_q "select count(*) from inbound_messages where instance_name='$INST' and key_id in ('OWN1','STAT1')")" 0
}

@test "bad query values are a 400 naming the field" {
  for q in "number=abc|number" "date_from=yesterday|date_from" "date_to=2025-02-30|date_to" "page=x|page" "limit=-1|limit" "instance=$(printf 'a%.0s' $(seq 256))|instance"; do
    inbound "${q%%|*}"
    assert_equal "$code" 400
    [[ "$(jbody .error)" == "${q#*|} "* ]] || { echo "${q%%|*}: $body" >&2; return 1; }
  done
}

@test "it is in the OpenAPI document" {
  api GET /api/openapi.json
  assert_equal "$(jq -r '.paths["/api/messages/inbound"].get | has("summary")' <<<"$body")" true
}

@test "a failed delivery status: ERROR from the sandbox fails the row; a Cloud error reason lands in error_message" {
  n="5959873$(printf '%05d' $((RANDOM % 99999)))"
  # No automatic delivered/read for this message: the forced ERROR must not race them.
  upstream_api PUT /sandbox/faults '{"holdAcks":true}'
  api POST "/message/sendText/$INST" "{\"number\":\"$n\",\"text\":\"will fail\"}" "$T1"
  c=$code b=$body
  upstream_api DELETE /sandbox/faults
  code=$c body=$b
  assert_equal "$code" 201
  id=$(jbody .key.id)
  upstream_api POST "/sandbox/messages/$id/ack" '{"status":"ERROR"}'
  assert_equal "$code" 200
  # An ack that beats its row to the table is retried by the gateway after 1, 3 and 10 s: wait past that.
  for _ in $(seq 250); do
    api GET "/api/messages/log?instance_name=$INST&number=$n" "" "$T1"
    [ "$(jbody '.logs[0].status')" = failed ] && break
    sleep 0.1
  done
  assert_equal "$(jq -c '[.logs[0].status, .logs[0].error_message, .logs[0].wa_message_id]' <<<"$body")" "[\"failed\",null,\"$id\"]"
  # what a Cloud API instance reports for an undeliverable message (the sandbox has no error text)
  psql_q "insert into message_logs (user_id, instance_name, phone_number, status, wa_message_id) values ($U1_ID, '$INST', '${n}9', 'sent', 'wamid.T38$U1_ID')" >/dev/null
  api POST "/internal/upstream-events/$GTOKEN" "{\"event\":\"messages.update\",\"instance\":\"$INST\",\"data\":{\"keyId\":\"wamid.T38$U1_ID\",\"status\":\"ERROR\",\"fromMe\":true,\"error\":{\"code\":131026,\"message\":\"Message undeliverable\"}}}"
  assert_equal "$code" 200
  for _ in $(seq 100); do
    api GET "/api/messages/log?instance_name=$INST&number=${n}9" "" "$T1"
    [ "$(jbody '.logs[0].status')" = failed ] && break
    sleep 0.1
  done
  assert_equal "$(jq -c '[.logs[0].status, .logs[0].error_message]' <<<"$body")" '["failed","error 131026: Message undeliverable"]'
}

@test "retention: the purge job deletes inbound messages older than RETENTION_INBOUND_DAYS (90)" {
  psql_q "insert into inbound_messages (instance_name, key_id, remote_jid, from_number, message_type, text, received_at) values
    ('$INST', 'OLD1', '${N1}@s.whatsapp.net', '$N1', 'conversation', 'old', now() - interval '91 days'),
    ('$INST', 'KEEP1', '${N1}@s.whatsapp.net', '$N1', 'conversation', 'recent', now() - interval '89 days')" >/dev/null
  api POST /admin/workers/purge/run "" "$(admin_token)"
  assert_equal "$code" 200
  assert_equal "$(jbody .run.outcome)" ok
  [ "$(jbody .run.summary.deleted.inbound_messages)" -ge 1 ]
  assert_equal "$(psql_q "select string_agg(key_id, ',') from inbound_messages where key_id in ('OLD1', 'KEEP1') and instance_name='$INST'")" KEEP1
}

@test "pacing: the instance's integration is recorded; a Cloud API instance keeps 6 s between two sends to one recipient" {
  assert_equal "$(psql_q "select integration from user_instances where instance_name='$INST'")" WHATSAPP-BAILEYS
  # the sandbox speaks for every driver: flag this instance as Cloud API for the scheduled sender
  psql_q "update user_instances set integration='WHATSAPP-BUSINESS' where instance_name='$INST'" >/dev/null
  n="5959874$(printf '%05d' $((RANDOM % 99999)))"
  for t in first second; do
    api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[\"$n\"],\"message_content\":\"$t\",\"scheduled_at\":\"now\"}" "$T1"
    assert_equal "$code" 201
  done
  # generous bound: the pacing gap is the point, not the worker's speed on a loaded machine
  for _ in $(seq 900); do
    upstream_api GET "/sandbox/messages?instance=$INST&number=$n"
    [ "$(jbody '.messages | length')" = 2 ] && break
    sleep 0.1
  done
  assert_equal "$(jbody '.messages | length')" 2
  gap=$(jq -r '[.messages[].created_at | sub("\\.[0-9]+Z$"; "Z") | fromdate] | .[1] - .[0]' <<<"$body")
  ms=$(jq -r '[.messages[].created_at] | map(capture("\\.(?<ms>[0-9]+)Z$").ms // "0" | tonumber) | .[1] - .[0]' <<<"$body")
  total=$(( gap * 1000 + ms ))
  [ "$total" -ge 5900 ] || { echo "gap ${total} ms: $body" >&2; return 1; }
}
