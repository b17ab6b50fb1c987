#!/usr/bin/env bats
# 25-outbound-guard: media URLs a user sends are fetched by the upstream only through the outbound-request
# guard (docs/security.md). Internal addresses in every spelling, a redirect to one, and a name resolving
# to one are a 400 and nothing reaches the internal listener; a media URL on an allowed test host sends.
# The stack's upstream runs with the TESTS ONLY settings OUTBOUND_ALLOWED_HOSTS=allowed.test and
# OUTBOUND_TEST_RESOLVE=allowed.test=127.0.0.1,evil.test=127.0.0.1 (scripts/test.ts).

load helpers

PW='Passw0rd_Ok'
N='595981000777'

start_helper() { # SCRIPT NAME -> exports <NAME>_OUT, <NAME>_PORT
  local out="$BATS_FILE_TMPDIR/$2.jsonl" port_file="$BATS_FILE_TMPDIR/$2.port"
  (cd "$REPO_ROOT" && exec node --import tsx "$1" "$out" "$port_file") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/$2.pid"
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
  export "${2}_OUT=$out" "${2}_PORT=$(cat "$port_file")"
}

setup_file() {
  export U1=$(unique og)
  create_user "$U1" "$PW" '{"max_instances":2}' >/dev/null
  export T1=$(login "$U1" "$PW")
  export INST=$(unique ogi)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ] || { echo "instance create: $code $body" >&2; return 1; }
  upstream_api POST "/sandbox/instances/$INST/scan"
  # An "internal service" nothing may reach, and a media host on the allowed test name.
  start_helper tests/support/webhook-receiver.ts INTERNAL
  start_helper tests/support/media-host.ts MEDIA
}

teardown_file() {
  for n in INTERNAL MEDIA; do
    [ -f "$BATS_FILE_TMPDIR/$n.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/$n.pid")" 2>/dev/null
  done
  return 0
}

send_media() { # URL
  api POST "/message/sendMedia/$INST" "$(jq -nc --arg n "$N" --arg m "$1" '{number:$n,mediatype:"image",media:$m,fileName:"x.png"}')" "$T1"
}

@test "sendMedia to internal addresses, a redirect to one, and a name resolving to one: 400, nothing reaches the listener" {
  local P=$INTERNAL_PORT
  local redirect="http://allowed.test:$MEDIA_PORT/redirect?to=http://127.0.0.1:$P/stolen"
  while IFS='|' read -r url msg; do
    send_media "$url"
    assert_equal "$url -> $code $(jbody '.response.message[0]')" "$url -> 400 $msg"
  done <<EOF_URLS
http://127.0.0.1:$P/x|media URL refused: 127.0.0.1 is a loopback address
http://[::ffff:7f00:1]:$P/x|media URL refused: [::ffff:7f00:1] is a loopback address
http://[::ffff:127.0.0.1]:$P/x|media URL refused: [::ffff:7f00:1] is a loopback address
http://169.254.169.254/latest/meta-data/|media URL refused: 169.254.169.254 is a cloud metadata address
http://localhost:$P/x|media URL refused: localhost is a loopback host name
http://evil.test:$P/x|media URL refused: evil.test resolves to a loopback address
$redirect|media URL refused: redirected to a refused address: 127.0.0.1 is a loopback address
EOF_URLS
  api POST "/message/sendWhatsAppAudio/$INST" "{\"number\":\"$N\",\"audio\":\"http://127.0.0.1:$P/a.ogg\"}" "$T1"
  assert_equal "$code" 400
  # The redirect was asked of the allowed host; its target never was.
  grep -q '"/redirect?to=' "$MEDIA_OUT"
  sleep 1
  assert_equal "$(wc -l <"$INTERNAL_OUT" | tr -d ' ')" 0
}

@test "a media URL on an allowed test host is downloaded by the upstream and sent" {
  send_media "http://allowed.test:$MEDIA_PORT/pic.png"
  assert_equal "$code" 201
  # The host answers the bytes "media:/pic.png": the message carries their length.
  assert_equal "$(jbody .message.imageMessage.fileLength)" 14
  grep -q '"path":"/pic.png"' "$MEDIA_OUT"
}
