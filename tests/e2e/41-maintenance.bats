#!/usr/bin/env bats
# 41-maintenance: /admin/maintenance CRUD with services, statuses, pagination, ISO dates, end > start,
# 404 parents and audit rows (R7, docs/decisions.md#r7, extended).

load helpers

setup_file() {
  export T=$(admin_token)
}

# new_maint TITLE START END [SERVICE_IDS_JSON] — sets $id.
new_maint() {
  api POST /admin/maintenance "$(jq -nc --arg t "$1" --arg s "$2" --arg e "$3" --argjson ids "${4:-[]}" \
    '{title:$t,scheduled_start:$s,scheduled_end:$e,description:"DB upgrade",service_ids:$ids}')" "$T"
  [ "$code" = 201 ] || { echo "create failed: $code $body" >&2; return 1; }
  id=$(jq -r .maintenance.id <<<"$body")
}

@test "create: required fields, ISO dates, end after start, services validated" {
  api POST /admin/maintenance '{"title":"x"}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'title, scheduled_start, and scheduled_end are required'
  api POST /admin/maintenance '{"title":"x","scheduled_start":"tomorrow","scheduled_end":"2030-01-01T00:00:00Z"}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'scheduled_start must be an ISO 8601 date'
  api POST /admin/maintenance '{"title":"x","scheduled_start":"2030-01-02T00:00:00Z","scheduled_end":"2030-01-01T00:00:00Z"}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'scheduled_end must be after scheduled_start'
  api POST /admin/maintenance '{"title":"x","scheduled_start":"2030-01-01T00:00:00Z","scheduled_end":"2030-01-01T00:00:00Z"}' "$T"
  assert_equal "$(jbody .error)" 'scheduled_end must be after scheduled_start'
  api POST /admin/maintenance '{"title":"x","scheduled_start":"2030-01-01T00:00:00Z","scheduled_end":"2030-01-02T00:00:00Z","service_ids":[424242]}' "$T"
  assert_equal "$(jbody .error)" 'Unknown service id: 424242'
}

@test "create: 201 shape with ISO Z dates, services linked, audited; unauthenticated 401" {
  new_maint "$(unique mt)" 2030-03-01T02:00:00-03:00 '2030-03-01 08:00' '[3]'
  assert_equal "$(jbody .maintenance.status)" scheduled
  assert_equal "$(jbody .maintenance.scheduled_start)" 2030-03-01T05:00:00.000Z
  assert_equal "$(jbody .maintenance.scheduled_end)" 2030-03-01T08:00:00.000Z
  assert_equal "$(jbody .maintenance.description)" 'DB upgrade'
  assert_equal "$(psql_q "select string_agg(service_id::text, ',') from maintenance_services where maintenance_id=$id")" 3
  assert_equal "$(psql_q "select count(*) from audit_log where action='maintenance_created' and resource_id='$id'")" 1
  api POST /admin/maintenance '{}'
  assert_equal "$code" 401
}

@test "list: services as {id,name}, status filter, in_progress first, pagination" {
  new_maint "$(unique ml)" 2031-01-01T00:00:00Z 2031-01-01T02:00:00Z '[1,2]'
  first=$id
  new_maint "$(unique ml)" 2020-01-01T00:00:00Z 2020-01-01T01:00:00Z
  api PUT "/admin/maintenance/$id" '{"status":"in_progress"}' "$T"
  assert_equal "$code" 200
  api GET "/admin/maintenance?limit=1" "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody '.maintenances | length')" 1
  assert_equal "$(jbody .maintenances[0].status)" in_progress
  [ "$(jbody .pages)" -ge 2 ]
  api GET "/admin/maintenance?status=scheduled&limit=100" "" "$T"
  item=$(jq -c --argjson id "$first" '.maintenances[] | select(.id==$id)' <<<"$body")
  assert_equal "$(jq -r '[.affected_services[].name] | join(",")' <<<"$item")" 'Gateway,Evolution API'
  assert_equal "$(jq -r '.affected_services[0] | keys | join(",")' <<<"$item")" 'id,name'
  assert_equal "$(jq -r .created_by_name <<<"$item")" "$ADMIN_USERNAME"
  assert_equal "$(jbody '[.maintenances[] | select(.status != "scheduled")] | length')" 0
}

@test "put: fields, status enum, window re-checked against stored dates, services only, 404; audited" {
  new_maint "$(unique mp)" 2032-01-01T00:00:00Z 2032-01-01T02:00:00Z
  api PUT "/admin/maintenance/$id" '{"title":"Moved","scheduled_end":"2032-01-01T04:00:00Z"}' "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .maintenance.title)|$(jbody .maintenance.scheduled_end)" 'Moved|2032-01-01T04:00:00.000Z'
  api PUT "/admin/maintenance/$id" '{"scheduled_end":"2031-12-31T00:00:00Z"}' "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'scheduled_end must be after scheduled_start'
  api PUT "/admin/maintenance/$id" '{"status":"later"}' "$T"
  assert_equal "$(jbody .error)" 'status must be one of: scheduled, in_progress, completed'
  api PUT "/admin/maintenance/$id" '{"service_ids":[2,4]}' "$T"
  assert_equal "$(jbody .message)" 'Services updated'
  api PUT "/admin/maintenance/$id" '{}' "$T"
  assert_equal "$(jbody .error)" 'No fields to update'
  api PUT /admin/maintenance/999999999 '{"service_ids":[1]}' "$T"
  assert_equal "$code" 404; assert_equal "$(jbody .error)" 'Maintenance not found'
  assert_equal "$(psql_q "select count(*) from audit_log where action='maintenance_updated' and resource_id='$id'")" 2
}

@test "delete: 200 then 404, links cascade, audited" {
  title=$(unique md)
  new_maint "$title" 2033-01-01T00:00:00Z 2033-01-01T02:00:00Z '[1]'
  api DELETE "/admin/maintenance/$id" "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .deleted.title)" "$title"
  assert_equal "$(psql_q "select count(*) from maintenance_services where maintenance_id=$id")" 0
  api DELETE "/admin/maintenance/$id" "" "$T"
  assert_equal "$code" 404
  assert_equal "$(psql_q "select details->>'title' from audit_log where action='maintenance_deleted' and resource_id='$id'")" "$title"
}
