#!/usr/bin/env bats
# 16-http-correctness (issue 14): HEAD answers as its GET without a body on every kind of route
# (native, proxied, panel and status files, errors); OPTIONS keeps its 204; webhook create checks in the
# reference's order and keeps unknown events as `ignored_events`; text PostgreSQL cannot store (NUL) or
# invalid UTF-8 is a 400 naming the field; CSV exports neutralise formula cells; bodiless DELETE/POST
# are forwarded upstream.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique hc1) U2=$(unique hc2)
  create_user "$U1" "$PW" '{"max_instances":3}' >/dev/null
  create_user "$U2" "$PW" >/dev/null
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
  export INST=$(unique hci)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ] || { echo "instance create: $code $body" >&2; return 1; }
}

teardown_file() {
  stop_extra_gateways
}

# comparable_headers: the last response's headers minus what differs between two requests anyway.
comparable_headers() {
  printf '%s\n' "$headers" | sed -n '2,$p' | grep -v '^$' | grep -viE '^(date|connection|keep-alive|x-ratelimit-remaining|x-ratelimit-reset):' | tr '[:upper:]' '[:lower:]' | sort
}

# same_as_get PATH [TOKEN] [BASE]: HEAD PATH answers GET's status and headers (Content-Length included) and no body.
same_as_get() {
  local url="${3:-$GATEWAY_URL}$1"
  API_EXTRA_ARGS=(-H 'X-Request-ID: hc-head-check')
  api GET "$url" "" "${2:-}"
  local get_code=$code get_headers get_len
  get_headers=$(comparable_headers)
  get_len=$(header content-length)
  [ -n "$get_len" ] || { echo "GET $1 has no Content-Length" >&2; return 1; }
  # curl -I, not -X HEAD (which would wait for the Content-Length bytes); raw_head checks there are none.
  local auth=()
  [ -n "${2:-}" ] && auth=(-H "apikey: $2")
  code=$(curl -sS -I -o /dev/null -D "$BATS_TEST_TMPDIR/head-headers" -w '%{http_code}' --max-time 10 "${API_EXTRA_ARGS[@]}" "${auth[@]}" "$url") || true
  headers=$(tr -d '\r' <"$BATS_TEST_TMPDIR/head-headers")
  API_EXTRA_ARGS=()
  assert_equal "HEAD $1 -> $code" "HEAD $1 -> $get_code"
  assert_equal "$(comparable_headers)" "$get_headers"
  assert_equal "$(header x-request-id)" hc-head-check
  assert_equal "$(header x-content-type-options)" nosniff
  assert_equal "$(header strict-transport-security)" 'max-age=31536000; includeSubDomains'
}

@test "HEAD: /health, a native /api route, a proxied route, /admin/, /status/, 404 and 401 answer GET's headers without a body" {
  same_as_get /health
  same_as_get /api/auth/me "$T1"
  same_as_get /api/auth/me
  same_as_get "/instance/connectionState/$INST" "$T1"
  same_as_get /instance/fetchInstances "$T1"
  same_as_get /admin/
  same_as_get /status/
  same_as_get /status/status.js
  same_as_get /no/such/route/here "$T1"
  same_as_get /api/no-such-thing "$T1"
}

# raw_head PATH [TOKEN]: the bytes a HEAD answer puts on the wire (Connection: close, so all of them).
raw_head() {
  local hostport=${GATEWAY_URL#http://} auth=''
  [ -n "${2:-}" ] && auth="apikey: $2"$'\r\n'
  exec 5<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf 'HEAD %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s\r\n' "$1" "$hostport" "$auth" >&5
  timeout 10 cat <&5
  exec 5<&-
}

@test "HEAD: nothing follows the headers on the wire (native and proxied)" {
  for p in /health "/instance/connectionState/$INST" /no/such/route; do
    local wire
    wire=$(raw_head "$p" "$T1" | od -An -c | tr -d ' \n')
    [[ "$wire" == *'\r\n\r\n' ]] || { echo "HEAD $p: bytes after the header block: $wire" >&2; return 1; }
  done
}

@test "HEAD: the raw curl -I on /health has the security headers, X-Request-ID and Content-Length" {
  run curl -sI "$GATEWAY_URL/health"
  assert_success
  assert_output --regexp '(^|'$'\n'')HTTP/1.1 200'
  assert_output --partial 'x-content-type-options: nosniff'
  assert_output --partial 'x-frame-options: DENY'
  assert_output --regexp 'x-request-id: [A-Za-z0-9-]+'
  assert_output --regexp '[Cc]ontent-[Ll]ength: [1-9][0-9]*'
}

@test "HEAD carries the CORS headers when CORS_ORIGIN is set; OPTIONS stays a 204 preflight" {
  start_extra_gateway CORS_ORIGIN=https://panel.example WORKERS_ENABLED=false 3>&-
  same_as_get /health "" "$EXTRA_URL"
  assert_equal "$(header access-control-allow-origin)" https://panel.example
  same_as_get /api/auth/me "$T1" "$EXTRA_URL"
  assert_equal "$(header access-control-allow-origin)" https://panel.example
  api OPTIONS "$EXTRA_URL/api/auth/me"
  assert_equal "$code" 204
  assert_equal "$(header access-control-allow-origin)" https://panel.example
  assert_equal "$body" ""
  api OPTIONS /instance/fetchInstances
  assert_equal "$code" 204
  stop_extra_gateway
}

@test "text: a template name with \\u0000 is a 400 naming the field, not a 500" {
  api POST /api/templates '{"name":"bad\u0000name","content":"hello"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'name must not contain NUL characters'
  api POST /api/templates '{"name":"ok","content":"a\u0000"}' "$T1"
  assert_equal "$code $(jbody .error)" '400 content must not contain NUL characters'
  # a literal backslash-u0000 is ordinary text
  api POST /api/templates '{"name":"literal","content":"a\\u0000"}' "$T1"
  assert_equal "$code" 201
  assert_equal "$(jbody .template.content)" 'a\u0000'
}

@test "text: an invalid UTF-8 body is a 400 naming the field, on native and send routes" {
  printf '{"name":"x","content":"caf\xc3\x28"}' >"$BATS_TEST_TMPDIR/bad.json"
  api POST /api/templates "@$BATS_TEST_TMPDIR/bad.json" "$T1"
  assert_equal "$code $(jbody .error)" '400 content is not valid UTF-8'
  printf '{"number":"595981000001","text":"\xff"}' >"$BATS_TEST_TMPDIR/send.json"
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/send.json" "$T1"
  assert_equal "$code $(jbody .error)" '400 text is not valid UTF-8'
  api POST "/message/sendText/$INST" '{"number":"595981000001","text":"a\u0000"}' "$T1"
  assert_equal "$code $(jbody .error)" '400 text must not contain NUL characters'
  # text/csv import
  api POST /api/contacts '{"name":"hc list"}' "$T1"
  local list=$(jbody .list.id)
  printf 'phone_number,label\n595981000001,a\x00b\n' >"$BATS_TEST_TMPDIR/nul.csv"
  _http POST "$GATEWAY_URL/api/contacts/$list/import" "" -H 'Content-Type: text/csv' -H "apikey: $T1" --data-binary "@$BATS_TEST_TMPDIR/nul.csv"
  assert_equal "$code $(jbody .error)" '400 csv must not contain NUL characters'
}

@test "text: NUL or bad percent-encoding in a path or query string is a 400, not a 500" {
  api GET /admin/%zz "" "$(admin_token)"
  assert_equal "$code $(jbody .error)" '400 Invalid path'
  api GET '/admin/assets/%zz'
  assert_equal "$code $(jbody .error)" '400 Invalid path'
  api GET '/api/messages?q=%00' "" "$T1"
  assert_equal "$code $(jbody .error)" '400 q must not contain NUL characters'
  api GET '/api/templates?search=%e9' "" "$T1"
  assert_equal "$code $(jbody .error)" '400 search has invalid percent-encoding'
  api GET "/chat/findChats/$INST?x=%00" "" "$T1"
  assert_equal "$code $(jbody .error)" '400 x must not contain NUL characters'
  api GET '/api/templates?search=%C3%B1' "" "$T1"
  assert_equal "$code" 200
}

hook() { # INSTANCE URL EVENTS_JSON TOKEN
  api POST /api/webhooks "$(jq -nc --arg i "$1" --arg u "$2" --argjson e "$3" '{instance_name:$i,webhook_url:$u,events:$e}')" "$4"
}

@test "webhook create order: shape -> URL syntax 400 -> 403 -> 409 -> URL target 400" {
  # a stranger: syntax errors first, then 403 whatever the target (even unresolvable or private)
  hook "$INST" 'ftp://hook.example.invalid/x' '[]' "$T2"
  assert_equal "$code $(jbody .error)" '400 webhook_url must start with http:// or https://'
  hook "$INST" 'http://hook.example.invalid/x' '[]' "$T2"
  assert_equal "$code $(jbody .error)" '403 You do not own this instance'
  hook "$INST" 'http://10.0.0.1/x' '[]' "$T2"
  assert_equal "$code $(jbody .error)" '403 You do not own this instance'
  # the owner: a forbidden target is 400; a name that does not resolve (RFC 6761 .invalid) is accepted
  hook "$INST" 'http://169.254.169.254/latest' '[]' "$T1"
  assert_equal "$code $(jbody .error)" '400 webhook_url cannot point to cloud metadata'
  hook "$INST" 'http://hook.example.invalid/in' '[]' "$T1"
  assert_equal "$code" 201
  local id=$(jbody .webhook.id)
  assert_equal "$(jq -c .ignored_events <<<"$body")" '[]'
  # one per instance comes before the target rules
  hook "$INST" 'http://127.0.0.1/x' '[]' "$T1"
  assert_equal "$code $(jbody .error)" '409 Webhook already exists for this instance'
  api DELETE "/api/webhooks/$id" "" "$T1"
  assert_equal "$code" 200
}

@test "webhook events: create keeps unknown names as ignored_events (not synced); update still refuses them" {
  hook "$INST" 'https://93.184.216.34/hc' '["MESSAGE","MESSAGES_UPSERT","messages.upsert"]' "$T1"
  assert_equal "$code" 201
  local id=$(jbody .webhook.id)
  assert_equal "$(jq -c .webhook.events <<<"$body")" '["MESSAGE","MESSAGES_UPSERT","messages.upsert"]'
  assert_equal "$(jq -c .ignored_events <<<"$body")" '["MESSAGE","messages.upsert"]'
  assert_equal "$(jbody .webhook.needs_sync)" false
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jq -c '[.enabled, .events]' <<<"$body")" '[true,["MESSAGES_UPSERT"]]'
  api PUT "/api/webhooks/$id" '{"events":["MESSAGE"]}' "$T1"
  assert_equal "$code $(jbody .error)" '400 Invalid event: MESSAGE'
  api DELETE "/api/webhooks/$id" "" "$T1"
  # only unknown names: wants nothing deliverable, so the upstream webhook is not enabled for it
  hook "$INST" 'https://93.184.216.34/hc2' '["MESSAGE"]' "$T1"
  assert_equal "$code $(jq -c .ignored_events <<<"$body")" '201 ["MESSAGE"]'
  id=$(jbody .webhook.id)
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .enabled)" false
  api DELETE "/api/webhooks/$id" "" "$T1"
}

@test "CSV exports neutralise cells starting with = + - @ tab or CR (contacts and messages)" {
  api POST /api/contacts '{"name":"hc csv"}' "$T1"
  local list=$(jbody .list.id)
  api POST "/api/contacts/$list/items" '{"items":[
    {"phone_number":"595981000011","label":"=HYPERLINK(\"http://x\")"},
    {"phone_number":"595981000012","label":"+1"},
    {"phone_number":"595981000013","label":"-2+3"},
    {"phone_number":"595981000014","label":"@SUM(A1)"},
    {"phone_number":"595981000015","label":"\tTAB"},
    {"phone_number":"595981000016","label":"\rCR"},
    {"phone_number":"595981000017","label":"a=b"}]}' "$T1"
  assert_equal "$code" 201
  api GET "/api/contacts/$list/export" "" "$T1"
  assert_equal "$code" 200
  local expected
  expected=$(printf '%s\n' 'phone_number,label' \
    "595981000011,\"'=HYPERLINK(\"\"http://x\"\")\"" "595981000012,'+1" "595981000013,'-2+3" "595981000014,'@SUM(A1)" \
    "595981000015,'"$'\t'"TAB" "595981000016,\"'"$'\r'"CR\"" '595981000017,a=b')
  assert_equal "$(sort <<<"$body")" "$(sort <<<"$expected")"
  # the message history export goes through the same cell writer
  local uid=$(psql_q "select id from users where username='$U1'")
  psql_q "insert into message_logs (user_id, instance_name, phone_number, message_type, status, error_message)
          values ($uid, '$INST', '595981000021', 'text', 'failed', '=cmd|''/c calc''!A1'), ($uid, '$INST', '+595981000022', 'text', 'failed', '@x')"
  api GET "/api/messages/export?instance_name=$INST" "" "$T1"
  assert_equal "$code" 200
  [[ "$body" == *",595981000021,text,failed,'=cmd|'/c calc'!A1,"* ]]
  [[ "$body" == *",'+595981000022,text,failed,'@x,"* ]]
}

@test "proxy: bodiless DELETE and POST are forwarded (not an empty 400)" {
  local inst=$(unique hcl)
  api POST /instance/create "{\"instanceName\":\"$inst\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  assert_equal "$code" 201
  api GET "/instance/connect/$inst" "" "$T1"
  upstream_api POST "/sandbox/instances/$inst/scan"
  assert_equal "$code" 200
  # curl -X POST / -X DELETE without data: no Content-Length, no Transfer-Encoding
  api POST "/instance/restart/$inst" "" "$T1"
  assert_equal "$code" 200
  [ -n "$body" ]
  api GET "/instance/connect/$inst" "" "$T1"
  upstream_api POST "/sandbox/instances/$inst/scan"
  api DELETE "/instance/logout/$inst" "" "$T1"
  assert_equal "$code $(jbody .status)" '200 SUCCESS'
  # an explicit empty body (Content-Length: 0) too; now closed, so the upstream's own JSON 400
  _http DELETE "$GATEWAY_URL/instance/logout/$inst" "" -H "apikey: $T1" -H 'Content-Length: 0'
  assert_equal "$code" 400
  [ -n "$(jbody .response.message)" ]
  # and DELETE bodies, sized or chunked, still reach it
  api DELETE "/instance/logout/$inst" '{}' "$T1"
  assert_equal "$code" 400
  [ -n "$(jbody .response.message)" ]
  _http DELETE "$GATEWAY_URL/instance/logout/$inst" '{}' -H "apikey: $T1" -H 'Transfer-Encoding: chunked'
  assert_equal "$code" 400
  [ -n "$(jbody .response.message)" ]
  api DELETE "/instance/delete/$inst" "" "$T1"
  assert_equal "$code" 200
}
