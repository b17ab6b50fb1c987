#!/usr/bin/env bats
# 62-idempotency: the Idempotency-Key header (docs/idempotency.md) on sends (both send paths: the
# Node-level fast path and the Hono catch-all, reached with a percent-encoded path) and on POST
# /api/scheduled. The same key twice sends once and answers the same (checked in the sandbox's record);
# concurrently, one send and either a 409 or the same answer; a different body is 422; a bad key is 400;
# another user with the same key is independent; without the header nothing changes.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup idem
}


# send_key KEY NUMBER TEXT [TOKEN] [PATH_INSTANCE] — sendText with an Idempotency-Key.
send_key() {
  API_EXTRA_ARGS=(-H "Idempotency-Key: $1")
  # curl drops a header given an empty value; `Name;` sends it empty.
  [ -n "$1" ] || API_EXTRA_ARGS=(-H 'Idempotency-Key;')
  api POST "/message/sendText/${5:-$INST}" "{\"number\":\"$2\",\"text\":\"$3\"}" "${4:-$T1}"
  API_EXTRA_ARGS=()
}

# sandbox_count NUMBER — how many messages the sandbox recorded to NUMBER on $INST.
sandbox_count() {
  upstream_api GET "/sandbox/messages?instance=$INST&number=$1"
  jbody '.messages | length'
}

@test "the same key twice sequentially: one send, the same answer (replayed)" {
  key=$(unique k)
  send_key "$key" 595986000001 'once only'
  assert_equal "$code" 201
  first=$body
  assert_equal "$(header Idempotent-Replayed)" ''
  send_key "$key" 595986000001 'once only'
  assert_equal "$code" 201
  assert_equal "$body" "$first"
  assert_equal "$(header Idempotent-Replayed)" true
  assert_equal "$(header Content-Type | cut -d';' -f1)" application/json
  assert_equal "$(sandbox_count 595986000001)" 1
  # Log rows reach PostgreSQL from the durable buffer a moment after the answer: wait for the first.
  for _ in $(seq 100); do [ "$(psql_q "select count(*) from message_logs where phone_number='595986000001' and instance_name='$INST'")" != 0 ] && break; sleep 0.1; done
  sleep 0.5
  assert_equal "$(psql_q "select count(*) from message_logs where phone_number='595986000001' and instance_name='$INST'")" 1
}

@test "the Hono catch-all (percent-encoded path) replays the fast path's answer" {
  key=$(unique k)
  send_key "$key" 595986000002 'two paths'
  assert_equal "$code" 201
  first=$body
  send_key "$key" 595986000002 'two paths' "$T1" "${INST//_/%5F}"
  assert_equal "$code" 201
  assert_equal "$body" "$first"
  assert_equal "$(sandbox_count 595986000002)" 1
}

@test "the same key concurrently: exactly one message; one 201 and a 409 or the same answer" {
  key=$(unique k)
  out="$BATS_TEST_TMPDIR"
  pids=()
  for i in 1 2; do
    curl -sS -o "$out/b$i" -w '%{http_code}' -X POST "$GATEWAY_URL/message/sendText/$INST" -H "apikey: $T1" \
      -H 'Content-Type: application/json' -H "Idempotency-Key: $key" \
      --data-binary '{"number":"595986000003","text":"race"}' >"$out/c$i" 3>&- &
    pids+=($!)
  done
  wait "${pids[@]}"
  codes="$(cat "$out/c1") $(cat "$out/c2")"
  case "$codes" in
    '201 201') assert_equal "$(cat "$out/b1")" "$(cat "$out/b2")" ;;
    '201 409' | '409 201') grep -q 'A request with this Idempotency-Key is in progress' "$out/b1" "$out/b2" ;;
    *) echo "unexpected codes: $codes" >&2; return 1 ;;
  esac
  assert_equal "$(sandbox_count 595986000003)" 1
}

@test "the same key with a different body is 422 and sends nothing; bad keys are 400" {
  key=$(unique k)
  send_key "$key" 595986000004 'first body'
  assert_equal "$code" 201
  send_key "$key" 595986000004 'another body'
  assert_equal "$code" 422
  assert_equal "$(jbody .error)" 'Idempotency-Key reused with a different request'
  assert_equal "$(sandbox_count 595986000004)" 1
  send_key '' 595986000004 'empty key'
  assert_equal "$code" 400
  send_key "$(printf 'k%.0s' {1..256})" 595986000004 'long key'
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Idempotency-Key must be 1 to 255 characters'
  assert_equal "$(sandbox_count 595986000004)" 1
}

@test "another user with the same key is independent" {
  key=$(unique k)
  send_key "$key" 595986000005 'per user'
  assert_equal "$code" 201
  send_key "$key" 595986000005 'per user' "$T3"
  assert_equal "$code" 201
  assert_equal "$(header Idempotent-Replayed)" ''
  assert_equal "$(sandbox_count 595986000005)" 2
}

@test "without the header, the same send twice sends twice (unchanged)" {
  api POST "/message/sendText/$INST" '{"number":"595986000006","text":"no key"}' "$T1"
  assert_equal "$code" 201
  api POST "/message/sendText/$INST" '{"number":"595986000006","text":"no key"}' "$T1"
  assert_equal "$code" 201
  assert_equal "$(sandbox_count 595986000006)" 2
}

@test "POST /api/scheduled with the same key twice creates one scheduled message" {
  key=$(unique k)
  json="{\"instance_name\":\"$INST\",\"recipients\":[\"595986000007\"],\"message_content\":\"later\",\"scheduled_at\":\"2099-01-15T10:30\"}"
  API_EXTRA_ARGS=(-H "Idempotency-Key: $key")
  api POST /api/scheduled "$json" "$T1"
  assert_equal "$code" 201
  first=$body
  api POST /api/scheduled "$json" "$T1"
  assert_equal "$code" 201
  assert_equal "$body" "$first"
  assert_equal "$(header Idempotent-Replayed)" true
  api POST /api/scheduled "${json/later/sooner}" "$T1"
  assert_equal "$code" 422
  API_EXTRA_ARGS=()
  assert_equal "$(psql_q "select count(*) from scheduled_messages where user_id=$U1_ID and recipients like '%595986000007%'")" 1
}
