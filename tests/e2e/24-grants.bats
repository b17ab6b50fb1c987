#!/usr/bin/env bats
# 24-grants: /admin/instances, POST/DELETE grants (R4, docs/decisions.md#r4, audit R4), and that the
# ownership cache follows grants on every replica (pub/sub invalidation).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique gown) U2=$(unique gget)
  export U1_ID=$(create_user "$U1" "$PW") U2_ID=$(create_user "$U2" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW") TA=$(admin_token)
  export I=$(unique gi)
  api POST /instance/create "{\"instanceName\":\"$I\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  [ "$code" = 201 ]
}

teardown_file() {
  stop_extra_gateways
}

@test "grant: 201, listed with user_id/username/granted_at, audited" {
  api POST "/admin/instances/$I/grant" "{\"user_id\":\"$U2_ID\"}" "$TA"
  assert_equal "$code" 201
  assert_equal "$(jbody .message)" "Access granted"
  assert_equal "$(jbody .instance)" "$I"
  assert_equal "$(jbody .user_id)" "$U2_ID"
  api GET /admin/instances "" "$TA"
  assert_equal "$code" 200
  row=$(jbody ".instances[] | select(.instance_name==\"$I\")")
  assert_equal "$(jq -r .owner_id <<<"$row")" "$U1_ID"
  assert_equal "$(jq -r .owner_username <<<"$row")" "$U1"
  assert_equal "$(jq -r .channel_type <<<"$row")" whatsapp
  assert_equal "$(jq -r '.grants | length' <<<"$row")" 1
  assert_equal "$(jq -r '.grants[0].user_id' <<<"$row")" "$U2_ID"
  assert_equal "$(jq -r '.grants[0].username' <<<"$row")" "$U2"
  [[ "$(jq -r '.grants[0].granted_at' <<<"$row")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
  assert_equal "$(psql_q "select action, details->>'grantee_user_id' from audit_log where resource_id='$I' and action='instance_grant_created'")" "instance_grant_created|$U2_ID"
}

@test "grant errors: 409 duplicate, 400 owner, 404 unknown instance / user, 400 user_id" {
  api POST "/admin/instances/$I/grant" "{\"user_id\":$U2_ID}" "$TA"
  assert_equal "$code" 409
  assert_equal "$(jbody .error)" "User already has access to this instance"
  api POST "/admin/instances/$I/grant" "{\"user_id\":$U1_ID}" "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "User is already the instance owner"
  api POST "/admin/instances/$(unique nope)/grant" "{\"user_id\":$U2_ID}" "$TA"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" "Instance not found"
  api POST "/admin/instances/$I/grant" '{"user_id":999999999}' "$TA"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" "Target user not found"
  api POST "/admin/instances/$I/grant" '{}' "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "user_id is required"
  api POST "/admin/instances/$I/grant" '{"user_id":"abc"}' "$TA"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" "user_id must be a number"
}

@test "grant routes are admin-only" {
  api GET /admin/instances "" "$T1"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" "Admin access required"
  api POST "/admin/instances/$I/grant" "{\"user_id\":$U2_ID}" "$T1"
  assert_equal "$code" 403
  api GET /admin/instances
  assert_equal "$code" 401
}

@test "revoke: 200, audited, then 404 Permission not found" {
  api DELETE "/admin/instances/$I/grant/$U2_ID" "" "$TA"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "Access revoked"
  assert_equal "$(jbody .user_id)" "$U2_ID"
  assert_equal "$(psql_q "select count(*) from audit_log where resource_id='$I' and action='instance_grant_revoked'")" 1
  api DELETE "/admin/instances/$I/grant/$U2_ID" "" "$TA"
  assert_equal "$code" 404
  assert_equal "$(jbody .error)" "Permission not found"
  api DELETE "/admin/instances/$I/grant/abc" "" "$TA"
  assert_equal "$code" 404
}

@test "another replica sees grants and revocations at once (cache invalidated over pub/sub)" {
  start_extra_gateway WORKERS_ENABLED=false
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$T2"
  assert_equal "$code" 403
  api POST "/admin/instances/$I/grant" "{\"user_id\":$U2_ID}" "$TA"
  assert_equal "$code" 201
  sleep 0.3
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$T2"
  assert_equal "$code" 200
  api DELETE "/admin/instances/$I/grant/$U2_ID" "" "$TA"
  sleep 0.3
  api GET "$EXTRA_URL/instance/connectionState/$I" "" "$T2"
  assert_equal "$code" 403
}
