#!/usr/bin/env bats
# 35-dashboards: GET /api/user/dashboard, GET /admin/dashboard, GET /api/instance/stats/{name}
# (R5 (docs/decisions.md#r5) with R5 and R5: v2 connected count, admins aggregate, registered_at always).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique db1) U2=$(unique db2) U3=$(unique db3)
  export U1_ID=$(create_user "$U1" "$PW" '{"max_instances":4}')
  export U2_ID=$(create_user "$U2" "$PW")
  export U3_ID=$(create_user "$U3" "$PW")
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW") T3=$(login "$U3" "$PW")
  export INST=$(unique dbi)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  upstream_api POST "/sandbox/instances/$INST/scan"
  api POST "/admin/instances/$INST/grant" "{\"user_id\":$U3_ID}" "$(admin_token)"
  psql_q "insert into message_logs (user_id, instance_name, phone_number, status, error_message, created_at) values
    ($U1_ID, '$INST', '595981000001', 'read', null, now() - interval '1 hour'),
    ($U1_ID, '$INST', '595981000002', 'sent', null, now() - interval '2 days'),
    ($U1_ID, '$INST', '595981000003', 'failed', 'status 400', now() - interval '10 days'),
    ($U1_ID, '$INST', '595981000004', 'delivered', null, now() - interval '40 days'),
    ($U3_ID, '$INST', '595981000005', 'failed', 'status 500', now() - interval '1 hour');
    insert into reconnect_log (instance_name, previous_state, action, result) values ('$INST', 'close', 'auto_reconnect', 'reconnected')" >/dev/null
}

@test "user dashboard: windows, totals, delivery rate from real statuses, daily buckets" {
  api GET /api/user/dashboard "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.messages_today, .messages_week, .messages_month, .messages_total, .delivery_rate, .sent, .delivered, .failed, .instances, .max_instances]' <<<"$body")" '[1,2,3,4,50,3,2,1,1,4]'
  assert_equal "$(jq -c '[.daily[].count] | add' <<<"$body")" 2
  [[ "$(jbody '.daily[0].day')" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]
  api GET /api/user/dashboard "" "$T2"
  assert_equal "$(jq -c '[.messages_total, .delivery_rate, .instances, .daily]' <<<"$body")" '[0,0,0,[]]'
  api POST /api/user/dashboard "" "$T1"
  assert_equal "$code" 405
}

@test "instance stats: owner sees own logs, grantee own, admin all; registered_at always; 403 otherwise" {
  api GET "/api/instance/stats/$INST" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.instance_name, .total, .sent, .delivered, .read, .failed, .delivery_rate]' <<<"$body")" "[\"$INST\",4,3,2,1,1,50]"
  [[ "$(jbody .registered_at)" =~ ^[0-9-]{10}T.*Z$ ]]
  assert_equal "$(jq -c '[.recent_errors[0].phone_number, .recent_errors[0].error_message, (.reconnections | length), .reconnections[0].result]' <<<"$body")" '["595981000003","status 400",1,"reconnected"]'
  assert_equal "$(jq -c '[.daily[].total] | add' <<<"$body")" 2
  api GET "/api/instance/stats/$INST" "" "$T3"
  assert_equal "$(jq -c '[.total, .failed]' <<<"$body")" '[1,1]'
  [ "$(jbody .registered_at)" != null ]
  api GET "/api/instance/stats/$INST" "" "$(admin_token)"
  assert_equal "$(jq -c '[.total, .failed]' <<<"$body")" '[5,2]'
  api GET "/api/instance/stats/$INST" "" "$T2"
  assert_equal "$code $(jbody .error)" '403 Instance not found or not owned by you'
  api GET "/api/instance/stats/" "" "$T1"
  assert_equal "$code $(jbody .error)" '400 Instance name required'
}

@test "admin dashboard: the reference's shape; connected from the v2 fetchInstances rows" {
  api GET /admin/dashboard "" "$T1"
  assert_equal "$code $(jbody .error)" '403 Admin access required'
  api GET /admin/dashboard "" "$(admin_token)"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[(.users|keys), (.instances|keys), (.messages|keys)]' <<<"$body")" \
    '[["active","total"],["connected","total_evolution","total_registered"],["delivered","delivery_rate","failed","read","sent","today","total"]]'
  upstream_api GET /instance/fetchInstances
  open=$(jq '[.[] | select(.connectionStatus == "open")] | length' <<<"$body")
  all=$(jq 'length' <<<"$body")
  api GET /admin/dashboard "" "$(admin_token)"
  [ "$(jbody .instances.connected)" -ge 1 ]
  assert_equal "$(jbody .instances.connected)" "$open"
  assert_equal "$(jbody .instances.total_evolution)" "$all"
  [ "$(jbody .users.total)" -ge 4 ]
  [[ "$(jbody .uptime_30d)" =~ ^[0-9.]+$ ]]
  [ "$(jbody '.recent_activity | length')" -le 15 ]
  assert_equal "$(jbody '[.recent_activity[].type] - ["user_created","instance_created","message_sent","message_failed","user_login"] | length')" 0
  [ "$(jbody '.recent_reconnections | length')" -ge 1 ]
}
