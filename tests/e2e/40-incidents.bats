#!/usr/bin/env bats
# 40-incidents: /admin/incidents CRUD, services, timeline updates, resolved_at, pagination, 404
# parents and audit rows (R7 (docs/decisions.md#r7) with R7 fixed).

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export T=$(admin_token)
  export UNAME=$(unique incu)
  create_user "$UNAME" "$PW" >/dev/null
  export UT=$(login "$UNAME" "$PW")
}

# new_incident TITLE SEVERITY [STATUS] [SERVICE_IDS_JSON] — sets $id (call directly, not in $(...)).
new_incident() {
  api POST /admin/incidents "$(jq -nc --arg t "$1" --arg s "$2" --arg st "${3:-investigating}" --argjson ids "${4:-[1]}" \
    '{title:$t,severity:$s,status:$st,message:"Looking into it",service_ids:$ids}')" "$T"
  [ "$code" = 201 ] || { echo "create failed: $code $body" >&2; return 1; }
  id=$(jq -r .incident.id <<<"$body")
}

@test "incidents: admin only (401 without token, 403 for a user)" {
  api GET /admin/incidents
  assert_equal "$code" 401
  api GET /admin/incidents "" "$UT"
  assert_equal "$code" 403
  assert_equal "$(jbody .error)" 'Admin access required'
}

@test "incidents/services: the four seeded services by display order" {
  api GET /admin/incidents/services "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.services[].name] | join(",")')" 'Gateway,Evolution API,PostgreSQL,Redis'
  [ "$(jbody '.services[0] | keys | sort | join(",")')" = 'description,display_order,id,name' ]
}

@test "create: validation messages in the reference's order" {
  api POST /admin/incidents 'nope' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Invalid JSON body'
  api POST /admin/incidents '{"severity":"minor","message":"m"}' "$T"
  assert_equal "$(jbody .error)" 'title and severity are required'
  api POST /admin/incidents '{"title":"x","message":"m"}' "$T"
  assert_equal "$(jbody .error)" 'title and severity are required'
  api POST /admin/incidents '{"title":"x","severity":"huge","message":"m"}' "$T"
  assert_equal "$(jbody .error)" 'severity must be one of: minor, major, critical'
  api POST /admin/incidents '{"title":"x","severity":"minor","status":"done","message":"m"}' "$T"
  assert_equal "$(jbody .error)" 'status must be one of: investigating, identified, monitoring, resolved'
  api POST /admin/incidents '{"title":"x","severity":"minor"}' "$T"
  assert_equal "$(jbody .error)" 'message is required (initial update)'
  api POST /admin/incidents '{"title":"x","severity":"minor","message":"m","service_ids":[1,99999]}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Unknown service id: 99999'
  api POST /admin/incidents '{"title":"x","severity":"minor","message":"m","service_ids":"1"}' "$T"
  assert_equal "$(jbody .error)" 'service_ids must be an array of service ids'
  api POST /admin/incidents '{"title":"x","severity":"minor","message":"m"}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'service_ids must name at least one affected service (see GET /admin/incidents/services)'
}

@test "create: 201 shape, initial update, services linked, audit row" {
  title=$(unique inc)
  new_incident "$title" major investigating '[2,3]'
  assert_equal "$(jbody '.incident | keys | sort | join(",")')" 'created_at,id,resolved_at,severity,status,title'
  [[ "$(jbody .incident.created_at)" =~ Z$ ]]
  assert_equal "$(jbody .incident.resolved_at)" null
  assert_equal "$(psql_q "select count(*) from incident_updates where incident_id=$id")" 1
  assert_equal "$(psql_q "select string_agg(service_id::text, ',' order by service_id) from incident_services where incident_id=$id")" '2,3'
  assert_equal "$(psql_q "select action||'|'||resource_type||'|'||(details->>'severity') from audit_log where action='incident_created' and resource_id='$id'")" 'incident_created|incident|major'
}

@test "list: full shape with services and timeline, open first, status filter, pagination" {
  new_incident "$(unique listinc)" minor investigating '[1]'
  api GET "/admin/incidents?limit=1&page=1" "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .limit)" 1
  assert_equal "$(jbody '.incidents | length')" 1
  [ "$(jbody .total)" -ge 1 ]
  assert_equal "$(jbody .pages)" "$(jbody .total)"
  api GET "/admin/incidents?status=investigating&limit=100" "" "$T"
  item=$(jq -c --argjson id "$id" '.incidents[] | select(.id==$id)' <<<"$body")
  assert_equal "$(jq -r '.affected_services | map(.name) | join(",")' <<<"$item")" Gateway
  assert_equal "$(jq -r '.updates[0].message' <<<"$item")" 'Looking into it'
  assert_equal "$(jq -r '.created_by_name' <<<"$item")" "$ADMIN_USERNAME"
  assert_equal "$(jq -r '.updates[0] | keys | sort | join(",")' <<<"$item")" 'created_at,created_by_name,id,message,status'
  api GET "/admin/incidents?status=resolved&limit=100" "" "$T"
  assert_equal "$(jbody "[.incidents[] | select(.id==$id)] | length")" 0
}

@test "updates: add to timeline, resolve sets resolved_at, reopen clears it; 404 parent; audited" {
  new_incident "$(unique upd)" critical
  api POST "/admin/incidents/$id/updates" '{"status":"identified"}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'status and message are required'
  api POST "/admin/incidents/$id/updates" '{"status":"nah","message":"x"}' "$T"
  assert_equal "$(jbody .error)" 'status must be one of: investigating, identified, monitoring, resolved'
  api POST "/admin/incidents/$id/updates" '{"status":"resolved","message":"Fixed"}' "$T"
  assert_equal "$code" 201
  assert_equal "$(jbody '.update | keys | sort | join(",")')" 'created_at,id,message,status'
  assert_equal "$(psql_q "select status, resolved_at is not null from incidents where id=$id")" 'resolved|t'
  api POST "/admin/incidents/$id/updates" '{"status":"monitoring","message":"Back again"}' "$T"
  assert_equal "$(psql_q "select status, resolved_at is null from incidents where id=$id")" 'monitoring|t'
  assert_equal "$(psql_q "select count(*) from incident_updates where incident_id=$id")" 3
  [ "$(psql_q "select count(*) from audit_log where action='incident_update_added' and resource_id='$id'")" = 2 ]
  api POST /admin/incidents/999999999/updates '{"status":"resolved","message":"x"}' "$T"
  assert_equal "$code" 404; assert_equal "$(jbody .error)" 'Incident not found'
}

@test "create resolved: resolved_at is set at once" {
  new_incident "$(unique res)" minor resolved
  [ "$(jbody .incident.resolved_at)" != null ]
  assert_equal "$(psql_q "select resolved_at is not null from incidents where id=$id")" t
}

@test "put: title/severity, services only, no fields, 404 even for services only; audited" {
  new_incident "$(unique put)" minor
  api PUT "/admin/incidents/$id" '{"title":"Renamed","severity":"major"}' "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .incident.title)|$(jbody .incident.severity)" 'Renamed|major'
  api PUT "/admin/incidents/$id" '{"service_ids":[4]}' "$T"
  assert_equal "$(jbody .message)" 'Services updated'
  assert_equal "$(psql_q "select string_agg(service_id::text, ',') from incident_services where incident_id=$id")" 4
  api PUT "/admin/incidents/$id" '{}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'No fields to update'
  api PUT "/admin/incidents/$id" '{"severity":"meh"}' "$T"
  assert_equal "$(jbody .error)" 'severity must be one of: minor, major, critical'
  api PUT /admin/incidents/999999999 '{"service_ids":[1]}' "$T"
  assert_equal "$code" 404; assert_equal "$(jbody .error)" 'Incident not found'
  api PUT /admin/incidents/abc '{"title":"x"}' "$T"
  assert_equal "$code" 404
  [ "$(psql_q "select count(*) from audit_log where action='incident_updated' and resource_id='$id'")" = 2 ]
}

@test "delete: cascades timeline and links, 404 after, audited" {
  title=$(unique del)
  new_incident "$title" minor investigating '[1,2]'
  api DELETE "/admin/incidents/$id" "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .deleted.id)|$(jbody .deleted.title)" "$id|$title"
  assert_equal "$(psql_q "select (select count(*) from incident_updates where incident_id=$id) + (select count(*) from incident_services where incident_id=$id)")" 0
  api DELETE "/admin/incidents/$id" "" "$T"
  assert_equal "$code" 404; assert_equal "$(jbody .error)" 'Incident not found'
  assert_equal "$(psql_q "select details->>'title' from audit_log where action='incident_deleted' and resource_id='$id'")" "$title"
}
