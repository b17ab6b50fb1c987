#!/usr/bin/env bats
# 13-audit: GET /admin/audit — filters, date range (a bad date is a 400), pagination, and the rows our
# account routes write (R4, docs/decisions.md#r4, R4), never with a secret in them.

load helpers

PW='Passw0rd_Ok'

@test "audit: non-admin 403, anonymous 401" {
  u=$(unique aud); create_user "$u" "$PW" >/dev/null
  api GET /admin/audit "" "$(login "$u" "$PW")"
  assert_equal "$code $(jbody .error)" "403 Admin access required"
  api GET /admin/audit
  assert_equal "$code" 401
}

@test "audit: login, logout and user_created rows with ip and shapes; filters by action, username, resource_type" {
  u=$(unique aud)
  id=$(create_user "$u" "$PW")
  t=$(login "$u" "$PW")
  api POST /api/auth/logout "" "$t"
  a=$(admin_token)
  api GET "/admin/audit?username=$u" "" "$a"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.logs[].action] | join(",")')" "user_logout,user_login"
  assert_equal "$(jbody '.logs[0] | keys | join(",")')" "action,created_at,details,id,ip_address,resource_id,resource_type,user_id,username"
  assert_equal "$(jbody '.logs[0].ip_address')" "127.0.0.1"
  assert_equal "$(jbody '.logs[0].user_id')" "$id"
  [[ $(jbody '.logs[0].created_at') =~ Z$ ]]
  api GET "/admin/audit?action=user_created&resource_type=user&limit=100" "" "$a"
  assert_equal "$(jq --arg x "$id" '[.logs[] | select(.resource_id == $x) | .details.username] | join(",")' -r <<<"$body")" "$u"
  assert_equal "$(jbody '[.logs[].action] | unique | join(",")')" "user_created"
  api GET "/admin/audit?username=$u&action=nothing_like_this" "" "$a"
  assert_equal "$(jbody '[.total, .pages, (.logs | type)] | join(",")')" "0,0,array"
}

@test "audit: date range; a date-only date_to includes that day; bad dates are 400" {
  u=$(unique aud); create_user "$u" "$PW" >/dev/null; login "$u" "$PW" >/dev/null
  a=$(admin_token)
  today=$(date -u +%F); tomorrow=$(date -u -d tomorrow +%F); yesterday=$(date -u -d yesterday +%F)
  api GET "/admin/audit?username=$u&date_from=$today&date_to=$today" "" "$a"
  assert_equal "$code $(jbody .total)" "200 1"
  api GET "/admin/audit?username=$u&date_from=$tomorrow" "" "$a"
  assert_equal "$(jbody .total)" 0
  api GET "/admin/audit?username=$u&date_to=$yesterday" "" "$a"
  assert_equal "$(jbody .total)" 0
  api GET "/admin/audit?username=$u&date_from=${yesterday}T00:00:00Z" "" "$a"
  assert_equal "$(jbody .total)" 1
  for bad in 2025-02-30 yesterday "2025-01-01T25:00" "1%27%20or%201%3D1"; do
    api GET "/admin/audit?date_from=$bad" "" "$a"
    assert_equal "$code" 400
    [[ $(jbody .error) == date_from* ]]
  done
  api GET "/admin/audit?date_to=nope" "" "$a"
  assert_equal "$code" 400
  [[ $(jbody .error) == date_to* ]]
}

@test "audit: pagination envelope and clamping" {
  u=$(unique aud); create_user "$u" "$PW" >/dev/null
  for i in 1 2 3; do login "$u" "$PW" >/dev/null; done
  a=$(admin_token)
  api GET "/admin/audit?username=$u&limit=2&page=2" "" "$a"
  assert_equal "$(jbody '[.total, .page, .limit, .pages, (.logs | length)] | join(",")')" "3,2,2,2,1"
  api GET "/admin/audit?username=$u&limit=500&page=0" "" "$a"
  assert_equal "$(jbody '[.page, .limit] | join(",")')" "1,100"
}

@test "audit: no secret ever reaches the audit log" {
  u=$(unique aud); id=$(create_user "$u" "$PW")
  a=$(admin_token)
  api PUT "/admin/users/$id" '{"password":"Secret_Audit_9","regenerate_token":true}' "$a"
  assert_equal "$code" 200
  t=$(login "$u" Secret_Audit_9)
  api POST /api/auth/change-password '{"current_password":"Secret_Audit_9","new_password":"Other_Secret_8"}' "$t"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where details::text ~ '(Secret_Audit_9|Other_Secret_8|$PW)'")" 0
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where details::text like '%$t%'")" 0
}
