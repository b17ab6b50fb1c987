#!/usr/bin/env bats
# 00-harness.bats — checks the e2e harness itself against the live stack: the helpers, the seeded
# admin, the database and the extra-gateway plumbing. If this file fails, suspect the harness first.

load helpers

teardown_file() {
  stop_extra_gateways
}

@test "harness: GET /health answers JSON with status ok" {
  api GET /health
  assert_equal "$code" 200
  assert_equal "$(jbody .status)" ok
  [[ "$(header content-type)" == application/json* ]]
}

@test "harness: every response carries an X-Request-ID, and a given one is echoed" {
  api GET /health
  [ -n "$(header x-request-id)" ]

  API_EXTRA_ARGS=(-H 'X-Request-ID: harness-check-123')
  api GET /health
  API_EXTRA_ARGS=()
  assert_equal "$(header X-Request-ID)" harness-check-123
}

@test "harness: api reports 4xx without failing the test" {
  api POST /api/auth/login '{}'
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'username and password are required'
}

@test "harness: admin login returns a 64-hex token and the admin user" {
  api POST /api/auth/login "$(jq -nc --arg u "$ADMIN_USERNAME" --arg p "$ADMIN_PASSWORD" '{username:$u,password:$p}')"
  assert_equal "$code" 200
  [[ "$(jbody .token)" =~ ^[0-9a-f]{64}$ ]]
  assert_equal "$(jbody .user.username)" "$ADMIN_USERNAME"
  assert_equal "$(jbody .user.role)" admin
}

@test "harness: admin_token is cached and works on an admin route" {
  local t1 t2
  t1=$(admin_token)
  t2=$(admin_token)
  assert_equal "$t1" "$t2"
  api GET /api/auth/me "" "$t1"
  assert_equal "$code" 200
}

@test "harness: create_user + user_token with unique names" {
  local name id token
  name=$(unique harness)
  [[ "$name" =~ ^harness_[0-9a-f]{8}$ ]]
  [ "$(unique harness)" != "$name" ]
  id=$(create_user "$name" 'Harness_Pass_1')
  [[ "$id" =~ ^[0-9]+$ ]]
  token=$(user_token "$name" 'Harness_Pass_1')
  [ -n "$token" ]
  api GET /api/auth/me "" "$token"
  assert_equal "$code" 200
  assert_equal "$(jbody .user.username)" "$name"
}

@test "harness: psql_q reads the stack's database" {
  run psql_q "select username from users where username = '$ADMIN_USERNAME'"
  assert_success
  assert_output "$ADMIN_USERNAME"
}

@test "harness: upstream_api reaches the upstream with the global key" {
  upstream_api GET /
  assert_equal "$code" 200
}

@test "harness: an extra gateway starts on the same stack and stops" {
  start_extra_gateway LOG_LEVEL=warn WORKERS_ENABLED=false
  [ "$EXTRA_URL" != "$GATEWAY_URL" ]
  kill -0 "$EXTRA_PID"
  api GET "$EXTRA_URL/health"
  assert_equal "$code" 200
  # Same database: the admin logs in there too.
  api POST "$EXTRA_URL/api/auth/login" "$(jq -nc --arg u "$ADMIN_USERNAME" --arg p "$ADMIN_PASSWORD" '{username:$u,password:$p}')"
  assert_equal "$code" 200
  stop_extra_gateway
  ! kill -0 "$EXTRA_PID" 2>/dev/null
  api GET "$EXTRA_URL/health"
  assert_equal "$code" 000
}
