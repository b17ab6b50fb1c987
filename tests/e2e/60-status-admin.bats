#!/usr/bin/env bats
# 60-status-admin: the public status report's banner follows the services (incidents must name one),
# maintenance state follows its window, public service names, the favicon; CSV import normalises numbers
# and reports duplicates; a temporary password for a user without email forces a change at next login.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export T=$(admin_token)
}

# Start from a page with nothing open: no unresolved incident, no maintenance window announced.
quiet_page() {
  psql_q "delete from taguato.incidents where status <> 'resolved'" >/dev/null
  psql_q "delete from taguato.scheduled_maintenances where status in ('scheduled','in_progress')" >/dev/null
  # An admin change drops the cached report.
  api POST /admin/incidents '{"title":"flush","severity":"minor","message":"m","service_ids":[1]}' "$T"
  api DELETE "/admin/incidents/$(jbody .incident.id)" "" "$T"
}

svc_state() { jbody ".services[] | select(.name==\"$1\") | .state"; }

@test "banner: operational with nothing open; an incident on one service raises it per its severity" {
  quiet_page
  api GET /api/status
  assert_equal "$code" 200
  assert_equal "$(jbody .overall_status)" operational
  assert_equal "$(jbody '[.services[].state] | unique | join(",")')" operational
  # Public names by default; the internal upstream name is not on the page.
  assert_equal "$(jbody '[.services[].name] | join(",")')" 'API,WhatsApp connection,Database,Queue and cache'
  [[ "$body" != *'Evolution API'* ]]
  assert_equal "$(jbody .page.title)" TAGUATO-SEND

  api POST /admin/incidents '{"title":"Slow sends","severity":"major","message":"Looking","service_ids":[2]}' "$T"
  assert_equal "$code" 201
  id=$(jbody .incident.id)
  api GET /api/status
  assert_equal "$(jbody .overall_status)" partial_outage
  assert_equal "$(svc_state 'WhatsApp connection')" partial_outage
  assert_equal "$(svc_state Database)" operational
  assert_equal "$(jbody ".active_incidents[] | select(.id==$id) | .affected_services | join(\",\")")" 'WhatsApp connection'

  api PUT "/admin/incidents/$id" '{"severity":"critical"}' "$T"
  api GET /api/status
  assert_equal "$(jbody .overall_status)" major_outage
  assert_equal "$(svc_state 'WhatsApp connection')" major_outage

  api PUT "/admin/incidents/$id" '{"severity":"minor"}' "$T"
  api GET /api/status
  assert_equal "$(jbody .overall_status)" degraded
  api DELETE "/admin/incidents/$id" "" "$T"
  api GET /api/status
  assert_equal "$(jbody .overall_status)" operational
}

@test "incidents name at least one service: 400 with a clear message, also when emptied" {
  api POST /admin/incidents '{"title":"Nothing","severity":"major","message":"m"}' "$T"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'service_ids must name at least one affected service (see GET /admin/incidents/services)'
  api POST /admin/incidents '{"title":"Nothing","severity":"major","message":"m","service_ids":[]}' "$T"
  assert_equal "$code" 400
  api POST /admin/incidents '{"title":"Edit","severity":"minor","message":"m","service_ids":[3]}' "$T"
  id=$(jbody .incident.id)
  api PUT "/admin/incidents/$id" '{"service_ids":[]}' "$T"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'service_ids must name at least one affected service (see GET /admin/incidents/services)'
  api DELETE "/admin/incidents/$id" "" "$T"
}

@test "maintenance: a future window reads scheduled, even when an admin marked it in progress early" {
  quiet_page
  s=$(date -u -d '+1 day' +%FT%TZ); e=$(date -u -d '+1 day 2 hours' +%FT%TZ)
  api POST /admin/maintenance "$(jq -nc --arg s "$s" --arg e "$e" '{title:"DB upgrade",scheduled_start:$s,scheduled_end:$e,service_ids:[3]}')" "$T"
  assert_equal "$code" 201
  id=$(jbody .maintenance.id)
  api PUT "/admin/maintenance/$id" '{"status":"in_progress"}' "$T"
  assert_equal "$code" 200
  api GET /api/status
  assert_equal "$(jbody .maintenance_in_progress)" false
  assert_equal "$(jbody .overall_status)" operational
  m=$(jbody ".scheduled_maintenances[] | select(.id==$id)")
  assert_equal "$(jq -r .status <<<"$m")|$(jq -r .in_progress <<<"$m")" 'scheduled|false'
  assert_equal "$(svc_state Database)" operational
  api DELETE "/admin/maintenance/$id" "" "$T"
}

@test "uptime: no figure before an hour of measurements" {
  psql_q "delete from taguato.uptime_checks where service_name='PostgreSQL'" >/dev/null
  psql_q "insert into taguato.uptime_checks (service_name, status, response_time, checked_at) values ('PostgreSQL','operational',1, now() - interval '5 minutes')" >/dev/null
  quiet_page
  api GET /api/status
  assert_equal "$(jbody '.services[] | select(.name=="Database") | .uptime | [.["24h"], .["90d"]] | map(tostring) | join(",")')" 'null,null'
  [ "$(jbody '.services[] | select(.name=="Database") | .measured_since')" != null ]
  assert_equal "$(jbody '.uptime | has("Database")')" false
}

@test "favicon: 200 with an icon, without a session" {
  api GET /favicon.ico
  assert_equal "$code" 200
  [[ "$(header content-type)" == image/* ]]
  [ "$(curl -sS "$GATEWAY_URL/favicon.ico" | head -c 4 | od -An -tx1 | tr -d ' \n')" = 00000100 ]
}

@test "CSV import: numbers normalised, duplicates in the file and in the list reported, not stored" {
  UT=$(login "$(create_user_named)" "$PW")
  api POST /api/contacts '{"name":"Normalised"}' "$UT"
  id=$(jbody .list.id)
  csv=$'phone_number,label\n+595 981 000032,Ana\n(595) 981-000.033,Bob\n595981000032,Again\n+595 981 0000xx,Bad\n'
  api POST "/api/contacts/$id/import" "$(jq -nc --arg c "$csv" '{csv:$c}')" "$UT"
  assert_equal "$code" 201
  assert_equal "$(jbody .accepted)" 2
  assert_equal "$(jbody '[.items[].phone_number] | join(",")')" '595981000032,595981000033'
  assert_equal "$(jq -c .duplicates <<<"$body")" '[{"row":4,"phone_number":"595981000032","reason":"duplicate of row 2"}]'
  assert_equal "$(jbody '.rejected[0].row')" 5
  # A second file with a number already in the list: nothing stored twice.
  api POST "/api/contacts/$id/import" "$(jq -nc '{csv:"phone_number\n595.981.000.033\n"}')" "$UT"
  assert_equal "$code" 200
  assert_equal "$(jbody .accepted)" 0
  assert_equal "$(jq -c .duplicates <<<"$body")" '[{"row":2,"phone_number":"595981000033","reason":"already in the list"}]'
  assert_equal "$(psql_q "select count(*) from taguato.contact_list_items where list_id=$id")" 2
}

# create_user_named — a fresh user without email; prints the username.
create_user_named() {
  local name
  name=$(unique st)
  create_user "$name" "$PW" >/dev/null
  printf '%s\n' "$name"
}

@test "temporary password: for a user without email; sessions end, the next login must change it" {
  name=$(unique tmp)
  uid=$(create_user "$name" "$PW")
  old=$(login "$name" "$PW")
  api POST "/admin/users/$uid/reset-password" "" "$T"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'User has no email configured'
  # A locked user: the admin list says until when (the panel offers Unlock only then).
  psql_q "update taguato.users set failed_login_attempts=5, locked_until=now() + interval '15 minutes' where id=$uid" >/dev/null
  api GET "/admin/users?search=$name" "" "$T"
  [ "$(jbody '.users[0].locked_until')" != null ]
  api POST "/admin/users/$uid/temporary-password" "" "$T"
  assert_equal "$code" 200
  api GET "/admin/users?search=$name" "" "$T"
  assert_equal "$(jbody '.users[0].locked_until')" null
  api POST "/admin/users/$uid/temporary-password" "" "$T"
  tmp=$(jbody .temporary_password)
  [[ "$tmp" =~ ^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$ ]]
  api GET /api/auth/me "" "$old"
  assert_equal "$code" 401
  api POST /api/auth/login "$(jq -nc --arg u "$name" --arg p "$PW" '{username:$u,password:$p}')"
  assert_equal "$code" 401
  api POST /api/auth/login "$(jq -nc --arg u "$name" --arg p "$tmp" '{username:$u,password:$p}')"
  assert_equal "$code" 200
  assert_equal "$(jbody .user.must_change_password)" true
  t=$(jbody .token)
  api POST /api/auth/change-password "$(jq -nc --arg c "$tmp" '{current_password:$c,new_password:"Brand_New_9"}')" "$t"
  assert_equal "$code" 200
  t2=$(login "$name" Brand_New_9)
  api GET /api/auth/me "" "$t2"
  assert_equal "$(jbody .user.must_change_password)" false
  # The password is in neither the audit log nor its details.
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where action='admin_temporary_password' and resource_id='$uid'")" 2
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where details::text like '%$tmp%'")" 0
  api POST /admin/users/999999999/temporary-password "" "$T"
  assert_equal "$code" 404
}

@test "audit facets: the actions and users the filter menus offer, admin only" {
  api GET /admin/audit/facets "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody '.actions | index("admin_temporary_password") != null')" true
  assert_equal "$(jbody ".usernames | index(\"$ADMIN_USERNAME\") != null")" true
  assert_equal "$(jbody '.resource_types | type')" array
  UT=$(login "$(create_user_named)" "$PW")
  api GET /admin/audit/facets "" "$UT"
  assert_equal "$code" 403
}
