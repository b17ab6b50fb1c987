#!/usr/bin/env bats
# 32-webhooks: /api/webhooks (R5 (docs/decisions.md#r5) with D2 (docs/decisions.md#d2), D3 (docs/decisions.md#d3), R5, issue 14): shapes, isolation and grantee
# rules, events (any names on create, validated on update), the SSRF rule, the v2 sync upstream (webhook/find), signed forwarding to a local
# receiver (through an extra gateway that exempts it), deactivate/delete clearing, retry-then-deactivate.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique wh1) U2=$(unique wh2) U3=$(unique wh3)
  create_user "$U1" "$PW" '{"max_instances":3}' >/dev/null
  create_user "$U2" "$PW" >/dev/null
  export U3_ID=$(create_user "$U3" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW") T3=$(login "$U3" "$PW")
  export INST=$(unique whi)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ] || { echo "instance create: $code $body" >&2; return 1; }
  upstream_api POST "/sandbox/instances/$INST/scan"
  api POST "/admin/instances/$INST/grant" "{\"user_id\":$U3_ID}" "$(admin_token)"
  # the local receiver, and a gateway that may deliver to it
  export RECV_OUT="$BATS_FILE_TMPDIR/recv.jsonl" RECV_PORT_FILE="$BATS_FILE_TMPDIR/recv.port"
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/webhook-receiver.ts "$RECV_OUT" "$RECV_PORT_FILE") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/recv.pid"
  for _ in $(seq 100); do [ -s "$RECV_PORT_FILE" ] && break; sleep 0.1; done
  export RECV_PORT=$(cat "$RECV_PORT_FILE")
  start_extra_gateway "WEBHOOK_ALLOWED_HOSTS=127.0.0.1:$RECV_PORT" WORKERS_ENABLED=false >/dev/null
  export GW2=$(cat "$BATS_FILE_TMPDIR"/extra-gateways/gw.* | sed -n "s/^URL='\(.*\)'$/\1/p" | head -1)
}

teardown_file() {
  upstream_api DELETE /sandbox/faults
  [ -f "$BATS_FILE_TMPDIR/recv.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/recv.pid")" 2>/dev/null
  stop_extra_gateways
}

create_hook() { # INSTANCE URL EVENTS_JSON TOKEN [BASE]
  api POST "${5:-}/api/webhooks" "$(jq -nc --arg i "$1" --arg u "$2" --argjson e "$3" '{instance_name:$i,webhook_url:$u,events:$e}')" "$4"
}

@test "SSRF: private, loopback, metadata, IPv6, encoded and credentialed targets are refused" {
  while IFS='|' read -r url msg; do
    create_hook "$INST" "$url" '[]' "$T1"
    assert_equal "$url -> $code $(jbody .error)" "$url -> 400 $msg"
  done <<'EOF_URLS'
http://localhost/x|webhook_url cannot point to localhost
http://localhost:8080/x|webhook_url cannot point to localhost
http://LOCALHOST./x|webhook_url cannot point to localhost
http://127.0.0.1/x|webhook_url cannot point to localhost
http://127.1/x|webhook_url cannot point to localhost
http://0x7f000001/x|webhook_url cannot point to localhost
http://2130706433/x|webhook_url cannot point to localhost
http://0177.0.0.1/x|webhook_url cannot point to localhost
http://0.0.0.0/x|webhook_url cannot point to localhost
http://[::1]/x|webhook_url cannot point to localhost
http://[::ffff:127.0.0.1]/x|webhook_url cannot point to localhost
http://[2001:db8::1]/x|webhook_url cannot point to IPv6 addresses
http://10.1.2.3/x|webhook_url cannot point to private/internal IP addresses
http://172.16.0.1/x|webhook_url cannot point to private/internal IP addresses
http://192.168.1.10/x|webhook_url cannot point to private/internal IP addresses
http://100.64.1.1/x|webhook_url cannot point to private/internal IP addresses
http://169.254.169.254/latest/meta-data|webhook_url cannot point to cloud metadata
http://metadata.google.internal/x|webhook_url cannot point to cloud metadata
http://taguato-api:8080/x|webhook_url cannot point to internal services
http://user@10.0.0.1/x|webhook_url must not contain credentials
ftp://example.com/x|webhook_url must start with http:// or https://
javascript:alert(1)|webhook_url must start with http:// or https://
EOF_URLS
  create_hook "$INST" "" '[]' "$T1"
  assert_equal "$(jbody .error)" 'webhook_url is required'
  # the main gateway has no exemption: the receiver on 127.0.0.1 is refused there too
  create_hook "$INST" "http://127.0.0.1:$RECV_PORT/h" '[]' "$T1"
  assert_equal "$code" 400
  assert_equal "$(psql_q "select count(*) from user_webhooks where instance_name='$INST'")" 0
}

@test "create: secret shown once, v2 body synced upstream, list without secret; PUT validates" {
  create_hook "$INST" "https://93.184.216.34/hook" '["MESSAGES_UPSERT","GROUPS_UPDATE"]' "$T1"
  assert_equal "$code" 201
  id=$(jbody .webhook.id)
  [[ "$(jbody .webhook.signing_secret)" =~ ^[0-9a-f]{64}$ ]]
  assert_equal "$(jq -c '.webhook | [.instance_name, .webhook_url, .events, .is_active, .needs_sync]' <<<"$body")" "[\"$INST\",\"https://93.184.216.34/hook\",[\"MESSAGES_UPSERT\",\"GROUPS_UPDATE\"],true,false]"
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jq -c '[.enabled, .webhookByEvents, .webhookBase64, .events]' <<<"$body")" '[true,false,false,["GROUP_UPDATE","MESSAGES_UPSERT"]]'
  [[ "$(jbody .url)" == */internal/webhooks/$INST/* ]]
  api GET /api/webhooks "" "$T1"
  assert_equal "$(jbody "[.webhooks[] | select(.id == $id)] | length")" 1
  [ "$(jbody '.webhooks[0].signing_secret')" = null ]
  ! grep -q signing_secret <<<"$body"
  # one per user and instance
  create_hook "$INST" "https://93.184.216.34/other" '[]' "$T1"
  assert_equal "$code" 409
  assert_equal "$(jbody .error)" 'Webhook already exists for this instance'
  # PUT: validation order and messages
  api PUT "/api/webhooks/$id" '{"events":"CALL"}' "$T1"
  assert_equal "$(jbody .error)" 'events must be an array'
  api PUT "/api/webhooks/$id" '{"events":["CALL","NOPE"]}' "$T1"
  assert_equal "$(jbody .error)" 'Invalid event: NOPE'
  api PUT "/api/webhooks/$id" '{"webhook_url":""}' "$T1"
  assert_equal "$(jbody .error)" 'webhook_url cannot be empty'
  api PUT "/api/webhooks/$id" '{"webhook_url":"http://10.0.0.1/"}' "$T1"
  assert_equal "$(jbody .error)" 'webhook_url cannot point to private/internal IP addresses'
  api PUT "/api/webhooks/$id" '{}' "$T1"
  assert_equal "$(jbody .error)" 'No fields to update'
  api PUT "/api/webhooks/$id" '{"events":["CALL"]}' "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c .webhook.events <<<"$body")" '["CALL"]'
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jq -c .events <<<"$body")" '["CALL"]'
  # deactivating clears it upstream; deleting too
  api PUT "/api/webhooks/$id" '{"is_active":false}' "$T1"
  assert_equal "$(jbody .webhook.is_active)" false
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .enabled)" false
  api PUT "/api/webhooks/$id" '{"is_active":true}' "$T1"
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .enabled)" true
  api DELETE "/api/webhooks/$id" "" "$T1"
  assert_equal "$(jq -c .deleted <<<"$body")" "{\"id\":$id}"
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .enabled)" false
}

@test "create: events as the reference takes them (unknown kept as ignored_events) and its messages" {
  create_hook "$INST" "https://93.184.216.34/h" '["MESSAGES_UPSERT","messages.upsert"]' "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -c .ignored_events <<<"$body")" '["messages.upsert"]'
  api DELETE "/api/webhooks/$(jbody .webhook.id)" "" "$T1"
  # a non-array is [] (all events), as in the reference
  create_hook "$INST" "https://93.184.216.34/h" '"CALL"' "$T1"
  assert_equal "$code $(jq -c .webhook.events <<<"$body")" '201 []'
  api DELETE "/api/webhooks/$(jbody .webhook.id)" "" "$T1"
  create_hook "$INST" "https://93.184.216.34/h" '["CALL",7]' "$T1"
  assert_equal "$code $(jbody .error)" '400 Invalid event: 7'
  api POST /api/webhooks '{"webhook_url":"https://93.184.216.34/h"}' "$T1"
  assert_equal "$(jbody .error)" 'instance_name is required'
  api POST /api/webhooks 'x' "$T1"
  assert_equal "$(jbody .error)" 'Invalid JSON body'
}

@test "isolation and grants: strangers 403/404, grantees may create their own" {
  create_hook "$INST" "https://93.184.216.34/s" '[]' "$T2"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" 'You do not own this instance'
  create_hook "$INST" "https://93.184.216.34/g" '["CALL"]' "$T3"
  assert_equal "$code" 201
  gid=$(jbody .webhook.id)
  for req in "PUT /api/webhooks/$gid" "DELETE /api/webhooks/$gid"; do
    api ${req% *} ${req#* } '{"is_active":false}' "$T2"
    assert_equal "$req $code $(jbody .error)" "$req 404 Webhook not found"
  done
  api GET /api/webhooks "" "$T2"
  assert_equal "$(jbody '.webhooks | length')" 0
  api DELETE "/api/webhooks/$gid" "" "$T3"
  assert_equal "$code" 200
}

@test "forwarding: each event once, signed with the webhook's secret, without the instance token" {
  create_hook "$INST" "http://127.0.0.1:$RECV_PORT/in" '["MESSAGES_UPSERT"]' "$T1" "$GW2"
  assert_equal "$code" 201
  id=$(jbody .webhook.id) secret=$(jbody .webhook.signing_secret)
  : >"$RECV_OUT"
  upstream_api POST "/sandbox/instances/$INST/inbound" '{"number":"595981111111","text":"hola webhook"}'
  assert_equal "$code" 200
  for _ in $(seq 100); do [ -s "$RECV_OUT" ] && break; sleep 0.1; done
  sleep 0.5
  assert_equal "$(wc -l <"$RECV_OUT" | tr -d ' ')" 1
  line=$(head -1 "$RECV_OUT")
  jq -j .body <<<"$line" >"$BATS_TEST_TMPDIR/raw"
  expected=$(node -e 'const c=require("crypto"),fs=require("fs");process.stdout.write("sha256="+c.createHmac("sha256",process.argv[1]).update(fs.readFileSync(process.argv[2])).digest("hex"))' "$secret" "$BATS_TEST_TMPDIR/raw")
  assert_equal "$(jq -r '.headers["x-hub-signature-256"]' <<<"$line")" "$expected"
  assert_equal "$(jq -r '.headers["x-taguato-event"]' <<<"$line")" MESSAGES_UPSERT
  assert_equal "$(jq -r '.body | fromjson | [.event, .instance, .data.message.conversation, (has("apikey")|tostring)] | join("|")' <<<"$line")" "messages.upsert|$INST|hola webhook|false"
  # an event the webhook did not subscribe to is not forwarded
  : >"$RECV_OUT"
  upstream_api POST "/sandbox/instances/$INST/drop"
  upstream_api POST "/sandbox/instances/$INST/scan"
  sleep 1
  assert_equal "$(wc -l <"$RECV_OUT" | tr -d ' ')" 0
  api DELETE "/api/webhooks/$id" "" "$T1"
}

@test "sync retry: a failing upstream marks needs_sync; 3 job runs deactivate with the reference's reason" {
  upstream_api PUT /sandbox/faults '{"forceStatus":500,"pathPrefix":"/webhook"}'
  create_hook "$INST" "https://93.184.216.34/retry" '[]' "$T1"
  assert_equal "$code" 201
  id=$(jbody .webhook.id)
  assert_equal "$(jbody .webhook.needs_sync)" true
  assert_equal "$(psql_q "select needs_sync, retry_count, last_error from user_webhooks where id=$id")" 't|0|status 500'
  for n in 1 2 3; do
    api POST /admin/workers/webhook-sync/run "" "$(admin_token)"
    assert_equal "$code" 200
  done
  assert_equal "$(psql_q "select is_active, needs_sync, retry_count, last_error from user_webhooks where id=$id")" 'f|f|3|status 500 (deactivated after max retries)'
  api POST /admin/workers/webhook-sync/run "" "$(admin_token)"
  assert_equal "$(psql_q "select retry_count from user_webhooks where id=$id")" 3
  upstream_api DELETE /sandbox/faults
  # re-activation resets the counter and syncs again
  api PUT "/api/webhooks/$id" '{"is_active":true}' "$T1"
  assert_equal "$(psql_q "select is_active, needs_sync, retry_count from user_webhooks where id=$id")" 't|f|0'
  api DELETE "/api/webhooks/$id" "" "$T1"
}

@test "internal receivers: a wrong token is a plain 404" {
  api POST "/internal/webhooks/$INST/deadbeef" '{"event":"messages.upsert"}'
  assert_equal "$code" 404
  api POST "/internal/upstream-events/deadbeef" '{}'
  assert_equal "$code" 404
}
