#!/usr/bin/env bats
# 27-create-side-channels (issue 24, D3 (docs/decisions.md#d3)): POST /instance/create cannot set a webhook, event bus, proxy
# or Chatwoot for a user (400 naming the field when it carries a value, dropped when empty); an admin's
# create, /webhook/set and /proxy/set are refused when an address in them fails the SSRF check. And a
# request whose head or body stalls ends in 408 with the connection closed (REQUEST_BODY_TIMEOUT_MS),
# on native routes, the Hono send path, the Node-level send path and the streamed proxy hop.

load helpers

PW='Passw0rd_Ok'
ADMIN_ONLY='may only be set by an admin; users set webhooks through /api/webhooks'

setup_file() {
  export U=$(unique scu)
  create_user "$U" "$PW" '{"max_instances":5}' >/dev/null
  export T=$(login "$U" "$PW") TA=$(admin_token)
  export INST=$(unique sci)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T"
  [ "$code" = 201 ] || { echo "instance create: $code $body" >&2; return 1; }
  api GET "/instance/connect/$INST" "" "$T"
  upstream_api POST "/sandbox/instances/$INST/scan"
  # A loopback listener: what an injected webhook would post to.
  export RECV_OUT="$BATS_FILE_TMPDIR/recv.jsonl" RECV_PORT_FILE="$BATS_FILE_TMPDIR/recv.port"
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/webhook-receiver.ts "$RECV_OUT" "$RECV_PORT_FILE") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/recv.pid"
  for _ in $(seq 100); do [ -s "$RECV_PORT_FILE" ] && break; sleep 0.1; done
  export RECV_PORT=$(cat "$RECV_PORT_FILE")
  # A gateway with a short body deadline (and request lines in its log) for the 408 tests.
  start_extra_gateway REQUEST_BODY_TIMEOUT_MS=1500 LOG_LEVEL=info WORKERS_ENABLED=false >/dev/null
  export SLOW_GW=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$EXTRA_STATE") SLOW_LOG=$(sed -n "s/^LOG='\(.*\)'$/\1/p" "$EXTRA_STATE")
  # A client that sends a request head (and maybe the start of a body) and then nothing.
  cat >"$BATS_FILE_TMPDIR/stall.mjs" <<'EOF_JS'
// node stall.mjs BASE METHOD PATH PARTIAL LEAVE_MS [HEADER...]
// PARTIAL is written after the head; "-" means: stop inside the head (no blank line). LEAVE_MS > 0 hangs
// up after that long. Prints "<ms> <status|000> <closed|open> <body>" when the server closes the
// connection, or after 10 s.
import net from 'node:net'
const [base, method, path, partial, leave, ...headers] = process.argv.slice(2)
const u = new URL(base)
const t0 = Date.now()
let raw = ''
let finished = false
const done = (closed) => {
  if (finished) return
  finished = true
  const status = /^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? '000'
  const body = raw.includes('\r\n\r\n') ? raw.slice(raw.indexOf('\r\n\r\n') + 4) : ''
  // Written before exiting: a write to a pipe is asynchronous.
  process.stdout.write(`${Date.now() - t0} ${status} ${closed ? 'closed' : 'open'} ${body.match(/\{.*\}/s)?.[0] ?? ''}\n`, () => process.exit(0))
}
const s = net.connect(Number(u.port), u.hostname, () => {
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${u.host}\r\n${headers.map((h) => `${h}\r\n`).join('')}`
  s.write(partial === '-' ? head : `${head}\r\n${partial}`)
  if (Number(leave) > 0) setTimeout(() => { s.destroy(); done(false) }, Number(leave))
})
s.on('data', (d) => (raw += d))
s.on('close', () => done(true))
s.on('error', () => done(true))
setTimeout(() => done(false), 10_000)
EOF_JS
}

teardown_file() {
  [ -f "$BATS_FILE_TMPDIR/recv.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/recv.pid")" 2>/dev/null
  stop_extra_gateways
}

create_body() { # NAME EXTRA_JSON
  jq -nc --arg n "$1" --argjson x "$2" '{instanceName:$n,integration:"WHATSAPP-BAILEYS"} + $x'
}

# stall BASE METHOD PATH PARTIAL LEAVE_MS [HEADER...] — sets ms, status, closed, sbody.
stall() {
  read -r ms status closed sbody < <(node "$BATS_FILE_TMPDIR/stall.mjs" "$@")
}

@test "user create: a webhook (or proxy, event bus, chatwoot) with a value is 400 naming it; nothing is created" {
  name=$(unique scx)
  injected="{\"webhook\":{\"enabled\":true,\"url\":\"http://127.0.0.1:$RECV_PORT/in\",\"headers\":{\"X-Injected\":\"yes\"},\"events\":[]}}"
  api POST /instance/create "$(create_body "$name" "$injected")" "$T"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "webhook $ADMIN_ONLY"
  while IFS='|' read -r field value; do
    api POST /instance/create "$(create_body "$name" "{\"$field\":$value}")" "$T"
    assert_equal "$field -> $code $(jbody .error)" "$field -> 400 $field $ADMIN_ONLY"
  done <<EOF_FIELDS
webhookUrl|"http://127.0.0.1:$RECV_PORT/in"
webhook_by_events|true
events|["MESSAGES_UPSERT"]
rabbitmq|{"enabled":true}
websocket|{"enabled":true}
proxyHost|"x"
chatwootUrl|"http://127.0.0.1:$RECV_PORT/"
EOF_FIELDS
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name='$name'")" 0
  upstream_api GET "/instance/fetchInstances?instanceName=$name"
  assert_equal "$code" 404
}

@test "user create: empty side-channel defaults and unknown fields are dropped; no webhook upstream, nothing posted" {
  name=$(unique sce)
  api POST /instance/create "$(create_body "$name" '{"qrcode":false,"webhook":{},"webhookUrl":"","webhook_by_events":false,"events":[],"rabbitmq":{"enabled":false},"sqs":{"enabled":false,"events":["MESSAGES_UPSERT"]},"proxyHost":"","proxyPort":"","chatwootUrl":null,"somethingElse":{"url":"http://127.0.0.1/"}}')" "$T"
  assert_equal "$code" 201
  # A switched-off webhook is dropped too, URL and all.
  name2=$(unique sce)
  api POST /instance/create "$(create_body "$name2" "{\"webhook\":{\"enabled\":false,\"url\":\"http://127.0.0.1:$RECV_PORT/in\"}}")" "$T"
  assert_equal "$code" 201
  for n in "$name" "$name2"; do
    upstream_api GET "/webhook/find/$n"
    assert_equal "$code" 200
    assert_equal "$(jbody '.url // ""')" ''
  done
  # Events happen (connect, scan, a send): the loopback listener hears nothing.
  api GET "/instance/connect/$name" "" "$T"
  upstream_api POST "/sandbox/instances/$name/scan"
  assert_equal "$code" 200
  api POST "/message/sendText/$name" '{"number":"595981000027","text":"hola"}' "$T"
  assert_equal "$code" 201
  sleep 5
  assert_equal "$(wc -l <"$RECV_OUT" | tr -d ' ')" 0
}

@test "admin create: loopback, IPv4-mapped and metadata webhook URLs and a loopback proxy are 400 naming the field" {
  name=$(unique sca)
  while IFS='|' read -r extra msg; do
    api POST /instance/create "$(create_body "$name" "$extra")" "$TA"
    assert_equal "$extra -> $code $(jbody .error)" "$extra -> 400 $msg"
  done <<EOF_URLS
{"webhook":{"enabled":true,"url":"http://127.0.0.1:$RECV_PORT/in","events":[]}}|webhook.url: webhook_url cannot point to localhost
{"webhook":{"enabled":true,"url":"http://[::ffff:127.0.0.1]:$RECV_PORT/","events":[]}}|webhook.url: webhook_url cannot point to localhost
{"webhook":{"enabled":true,"url":"http://169.254.169.254/","events":[]}}|webhook.url: webhook_url cannot point to cloud metadata
{"webhookUrl":"http://10.0.0.5/in"}|webhookUrl: webhook_url cannot point to private/internal IP addresses
{"chatwootUrl":"http://localhost:3000"}|chatwootUrl: webhook_url cannot point to localhost
{"proxyHost":"127.0.0.1","proxyPort":"3128"}|proxyHost: webhook_url cannot point to localhost
EOF_URLS
  assert_equal "$(psql_q "select count(*) from user_instances where instance_name='$name'")" 0
  # A public address passes, and the admin's body is kept whole (the webhook reaches the upstream).
  api POST /instance/create "$(create_body "$name" '{"webhook":{"enabled":false,"url":"https://93.184.216.34/hook","events":[]}}')" "$TA"
  assert_equal "$code" 201
  upstream_api GET "/webhook/find/$name"
  assert_equal "$(jbody .url)" 'https://93.184.216.34/hook'
  api DELETE "/instance/delete/$name" "" "$TA"
}

@test "admin /webhook/set (v2 and v1 bodies) and /proxy/set with a refused address are 400 before the upstream" {
  api POST "/webhook/set/$INST" "{\"webhook\":{\"enabled\":true,\"url\":\"http://127.0.0.1:$RECV_PORT/in\",\"events\":[\"MESSAGES_UPSERT\"]}}" "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'webhook.url: webhook_url cannot point to localhost'
  api POST "/webhook/set/$INST" "{\"url\":\"http://[::ffff:127.0.0.1]:$RECV_PORT/\",\"webhook_by_events\":false,\"events\":[]}" "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'url: webhook_url cannot point to localhost'
  api POST "/WEBHOOK/set/$INST" '{"webhook":{"enabled":true,"url":"http://169.254.169.254/latest","events":[]}}' "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'webhook.url: webhook_url cannot point to cloud metadata'
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody '.url // ""')" ''
  api POST "/proxy/set/$INST" '{"enabled":true,"host":"127.0.0.1","port":"3128","protocol":"http"}' "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'host: webhook_url cannot point to localhost'
  # Not JSON: refused rather than forwarded unchecked (the upstream would read urlencoded bodies).
  API_EXTRA_ARGS=(-H 'Content-Type: application/x-www-form-urlencoded')
  api POST "/webhook/set/$INST" "url=http://127.0.0.1:$RECV_PORT/in" "$TA"
  API_EXTRA_ARGS=()
  assert_equal "$code" 400
  # A public address goes through to the upstream as before.
  api POST "/webhook/set/$INST" '{"webhook":{"enabled":false,"url":"https://93.184.216.34/hook","events":[]}}' "$TA"
  assert_equal "$code" 201
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .url)" 'https://93.184.216.34/hook'
  # Users still get the D3 403, never the address check.
  api POST "/webhook/set/$INST" "{\"webhook\":{\"enabled\":true,\"url\":\"http://127.0.0.1:$RECV_PORT/in\"}}" "$T"
  assert_equal "$code" 403
}

@test "a chunked body that never comes: 408 JSON and the connection closed, on a native route and on sends" {
  for path in /api/templates "/message/sendText/$INST"; do
    stall "$SLOW_GW" POST "$path" '' 0 "apikey: $T" 'Content-Type: application/json' 'Transfer-Encoding: chunked'
    assert_equal "$path -> $status $closed $sbody" "$path -> 408 closed {\"error\":\"Request timeout\"}"
    [ "$ms" -ge 1400 ] && [ "$ms" -lt 3500 ] || { echo "$path answered after $ms ms" >&2; return 1; }
  done
}

@test "a Content-Length larger than what is sent: 408 on the Node-level send path and on a native route" {
  for path in "/message/sendText/$INST" /api/templates; do
    stall "$SLOW_GW" POST "$path" '{"number":"5959' 0 "apikey: $T" 'Content-Type: application/json' 'Content-Length: 200'
    assert_equal "$path -> $status $closed $sbody" "$path -> 408 closed {\"error\":\"Request timeout\"}"
    [ "$ms" -ge 1400 ] && [ "$ms" -lt 3500 ] || { echo "$path answered after $ms ms" >&2; return 1; }
  done
}

@test "a proxied (streamed) route whose body stalls: 408, and the gateway keeps serving" {
  # Chunked bodies are read by the body-limit middleware; a Content-Length body streams to the upstream.
  stall "$SLOW_GW" POST "/chat/whatsappNumbers/$INST" $'9\r\n{"numbers' 0 "apikey: $T" 'Content-Type: application/json' 'Transfer-Encoding: chunked'
  assert_equal "$status $closed $sbody" "408 closed {\"error\":\"Request timeout\"}"
  [ "$ms" -ge 1400 ] && [ "$ms" -lt 3500 ]
  stall "$SLOW_GW" POST "/chat/whatsappNumbers/$INST" '{"numbers":["5959' 0 "apikey: $T" 'Content-Type: application/json' 'Content-Length: 200'
  assert_equal "$status $closed $sbody" "408 closed {\"error\":\"Request timeout\"}"
  [ "$ms" -ge 1400 ] && [ "$ms" -lt 3500 ]
  # The upstream request was aborted, not left holding a socket: the next hop answers normally.
  api POST "$SLOW_GW/chat/whatsappNumbers/$INST" '{"numbers":["595981000027"]}' "$T"
  assert_equal "$code" 200
}

@test "a client that leaves mid-body on a proxied route does not take the gateway down" {
  stall "$SLOW_GW" POST "/chat/whatsappNumbers/$INST" $'9\r\n{"numbers' 300 "apikey: $T" 'Content-Type: application/json' 'Transfer-Encoding: chunked'
  # The streamed hop: its body stream errors when the client leaves (that error once went unheard).
  stall "$SLOW_GW" POST "/chat/whatsappNumbers/$INST" '{"numbers":["5959' 300 "apikey: $T" 'Content-Type: application/json' 'Content-Length: 200'
  sleep 0.5
  api GET "$SLOW_GW/health"
  assert_equal "$code" 200
  api POST "$SLOW_GW/chat/whatsappNumbers/$INST" '{"numbers":["595981000027"]}' "$T"
  assert_equal "$code" 200
}

@test "a request head that never ends: 408 from the server's headersTimeout, connection closed" {
  stall "$SLOW_GW" GET /api/templates - 0 "apikey: $T"
  assert_equal "$status $closed $sbody" "408 closed {\"error\":\"Request timeout\"}"
  [ "$ms" -ge 1400 ] && [ "$ms" -lt 3500 ]
}

@test "the stalled requests were logged as 408, and nothing as a 500 or an unhandled error" {
  [ -s "$SLOW_LOG" ]
  [ "$(grep -c '"status":408' "$SLOW_LOG")" -ge 6 ]
  run grep -E '"level":(50|60)|"status":5[0-9][0-9]|unhandled' "$SLOW_LOG"
  assert_failure
}
