#!/usr/bin/env bats
# 17-malformed-requests: the minimal cases the generated bad-input suite (90-generated-bad-input.bats)
# found, kept as regular tests. Requests Node's HTTP parser refuses still answer JSON {error} with an
# X-Request-ID; dates PostgreSQL cannot store and absurd page numbers are a 400 / a clamp, not a 500;
# a large body the upstream never reads does not break the next proxied request (502).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U=$(unique mal)
  create_user "$U" "$PW" >/dev/null
  export T=$(login "$U" "$PW")
}

@test "an unknown method is a 400 JSON {error} with X-Request-ID (Node's parser refuses it)" {
  api FOO /api/templates
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Bad request'
  [ -n "$(header x-request-id)" ]
  [[ "$(header content-type)" == application/json* ]]
}

@test "a URL past the header size limit is a 431 JSON {error} with X-Request-ID; HEAD gets headers only" {
  long=$(printf 'a%.0s' $(seq 1 20000))
  api GET "/api/messages/log?instance_name=$long" "" "$T"
  assert_equal "$code" 431
  assert_equal "$(jbody .error)" 'Request header fields too large'
  [ -n "$(header x-request-id)" ]
  API_EXTRA_ARGS=(-I)
  api HEAD "/api/messages/log?instance_name=$long" "" "$T"
  API_EXTRA_ARGS=()
  assert_equal "$code" 431
  [ -n "$(header x-request-id)" ]
  # curl -I writes the headers where the body would go: there must be nothing after them.
  [[ "$body" != *'"error"'* ]]
}

@test "year 0000 in a date filter is the route's 400, not a PostgreSQL 500" {
  api GET '/api/messages/log?date_to=0000-01-01T00:00:00Z' "" "$T"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'date_to must be an ISO 8601 date (YYYY-MM-DD) or date-time'
  api GET '/api/messages/inbound?date_from=0000-01-01' "" "$T"
  assert_equal "$code" 400
  api GET '/admin/audit?date_from=0000-01-01' "" "$(admin_token)"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'date_from must be a date (YYYY-MM-DD) or an ISO 8601 date-time'
  # The last storable day still works: its exclusive bound (the next day) is clamped.
  api GET '/api/messages/log?date_to=9999-12-31' "" "$T"
  assert_equal "$code" 200
}

@test "year 0000 as scheduled_at or a maintenance window is a 400" {
  api POST /api/scheduled '{"instance_name":"nope","recipients":["595981000001"],"message_content":"x","scheduled_at":"0000-01-01T00:00:00Z"}' "$T"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'scheduled_at must be an ISO 8601 date-time (e.g. 2025-01-15T10:30:00Z)'
  api POST /admin/maintenance '{"title":"t","scheduled_start":"0000-01-01T00:00:00Z","scheduled_end":"2030-01-01T00:00:00Z"}' "$(admin_token)"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'scheduled_start must be an ISO 8601 date'
}

@test "page=10^20 is clamped (empty page), not an OFFSET PostgreSQL cannot read" {
  api GET '/api/scheduled?page=99999999999999999999' "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody '.messages | length')" 0
  assert_equal "$(jbody .page)" 2147483647
}

@test "a 2 MB send the upstream refuses unread does not make the next proxied request a 502" {
  big="$BATS_TEST_TMPDIR/big.json"
  node -e 'process.stdout.write(JSON.stringify({number:"595981000000",text:"x".repeat(2*1024*1024)}))' >"$big"
  admin=$(admin_token)
  for i in 1 2 3; do
    api POST /message/sendText/no_such_instance_mal "@$big" "$admin"
    assert_equal "$code" 404
    api POST /chat/whatsappNumbers/no_such_instance_mal '{"numbers":["595981000000"]}' "$admin"
    assert_equal "$code" 404
  done
}
