#!/usr/bin/env bats
# 23-breaker: the upstream circuit breaker (D9, docs/decisions.md#d9) on an extra gateway with BREAKER_THRESHOLD=3 and
# BREAKER_RESET_SECONDS=2, driven by sandbox faults scoped to this file's instance; 502 on an
# unreachable upstream and 504 on a slow one (D10, docs/decisions.md#d10: JSON bodies).

load helpers

PW='Passw0rd_Ok'
OPEN_MSG='Service temporarily unavailable, please retry later'

setup_file() {
  export TA=$(admin_token)
  export I=$(unique bi)
  api POST /instance/create "{\"instanceName\":\"$I\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$TA"
  [ "$code" = 201 ]
}

teardown_file() {
  upstream_api DELETE /sandbox/faults
  stop_extra_gateways
}

fault() { upstream_api PUT /sandbox/faults "$1"; [ "$code" = 200 ]; }

@test "opens after 3 consecutive 5xx, answers 503 at once (before auth), closes after recovery" {
  start_extra_gateway BREAKER_THRESHOLD=3 BREAKER_RESET_SECONDS=2 WORKERS_ENABLED=false
  fault "{\"forceStatus\":500,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  for i in 1 2 3; do
    api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
    assert_equal "$code" 500
  done
  start=$(date +%s%N)
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  assert_equal "$code" 503
  assert_equal "$(jbody .error)" "$OPEN_MSG"
  [ "$(header retry-after)" -ge 1 ]
  [ "$ms" -lt 500 ]
  api GET "$EXTRA_URL/instance/fetchInstances"
  assert_equal "$code" 503
  # the main gateway (its own breaker, per process) is unaffected
  api GET /instance/fetchInstances "" "$TA"
  assert_equal "$code" 200
  upstream_api DELETE /sandbox/faults
  sleep 2.3
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 200
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 200
}

@test "half-open: a failing probe re-opens at once; 4xx never count" {
  start_extra_gateway BREAKER_THRESHOLD=3 BREAKER_RESET_SECONDS=2 WORKERS_ENABLED=false
  fault "{\"forceStatus\":404,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  for i in 1 2 3 4 5; do
    api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
    assert_equal "$code" 404
  done
  fault "{\"forceStatus\":503,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  for i in 1 2 3; do api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"; done
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 503
  assert_equal "$(jbody .error)" "$OPEN_MSG"
  sleep 2.3
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 503
  [[ "$(jbody .error)" != "$OPEN_MSG" ]]
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$(jbody .error)" "$OPEN_MSG"
  upstream_api DELETE /sandbox/faults
}

@test "unreachable upstream: 502 JSON" {
  start_extra_gateway UPSTREAM_URL=http://127.0.0.1:1 WORKERS_ENABLED=false
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 502
  assert_equal "$(jbody .error)" "WhatsApp API unavailable"
  [[ "$(header content-type)" == application/json* ]]
}

@test "slow upstream: 504 JSON after UPSTREAM_TIMEOUT_MS" {
  start_extra_gateway UPSTREAM_TIMEOUT_MS=1000 WORKERS_ENABLED=false
  fault "{\"hang\":true,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  start=$(date +%s%N)
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  c=$code b=$body
  upstream_api DELETE /sandbox/faults
  code=$c body=$b
  assert_equal "$code" 504
  assert_equal "$(jbody .error)" "WhatsApp API timeout"
  [ "$ms" -ge 900 ] && [ "$ms" -lt 5000 ]
}
