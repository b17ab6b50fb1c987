#!/usr/bin/env bats
# 23-breaker: the upstream circuit breaker (D9, docs/decisions.md#d9) on an extra gateway with BREAKER_THRESHOLD=3 and
# BREAKER_RESET_SECONDS=2, driven by sandbox faults scoped to this file's instance; 502 on an
# unreachable upstream and 504 on a slow one (D10, docs/decisions.md#d10: JSON bodies); what counts as a
# failure (gateway/src/services/breaker/README.md): not a well-formed Evolution 500 about the request,
# but slow calls (BREAKER_SLOW_CALL_MS); sends have a whole-request deadline (UPSTREAM_SEND_TIMEOUT_MS).

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

# hung_is_504 METHOD PATH BODY MIN_MS MAX_MS: with PATH hung upstream, the extra gateway answers
# 504 "WhatsApp API timeout" after MIN_MS to MAX_MS.
hung_is_504() {
  fault "{\"hang\":true,\"pathPrefix\":\"$2\"}"
  local start ms c b
  start=$(date +%s%N)
  api "$1" "$EXTRA_URL$2" "$3" "$TA"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  c=$code b=$body
  upstream_api DELETE /sandbox/faults
  code=$c body=$b
  assert_equal "$code" 504
  assert_equal "$(jbody .error)" "WhatsApp API timeout"
  [ "$ms" -ge "$4" ] && [ "$ms" -lt "$5" ]
}

@test "a well-formed Evolution 500 never counts and reaches the client sanitised, with its request id" {
  start_extra_gateway BREAKER_THRESHOLD=3 BREAKER_RESET_SECONDS=2 WORKERS_ENABLED=false
  fault "{\"forceStatus\":500,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  for i in 1 2 3 4 5; do
    api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
    assert_equal "$code" 500
  done
  assert_equal "$(jbody .status)" 500
  assert_equal "$(jbody .error)" "Internal Server Error"
  assert_equal "$(jbody '.response.message[0]')" "Upstream error (request $(header x-request-id))"
  [[ "$body" != *"Sandbox fault"* ]]
  upstream_api DELETE /sandbox/faults
}

@test "opens after 3 consecutive upstream failures (502), answers 503 at once (before auth), closes after recovery" {
  start_extra_gateway BREAKER_THRESHOLD=3 BREAKER_RESET_SECONDS=2 WORKERS_ENABLED=false
  fault "{\"forceStatus\":502,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  for i in 1 2 3; do
    api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
    assert_equal "$code" 502
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
  hung_is_504 GET "/instance/connectionState/$I" "" 900 5000
}

@test "slow calls count: two answers slower than BREAKER_SLOW_CALL_MS open the breaker" {
  start_extra_gateway BREAKER_THRESHOLD=2 BREAKER_RESET_SECONDS=30 BREAKER_SLOW_CALL_MS=200 WORKERS_ENABLED=false
  fault "{\"latencyMs\":500,\"pathPrefix\":\"/instance/connectionState/$I\"}"
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 200
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 200
  upstream_api DELETE /sandbox/faults
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 503
  assert_equal "$(jbody .error)" "$OPEN_MSG"
  api GET "$EXTRA_URL/health/ready"
  assert_equal "$(jbody .upstream)" unavailable
}

@test "slow media sends do not count: a large upload is not a stalled upstream" {
  start_extra_gateway BREAKER_THRESHOLD=2 BREAKER_RESET_SECONDS=30 BREAKER_SLOW_CALL_MS=200 WORKERS_ENABLED=false
  fault "{\"latencyMs\":500,\"pathPrefix\":\"/message/sendMedia/$I\"}"
  for _ in 1 2 3; do
    api POST "$EXTRA_URL/message/sendMedia/$I" '{"number":"595981000001","mediatype":"image","media":"iVBORw0KGgo=","fileName":"x.png"}' "$TA"
    [ "$code" != 503 ]
  done
  upstream_api DELETE /sandbox/faults
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$TA"
  assert_equal "$code" 200
  api GET "$EXTRA_URL/health/ready"
  assert_equal "$(jbody .upstream)" ok
}

@test "a send has a whole-request deadline: 504 at UPSTREAM_SEND_TIMEOUT_MS, not at the idle timeout" {
  start_extra_gateway UPSTREAM_SEND_TIMEOUT_MS=800 UPSTREAM_TIMEOUT_MS=30000 WORKERS_ENABLED=false
  hung_is_504 POST "/message/sendText/$I" '{"number":"595981000001","text":"deadline"}' 700 3000
}
