#!/usr/bin/env bats
# 12-sessions: /api/sessions (own) and /admin/sessions (all) — R4 (docs/decisions.md#r4) with R4/R4 fixed:
# only live sessions are listed and revocation is refused on the very next request.

load helpers

PW='Passw0rd_Ok'

new_user() {
  U_NAME=$(unique ses)
  U_ID=$(create_user "$U_NAME" "$PW")
}

session_id_of() { psql_q "select id from taguato.sessions where token_hash = encode(sha256('$1'::bytea), 'hex')"; }

@test "own sessions: live ones only, newest activity first, current marked, no secrets" {
  new_user
  a=$(login "$U_NAME" "$PW"); b=$(login "$U_NAME" "$PW"); c=$(login "$U_NAME" "$PW")
  # One revoked and one expired-but-unswept session are not listed.
  psql_q "update taguato.sessions set is_active = false where id = $(session_id_of "$b")"
  psql_q "update taguato.sessions set expires_at = now() - interval '1 minute' where id = $(session_id_of "$c")"
  api GET /api/sessions "" "$a"
  assert_equal "$code" 200
  assert_equal "$(jbody '.sessions | length')" 1
  assert_equal "$(jbody '.sessions[0] | keys | join(",")')" "created_at,current,device,id,ip_address,is_active,last_active,user_agent"
  assert_equal "$(jbody '.sessions[0].device')" curl
  assert_equal "$(jbody '.sessions[0].current')" true
  assert_equal "$(jbody '.sessions[0].id')" "$(session_id_of "$a")"
  api GET /api/sessions
  assert_equal "$code $(jbody .error)" "401 Missing apikey header"
}

@test "own sessions: revoke one of mine -> refused on the next request; another user's or a missing one is 404" {
  new_user
  a=$(login "$U_NAME" "$PW"); b=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$b"   # cached on the gateway side now
  bid=$(session_id_of "$b")
  other=$(unique ses); create_user "$other" "$PW" >/dev/null
  o=$(login "$other" "$PW")
  api DELETE "/api/sessions/$bid" "" "$o"
  assert_equal "$code $(jbody .error)" "404 Session not found"
  api GET /api/sessions "" "$b"
  assert_equal "$code" 200
  api DELETE /api/sessions/999999999 "" "$a"
  assert_equal "$code $(jbody .error)" "404 Session not found"
  api DELETE /api/sessions/abc "" "$a"
  assert_equal "$code" 404
  api DELETE "/api/sessions/$bid" "" "$a"
  assert_equal "$code" 200
  assert_equal "$body" "{\"revoked\":{\"id\":$bid}}"
  api GET /api/sessions "" "$b"
  assert_equal "$code" 401
  api GET /api/sessions "" "$a"
  assert_equal "$code" 200
}

@test "admin sessions: non-admin 403, paginated, user_id filter with validation" {
  new_user
  a=$(login "$U_NAME" "$PW"); login "$U_NAME" "$PW" >/dev/null; login "$U_NAME" "$PW" >/dev/null
  api GET /admin/sessions "" "$a"
  assert_equal "$code $(jbody .error)" "403 Admin access required"
  api DELETE "/admin/sessions/$(session_id_of "$a")" "" "$a"
  assert_equal "$code" 403
  t=$(admin_token)
  api GET "/admin/sessions?user_id=$U_ID&limit=2" "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.total, .page, .limit, .pages, (.sessions | length)] | join(",")')" "3,1,2,2,2"
  assert_equal "$(jbody '.sessions[0] | keys | join(",")')" "created_at,device,id,ip_address,is_active,last_active,user_agent,user_id,username"
  assert_equal "$(jbody "[.sessions[].username] | unique | join(\",\")")" "$U_NAME"
  api GET "/admin/sessions?user_id=abc" "" "$t"
  assert_equal "$code $(jbody .error)" "400 user_id must be a number"
  api GET "/admin/sessions?user_id=1%20or%201=1" "" "$t"
  assert_equal "$code" 400
  api GET "/admin/sessions?user_id=999999999" "" "$t"
  assert_equal "$(jbody '[.total, (.sessions | type)] | join(",")')" "0,array"
}

@test "admin sessions: revoke any -> refused on the next request; 404 for a missing one" {
  new_user
  a=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$a"
  aid=$(session_id_of "$a")
  t=$(admin_token)
  api DELETE /admin/sessions/999999999 "" "$t"
  assert_equal "$code $(jbody .error)" "404 Session not found"
  api DELETE "/admin/sessions/$aid" "" "$t"
  assert_equal "$code" 200
  assert_equal "$body" "{\"revoked\":{\"id\":$aid,\"user_id\":$U_ID}}"
  api GET /api/sessions "" "$a"
  assert_equal "$code $(jbody .error)" "401 Invalid or expired session token"
}

@test "revocation is seen by another gateway replica on its next request" {
  new_user
  start_extra_gateway WORKERS_ENABLED=false
  a=$(login "$U_NAME" "$PW")
  api GET "$EXTRA_URL/api/sessions" "" "$a"
  assert_equal "$code" 200
  api POST /api/auth/logout "" "$a"
  assert_equal "$code" 200
  api GET "$EXTRA_URL/api/sessions" "" "$a"
  assert_equal "$code" 401
  stop_extra_gateway
}

teardown_file() {
  stop_extra_gateways
}
