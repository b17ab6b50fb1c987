#!/usr/bin/env bats
# 26-cloud-api: the WhatsApp Cloud API chain end to end, offline. A fake Graph API
# (tests/support/fake-graph.ts) stands in for Meta; this file boots its own upstream
# (UPSTREAM_DRIVER=real, GRAPH_API_URL -> the fake, own database) and a gateway in front of it
# (scripts/pair-extra.ts). Chain: user -> gateway -> upstream -> fake Graph (exact body + Bearer);
# fake -> signed webhook -> gateway /webhook/meta (public) -> upstream -> messages.update ->
# gateway delivery tracking -> message log.

load helpers

PW='Passw0rd_Ok'
SECRET='meta-app-secret-e2e'
VERIFY='meta-verify-token-e2e'
TOKEN='EAAGtestpermanenttoken26'
PHONE_ID='106540352242926'
N='595981260026'

fake() { # METHOD PATH [JSON] — the fake Graph API's control routes
  _http "$1" "$FAKE_URL$2" "${3:-}"
}

# last_send — the JSON body of the last POST /{id}/messages the fake received (sorted keys).
last_send() {
  fake GET /_fake/requests
  jq -cS '[.requests[] | select(.method == "POST" and (.path | endswith("/messages")))] | last | .body' <<<"$body"
}

last_auth() {
  fake GET /_fake/requests
  jq -r '[.requests[] | select(.method == "POST" and (.path | endswith("/messages")))] | last | "\(.path) \(.authorization)"' <<<"$body"
}

log_status() { psql_q "select status, delivered_at is not null, read_at is not null from message_logs where wa_message_id='$1'"; }

wait_status() { # WAMID EXPECTED
  for _ in $(seq 100); do [ "$(log_status "$1")" = "$2" ] && return 0; sleep 0.1; done
  assert_equal "$(log_status "$1")" "$2"
}

wait_q() { # SQL EXPECTED — the proxy's log writer batches inserts: poll
  for _ in $(seq 100); do [ "$(psql_q "$1")" = "$2" ] && return 0; sleep 0.1; done
  assert_equal "$(psql_q "$1")" "$2"
}

setup_file() {
  # The fake Graph API, in the background; its first stdout line is `listening <url>`.
  node --import tsx "$REPO_ROOT/tests/support/fake-graph.ts" --port 0 --app-secret "$SECRET" --token "$TOKEN" \
    --phone "$PHONE_ID=+1 555-010-0026" >"$BATS_FILE_TMPDIR/fake.out" 2>"$BATS_FILE_TMPDIR/fake.err" 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/fake.pid"
  for _ in $(seq 300); do grep -q '^listening ' "$BATS_FILE_TMPDIR/fake.out" 2>/dev/null && break; sleep 0.1; done
  export FAKE_URL=$(sed -n 's/^listening //p' "$BATS_FILE_TMPDIR/fake.out" | head -1)
  [ -n "$FAKE_URL" ] || { cat "$BATS_FILE_TMPDIR/fake.err" >&2; return 1; }

  export PAIR_STATE="$BATS_FILE_TMPDIR/pair.env"
  # 3>&-: the pair's processes must not inherit bats' output descriptor (bats would wait for them).
  export CLOUD_GW=$(cd "$REPO_ROOT" && node --import tsx scripts/pair-extra.ts start "$PAIR_STATE" 3>&- \
    UPSTREAM_DRIVER=real GRAPH_API_URL="$FAKE_URL/v21.0" GRAPH_API_TIMEOUT_MS=5000 \
    WA_BUSINESS_VERIFY_TOKEN="$VERIFY" WA_BUSINESS_APP_SECRET="$SECRET" \
    META_WEBHOOK_IP_RATE=1 META_WEBHOOK_IP_BURST=60)
  [ -n "$CLOUD_GW" ] || return 1
  fake POST /_fake/config "{\"webhook_url\":\"$CLOUD_GW/webhook/meta\"}"

  export U1=$(unique cloud)
  create_user "$U1" "$PW" '{"max_instances":5}' >/dev/null
  export T1=$(login "$U1" "$PW")
  export INST=$(unique cbiz)
}

teardown_file() {
  [ -n "${PAIR_STATE:-}" ] && (cd "$REPO_ROOT" && node --import tsx scripts/pair-extra.ts stop "$PAIR_STATE")
  if [ -s "$BATS_FILE_TMPDIR/fake.pid" ]; then
    kill "$(cat "$BATS_FILE_TMPDIR/fake.pid")" 2>/dev/null || true
  fi
  return 0
}

send() { # ACTION JSON — a send through the Cloud API gateway as U1
  api POST "$CLOUD_GW/message/$1/$INST" "$2" "$T1"
}

@test "create WHATSAPP-BUSINESS: token, number (phone number id) and businessId are checked before a slot is taken" {
  api POST "$CLOUD_GW/instance/create" "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BUSINESS\",\"number\":\"$PHONE_ID\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'token is required for WHATSAPP-BUSINESS instances: the Meta access token (a permanent system-user token)'
  api POST "$CLOUD_GW/instance/create" "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BUSINESS\",\"token\":\"$TOKEN\",\"number\":\"+595 981\"}" "$T1"
  assert_equal "$code" 400
  [[ $(jbody .error) == 'number is required for WHATSAPP-BUSINESS instances: the phone number id'* ]]
  api POST "$CLOUD_GW/instance/create" "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BUSINESS\",\"token\":\"$TOKEN\",\"number\":\"$PHONE_ID\",\"businessId\":\"waba-x\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'businessId must be the WhatsApp Business Account id (digits only)'
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name = '$INST'")" 0

  fake DELETE /_fake/requests
  api POST "$CLOUD_GW/instance/create" "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BUSINESS\",\"token\":\"$TOKEN\",\"number\":\"$PHONE_ID\",\"businessId\":\"2200000026\"}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jbody .instance.status)" open
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name = '$INST'")" 1
  # The connect check reached the fake with the instance token as Bearer.
  fake GET /_fake/requests
  assert_equal "$(jq -r '.requests[0] | "\(.method) \(.path) \(.authorization)"' <<<"$body")" "GET /v21.0/$PHONE_ID Bearer $TOKEN"
  api GET "$CLOUD_GW/instance/connectionState/$INST" "" "$T1"
  assert_equal "$(jbody .instance.state)" open
}

@test "sendText through the gateway: exact Graph body and Bearer; the answer's key.id is the wamid" {
  fake DELETE /_fake/requests
  send sendText "{\"number\":\"$N\",\"text\":\"hola Cloud\"}"
  assert_equal "$code" 201
  wamid=$(jbody .key.id)
  [[ $wamid == wamid.* ]]
  assert_equal "$(last_send)" "$(jq -cS . <<<"{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"$N\",\"type\":\"text\",\"text\":{\"body\":\"hola Cloud\",\"preview_url\":false}}")"
  assert_equal "$(last_auth)" "/v21.0/$PHONE_ID/messages Bearer $TOKEN"
  wait_status "$wamid" 'sent|f|f'
}

@test "media, voice note, location, contact, reaction, template, list and buttons: exact Graph bodies" {
  expect() { assert_equal "$code" 201; assert_equal "$(last_send)" "$(jq -cS ". + {messaging_product:\"whatsapp\",recipient_type:\"individual\",to:\"$N\"}" <<<"$1")"; }
  send sendMedia "{\"number\":\"$N\",\"mediatype\":\"image\",\"media\":\"https://cdn.example/p.jpg\",\"caption\":\"pic\"}"
  expect '{"type":"image","image":{"link":"https://cdn.example/p.jpg","caption":"pic"}}'
  send sendMedia "{\"number\":\"$N\",\"mediatype\":\"document\",\"media\":\"https://cdn.example/r.pdf\",\"fileName\":\"r.pdf\"}"
  expect '{"type":"document","document":{"link":"https://cdn.example/r.pdf","filename":"r.pdf"}}'
  send sendWhatsAppAudio "{\"number\":\"$N\",\"audio\":\"https://cdn.example/v.ogg\"}"
  expect '{"type":"audio","audio":{"link":"https://cdn.example/v.ogg"}}'
  send sendLocation "{\"number\":\"$N\",\"latitude\":-25.28,\"longitude\":-57.63,\"name\":\"Asu\",\"address\":\"Centro\"}"
  expect '{"type":"location","location":{"latitude":-25.28,"longitude":-57.63,"name":"Asu","address":"Centro"}}'
  send sendContact "{\"number\":\"$N\",\"contact\":[{\"fullName\":\"Ana Paz\",\"phoneNumber\":\"+595981000111\"}]}"
  expect '{"type":"contacts","contacts":[{"name":{"formatted_name":"Ana Paz","first_name":"Ana"},"phones":[{"phone":"+595981000111","wa_id":"595981000111","type":"CELL"}]}]}'
  send sendReaction "{\"key\":{\"id\":\"wamid.TARGET\",\"remoteJid\":\"$N@s.whatsapp.net\",\"fromMe\":true},\"reaction\":\"👍\"}"
  expect '{"type":"reaction","reaction":{"message_id":"wamid.TARGET","emoji":"👍"}}'
  send sendTemplate "{\"number\":\"$N\",\"name\":\"order_update\",\"language\":\"es\",\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"Ana\"}]}]}"
  expect '{"type":"template","template":{"name":"order_update","language":{"code":"es"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"}]}]}}'
  wait_q "select message_type from message_logs where wa_message_id = '$(jbody .key.id)'" template
  send sendList "{\"number\":\"$N\",\"title\":\"Menu\",\"description\":\"Pick\",\"buttonText\":\"Open\",\"sections\":[{\"title\":\"S\",\"rows\":[{\"title\":\"A\",\"rowId\":\"a\"}]}]}"
  expect '{"type":"interactive","interactive":{"type":"list","header":{"type":"text","text":"Menu"},"body":{"text":"Pick"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"a","title":"A"}]}]}}}'
  send sendButtons "{\"number\":\"$N\",\"title\":\"Hi\",\"description\":\"Choose\",\"buttons\":[{\"type\":\"reply\",\"displayText\":\"Yes\",\"id\":\"y\"}]}"
  expect '{"type":"interactive","interactive":{"type":"button","header":{"type":"text","text":"Hi"},"body":{"text":"Choose"},"action":{"buttons":[{"type":"reply","reply":{"id":"y","title":"Yes"}}]}}}'
  # Polls do not exist in the Cloud API: a clear 400, nothing sent.
  send sendPoll "{\"number\":\"$N\",\"name\":\"Q\",\"selectableCount\":1,\"values\":[\"a\",\"b\"]}"
  assert_equal "$code" 400
  [[ $body == *'Polls are not supported by the WhatsApp Cloud API'* ]]
}

@test "signed delivered then read statuses: fake -> gateway /webhook/meta -> upstream -> message log read" {
  send sendText "{\"number\":\"$N\",\"text\":\"track me\"}"
  assert_equal "$code" 201
  wamid=$(jbody .key.id)
  wait_status "$wamid" 'sent|f|f'
  fake POST /_fake/status "{\"wamid\":\"$wamid\",\"status\":\"delivered\",\"phone_number_id\":\"$PHONE_ID\",\"recipient\":\"$N\"}"
  assert_equal "$(jbody .webhook_status)" 200
  assert_equal "$(jbody .webhook_body)" '{"received":true,"routed":1}'
  wait_status "$wamid" 'delivered|t|f'
  fake POST /_fake/status "{\"wamid\":\"$wamid\",\"status\":\"read\",\"phone_number_id\":\"$PHONE_ID\",\"recipient\":\"$N\"}"
  assert_equal "$(jbody .webhook_status)" 200
  wait_status "$wamid" 'read|t|t'
  api GET "$CLOUD_GW/api/messages/log?instance_name=$INST" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -r --arg w "$wamid" '.logs[] | select(.wa_message_id == $w) | .status' <<<"$body")" read
}

@test "a bad or missing signature is refused by the gateway's /webhook/meta and changes nothing" {
  send sendText "{\"number\":\"$N\",\"text\":\"do not touch\"}"
  wamid=$(jbody .key.id)
  wait_status "$wamid" 'sent|f|f'
  fake POST /_fake/status "{\"wamid\":\"$wamid\",\"status\":\"read\",\"phone_number_id\":\"$PHONE_ID\",\"recipient\":\"$N\",\"bad_signature\":true}"
  assert_equal "$(jbody .webhook_status)" 403
  payload="{\"entry\":[{\"changes\":[{\"value\":{\"metadata\":{\"phone_number_id\":\"$PHONE_ID\"},\"statuses\":[{\"id\":\"$wamid\",\"status\":\"read\",\"recipient_id\":\"$N\"}]}}]}]}"
  api POST "$CLOUD_GW/webhook/meta" "$payload"
  assert_equal "$code" 401
  assert_equal "$(jbody '.response.message[0]')" 'Missing X-Hub-Signature-256'
  sleep 0.5
  assert_equal "$(log_status "$wamid")" 'sent|f|f'
}

@test "a failed status (131026) marks the log failed" {
  send sendText "{\"number\":\"$N\",\"text\":\"undeliverable\"}"
  wamid=$(jbody .key.id)
  wait_status "$wamid" 'sent|f|f'
  fake POST /_fake/status "{\"wamid\":\"$wamid\",\"status\":\"failed\",\"phone_number_id\":\"$PHONE_ID\",\"recipient\":\"$N\",\"error\":{\"code\":131026,\"title\":\"Message undeliverable\"}}"
  assert_equal "$(jbody .webhook_status)" 200
  wait_status "$wamid" 'failed|f|f'
}

@test "Meta error 131047 on send: the caller gets a clear 400 mentioning 131047, with metaError" {
  fake POST /_fake/next-error '{"code":131047,"message":"Re-engagement message","type":"OAuthException"}'
  send sendText "{\"number\":\"$N\",\"text\":\"too late\"}"
  assert_equal "$code" 400
  assert_equal "$(jbody .response.metaError.code)" 131047
  [[ $(jbody '.response.message[0]') == 'Meta error 131047: more than 24 hours passed'* ]]
  # the message log keeps the failure with Meta's words
  wait_q "select count(*) from message_logs where instance_name = '$INST' and status = 'failed' and error_message like '%131047%'" 1
  # ... and a template still goes through
  send sendTemplate "{\"number\":\"$N\",\"name\":\"hello_world\",\"language\":\"en_US\"}"
  assert_equal "$code" 201
}

@test "GET /webhook/meta verification works through the gateway without an apikey" {
  api GET "$CLOUD_GW/webhook/meta?hub.mode=subscribe&hub.verify_token=$VERIFY&hub.challenge=8675309"
  assert_equal "$code" 200
  assert_equal "$body" 8675309
  [[ $(header Content-Type) == text/plain* ]]
  api GET "$CLOUD_GW/webhook/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1"
  assert_equal "$code" 403
  # The stack's own gateway (sandbox upstream, no verify token configured) refuses every verification.
  api GET "/webhook/meta?hub.mode=subscribe&hub.verify_token=&hub.challenge=1"
  assert_equal "$code" 403
}

@test "inbound Cloud API messages reach GET /api/messages/inbound: the owner and an admin see them, another user does not" {
  fake POST /_fake/inbound "{\"phone_number_id\":\"$PHONE_ID\",\"from\":\"$N\",\"text\":\"hola negocio\",\"name\":\"Ana\"}"
  assert_equal "$(jbody .webhook_status)" 200
  assert_equal "$(jbody .webhook_body)" '{"received":true,"routed":1}'
  for _ in $(seq 100); do
    api GET "$CLOUD_GW/api/messages/inbound?instance=$INST" "" "$T1"
    [ "$(jbody '[.messages[] | select(.text == "hola negocio")] | length')" = 1 ] && break
    sleep 0.1
  done
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.messages[] | select(.text == "hola negocio")][0] | [.instance_name, .from_number, .message_type]' <<<"$body")" "[\"$INST\",\"$N\",\"conversation\"]"
  api GET "$CLOUD_GW/api/messages/inbound?instance=$INST" "" "$(admin_token)"
  assert_equal "$(jbody '[.messages[] | select(.text == "hola negocio")] | length')" 1
  other=$(unique cother)
  create_user "$other" "$PW" >/dev/null
  t2=$(login "$other" "$PW")
  api GET "$CLOUD_GW/api/messages/inbound?instance=$INST" "" "$t2"
  assert_equal "$code" 403
  api GET "$CLOUD_GW/api/messages/inbound" "" "$t2"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.messages[] | select(.text == "hola negocio")] | length')" 0
}

@test "nothing but /webhook/meta became public: other upstream paths still need a session" {
  api GET "$CLOUD_GW/webhook/find/$INST"
  assert_equal "$code" 401
  api POST "$CLOUD_GW/webhook/set/$INST" '{"url":"http://x.example"}'
  assert_equal "$code" 401
  api GET "$CLOUD_GW/webhook/meta/other"
  assert_equal "$code" 401
  api GET "$CLOUD_GW/instance/fetchInstances"
  assert_equal "$code" 401
}

@test "sendTemplate on the sandbox stack: logged as template; a WHATSAPP-BAILEYS instance gets a clear 400" {
  web=$(unique cweb)
  api POST /instance/create "{\"instanceName\":\"$web\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  assert_equal "$code" 201
  upstream_api POST "/sandbox/instances/$web/scan"
  api POST "/message/sendTemplate/$web" "{\"number\":\"$N\",\"name\":\"x\",\"language\":\"es\"}" "$T1"
  assert_equal "$code" 400
  [[ $body == *'Templates are only sent by WHATSAPP-BUSINESS'* ]]
  biz=$(unique csbx)
  api POST /instance/create "{\"instanceName\":\"$biz\",\"integration\":\"WHATSAPP-BUSINESS\",\"token\":\"sandbox-token\",\"number\":\"$PHONE_ID\"}" "$T1"
  assert_equal "$code" 201
  api POST "/message/sendTemplate/$biz" "{\"number\":\"$N\",\"name\":\"hello_world\",\"language\":\"en_US\"}" "$T1"
  assert_equal "$code" 201
  wait_q "select message_type from message_logs where wa_message_id = '$(jbody .key.id)'" template
}

@test "fetchInstances never gives back a Cloud API token (the Meta access token), to its owner or to an admin" {
  biz=$(unique ctok)
  api POST /instance/create "{\"instanceName\":\"$biz\",\"integration\":\"WHATSAPP-BUSINESS\",\"token\":\"EAAG-do-not-echo\",\"number\":\"$PHONE_ID\"}" "$T1"
  assert_equal "$code" 201
  [[ $body != *EAAG-do-not-echo* ]]
  for tok in "$T1" "$(admin_token)"; do
    api GET "/instance/fetchInstances?instanceName=$biz" "" "$tok"
    assert_equal "$code" 200
    assert_equal "$(jq -c --arg n "$biz" '[.[] | select(.name == $n) | .token, .tokenSet]' <<<"$body")" '[null,true]'
    [[ $body != *EAAG-do-not-echo* ]]
  done
}

@test "the per-IP limit applies to the public /webhook/meta (429 JSON with Retry-After)" {
  url="$CLOUD_GW/webhook/meta?hub.mode=subscribe&hub.verify_token=$VERIFY&hub.challenge=1"
  codes=$(seq 150 | xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 "$url")
  [ "$(grep -c '^429$' <<<"$codes")" -ge 50 ]
  # The bucket refills one a second: on a loaded machine a second may pass before the next request, and
  # that one is let through. The next ones, back to back, find it empty.
  for _ in $(seq 10); do
    api GET "$url"
    [ "$code" = 429 ] && break
  done
  assert_equal "$code" 429
  assert_equal "$(jbody .error)" 'Too many requests'
  [ -n "$(header Retry-After)" ]
}
