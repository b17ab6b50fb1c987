#!/usr/bin/env bats
# 22-messaging-log: each /message/* send through the gateway writes exactly one message_logs row (D13, docs/decisions.md#d13):
# every type, JIDs, failures with the upstream's error, wa_message_id; per-IP 429 JSON (D8, docs/decisions.md#d8); 413 JSON.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique msg) U2=$(unique msg2)
  export U1_ID=$(create_user "$U1" "$PW") U2_ID=$(create_user "$U2" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
  export I=$(unique mi)
  api POST /instance/create "{\"instanceName\":\"$I\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ]
  api GET "/instance/connect/$I" "" "$T1"
  upstream_api POST "/sandbox/instances/$I/scan"
  [ "$code" = 200 ]
}

teardown_file() {
  stop_extra_gateways
}

# rows WHERE — message_logs rows of this file's instance, after the batch flush (200 ms).
rows() {
  sleep 0.5
  psql_q "select $1 from message_logs where instance_name='$I' and $2"
}

@test "sendText: one row, type text, status sent, wa_message_id = key.id, number as given" {
  n="5959811$(printf '%05d' $((RANDOM % 99999)))"
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"hola\"}" "$T1"
  assert_equal "$code" 201
  id=$(jbody .key.id)
  # sent, or already further along the sandbox's ack chain (delivered, read: SANDBOX_ACK_DELAY_MS apart).
  assert_equal "$(rows "user_id, message_type, status in ('sent','delivered','read'), wa_message_id, error_message is null" "phone_number='$n'")" "$U1_ID|text|t|$id|t"
}

@test "every send type is logged once with its type (media: its mediatype)" {
  n="5959812$(printf '%05d' $((RANDOM % 99999)))"
  api POST "/message/sendMedia/$I" "{\"number\":\"$n\",\"mediatype\":\"image\",\"media\":\"https://example.com/a.jpg\"}" "$T1"
  api POST "/message/sendMedia/$I" "{\"number\":\"$n\",\"mediatype\":\"document\",\"media\":\"https://example.com/a.pdf\",\"fileName\":\"a.pdf\"}" "$T1"
  api POST "/message/sendWhatsAppAudio/$I" "{\"number\":\"$n\",\"audio\":\"https://example.com/a.mp3\"}" "$T1"
  api POST "/message/sendLocation/$I" "{\"number\":\"$n\",\"latitude\":-25.3,\"longitude\":-57.6,\"name\":\"n\",\"address\":\"a\"}" "$T1"
  api POST "/message/sendContact/$I" "{\"number\":\"$n\",\"contact\":[{\"fullName\":\"X\",\"wuid\":\"595981000111\",\"phoneNumber\":\"+595981000111\"}]}" "$T1"
  api POST "/message/sendPoll/$I" "{\"number\":\"$n\",\"name\":\"q\",\"selectableCount\":1,\"values\":[\"a\",\"b\"]}" "$T1"
  api POST "/message/sendList/$I" "{\"number\":\"$n\",\"title\":\"t\",\"description\":\"d\",\"buttonText\":\"b\",\"footerText\":\"f\",\"sections\":[{\"title\":\"s\",\"rows\":[{\"title\":\"r\",\"description\":\"d\",\"rowId\":\"1\"}]}]}" "$T1"
  api POST "/message/sendButtons/$I" "{\"number\":\"$n\",\"title\":\"t\",\"description\":\"d\",\"footer\":\"f\",\"buttons\":[{\"type\":\"reply\",\"displayText\":\"A\",\"id\":\"a\"}]}" "$T1"
  assert_equal "$(rows "string_agg(message_type, ',' order by id)" "phone_number='$n'")" "image,document,audio,location,contact,poll,list,buttons"
}

@test "reaction: logged with the key's remoteJid; JIDs up to 128 chars are kept" {
  jid="5959813$(printf '%05d' $((RANDOM % 99999)))@s.whatsapp.net"
  api POST "/message/sendText/$I" "{\"number\":\"$jid\",\"text\":\"to a jid\"}" "$T1"
  assert_equal "$code" 201
  key=$(jbody .key.id)
  api POST "/message/sendReaction/$I" "{\"key\":{\"remoteJid\":\"$jid\",\"fromMe\":true,\"id\":\"$key\"},\"reaction\":\"ok\"}" "$T1"
  assert_equal "$(rows "string_agg(message_type, ',' order by id)" "phone_number='$jid'")" "text,reaction"
}

@test "a refused send is logged once as failed with the upstream's error text" {
  n="5959814$(printf '%01d' $((RANDOM % 9)))0000"
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"nobody\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(rows "status, wa_message_id is null" "phone_number='$n'")" "failed|t"
  [[ "$(rows "error_message" "phone_number='$n'")" == *exists* ]]
}

@test "sends refused by the gateway (ownership) are not logged; big bodies are logged (no 8 KiB limit)" {
  n="5959815$(printf '%05d' $((RANDOM % 99999)))"
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"x\"}" "$T2"
  assert_equal "$code" 403
  big=$(head -c 30000 /dev/zero | base64 -w0)
  printf '{"number":"%s","mediatype":"document","fileName":"z.bin","media":"%s"}' "$n" "$big" >"$BATS_TEST_TMPDIR/big.json"
  api POST "/message/sendMedia/$I" "@$BATS_TEST_TMPDIR/big.json" "$T1"
  assert_equal "$code" 201
  assert_equal "$(rows "user_id, message_type" "phone_number='$n'")" "$U1_ID|document"
}

@test "per-IP limit on /message/*: 429 JSON with Retry-After, before auth; other paths unaffected" {
  start_extra_gateway MESSAGE_IP_RATE=1 MESSAGE_IP_BURST=2 WORKERS_ENABLED=false
  api POST "$EXTRA_URL/message/sendText/$I" '{"number":"1","text":"x"}'
  assert_equal "$code" 401
  api POST "$EXTRA_URL/message/sendText/$I" '{"number":"1","text":"x"}'
  assert_equal "$code" 401
  api POST "$EXTRA_URL/message/sendText/$I" '{"number":"1","text":"x"}'
  assert_equal "$code" 429
  assert_equal "$(jbody .error)" "Too many requests"
  [ "$(header retry-after)" -ge 1 ]
  [[ "$(header content-type)" == application/json* ]]
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$T1"
  assert_equal "$code" 200
}

@test "bodies over BODY_LIMIT_MB are 413 JSON, chunked ones included" {
  start_extra_gateway BODY_LIMIT_MB=1 WORKERS_ENABLED=false
  head -c 1200000 /dev/zero | tr '\0' 'a' >"$BATS_TEST_TMPDIR/huge.txt"
  printf '{"number":"595981000001","text":"%s"}' "$(cat "$BATS_TEST_TMPDIR/huge.txt")" >"$BATS_TEST_TMPDIR/huge.json"
  api POST "$EXTRA_URL/message/sendText/$I" "@$BATS_TEST_TMPDIR/huge.json" "$T1"
  assert_equal "$code" 413
  assert_equal "$(jbody .error)" "Request body too large"
  API_EXTRA_ARGS=(-H 'Transfer-Encoding: chunked')
  api POST "$EXTRA_URL/message/sendText/$I" "@$BATS_TEST_TMPDIR/huge.json" "$T1"
  API_EXTRA_ARGS=()
  assert_equal "$code" 413
  [[ "$(header content-type)" == application/json* ]]
}
