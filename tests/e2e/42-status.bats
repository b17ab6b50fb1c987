#!/usr/bin/env bats
# 42-status: GET /api/status (reference keys + ours, overall status, uptime windows and 90 daily
# buckets, incidents and maintenance, Redis cache HIT/MISS, per-IP 429) and the /status/ page assets.

load helpers

setup_file() {
  export T=$(admin_token)
}

teardown_file() {
  stop_extra_gateways
}


@test "status: public, reference keys plus ours, four services in order" {
  api GET /api/status
  assert_equal "$code" 200
  for k in overall_status services active_incidents recent_incidents scheduled_maintenances uptime uptime_daily response_time_history cached checked_at maintenance_in_progress breaker; do
    [ "$(jq --arg k "$k" 'has($k)' <<<"$body")" = true ] || { echo "missing $k"; false; }
  done
  assert_equal "$(jbody '[.services[].name] | join(",")')" 'API,WhatsApp connection,Database,Queue and cache'
  assert_equal "$(jbody '[.services[].status] | unique | join(",")')" operational
  assert_equal "$(jbody '.services[0] | keys | sort | join(",")')" 'daily,measured_since,name,response_time,state,status,uptime'
  assert_equal "$(jbody '.services[2].uptime | keys | sort | join(",")')" '24h,30d,7d,90d'
  assert_equal "$(jbody '.services[3].daily | length')" 90
  [[ "$(jbody '.services[3].daily[89].day')" == "$(date -u +%F)" ]]
  [[ "$(jbody .checked_at)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$ ]]
  assert_equal "$(jbody .breaker.state)" closed
  [[ "$(jbody .overall_status)" =~ ^(operational|degraded|partial_outage|major_outage)$ ]]
}

@test "status: cache MISS then HIT with cached:true; admin changes drop the cache" {
  api POST /admin/incidents '{"title":"cache probe","severity":"minor","message":"m","service_ids":[1]}' "$T"
  id=$(jbody .incident.id)
  api GET /api/status
  assert_equal "$(header x-cache)" MISS
  assert_equal "$(jbody .cached)" false
  api GET /api/status
  assert_equal "$(header x-cache)" HIT
  assert_equal "$(jbody .cached)" true
  api DELETE "/admin/incidents/$id" "" "$T"
  api GET /api/status
  assert_equal "$(header x-cache)" MISS
}

@test "status: open incidents raise the overall state, with timelines and service names" {
  api POST /admin/incidents '{"title":"Upstream outage","severity":"critical","message":"Sends fail","service_ids":[2]}' "$T"
  id=$(jbody .incident.id)
  api POST "/admin/incidents/$id/updates" '{"status":"identified","message":"Cause found"}' "$T"
  api GET /api/status
  assert_equal "$(jbody .overall_status)" major_outage
  inc=$(jq -c --argjson id "$id" '.active_incidents[] | select(.id==$id)' <<<"$body")
  assert_equal "$(jq -r '.affected_services | join(",")' <<<"$inc")" 'WhatsApp connection'
  assert_equal "$(jq -r '[.updates[].message] | join("|")' <<<"$inc")" 'Cause found|Sends fail'
  api POST "/admin/incidents/$id/updates" '{"status":"resolved","message":"Fixed"}' "$T"
  api GET /api/status
  assert_equal "$(jbody "[.active_incidents[] | select(.id==$id)] | length")" 0
  rec=$(jq -c --argjson id "$id" '.recent_incidents[] | select(.id==$id)' <<<"$body")
  [ "$(jq -r .resolved_at <<<"$rec")" != null ]
  assert_equal "$(jq -r '.affected_services | type' <<<"$rec")" array
}

@test "status: maintenance in progress is flagged and raises to at least degraded; upcoming listed" {
  api POST /admin/maintenance "$(jq -nc --arg s "$(date -u -d '-1 hour' +%FT%TZ)" --arg e "$(date -u -d '+1 hour' +%FT%TZ)" '{title:"Window now",scheduled_start:$s,scheduled_end:$e,service_ids:[3]}')" "$T"
  now_id=$(jbody .maintenance.id)
  api POST /admin/maintenance '{"title":"Later","scheduled_start":"2040-01-01T00:00:00Z","scheduled_end":"2040-01-01T01:00:00Z"}' "$T"
  later_id=$(jbody .maintenance.id)
  api GET /api/status
  assert_equal "$(jbody .maintenance_in_progress)" true
  [ "$(jbody .overall_status)" != operational ]
  assert_equal "$(jbody ".scheduled_maintenances[] | select(.id==$now_id) | .in_progress")" true
  assert_equal "$(jbody ".scheduled_maintenances[] | select(.id==$now_id) | .affected_services | join(\",\")")" Database
  assert_equal "$(jbody ".scheduled_maintenances[] | select(.id==$later_id) | .in_progress")" false
  api DELETE "/admin/maintenance/$now_id" "" "$T"
  api DELETE "/admin/maintenance/$later_id" "" "$T"
}

@test "status: uptime windows and daily buckets come from uptime_checks" {
  psql_q "insert into uptime_checks (service_name, status, response_time, checked_at) values
    ('Redis','operational',1, date_trunc('day', now()) - interval '80 days' + interval '1 hour'),
    ('Redis','major_outage',1, date_trunc('day', now()) - interval '80 days' + interval '2 hours'),
    ('Redis','operational',1, date_trunc('day', now()) - interval '80 days' + interval '3 hours'),
    ('Redis','operational',1, date_trunc('day', now()) - interval '80 days' + interval '4 hours')"
  api POST /admin/incidents '{"title":"flush","severity":"minor","message":"m","service_ids":[1]}' "$T"
  api DELETE "/admin/incidents/$(jbody .incident.id)" "" "$T"
  api GET /api/status
  day=$(date -u -d '-80 days' +%F)
  assert_equal "$(jbody ".services[3].daily[] | select(.day==\"$day\") | .pct")" 75
  [ "$(jbody '.services[3].uptime["90d"]')" != null ]
  psql_q "delete from uptime_checks where checked_at < now() - interval '79 days' and checked_at > now() - interval '82 days' and service_name='Redis'"
}

@test "status: per-IP limit answers 429 JSON with Retry-After" {
  start_extra_gateway STATUS_IP_RATE=1 STATUS_IP_BURST=2 WORKERS_ENABLED=false
  codes=""
  # The answer checked is the first 429 itself: on a loaded machine a further request may come after
  # the bucket refilled (1/s).
  for i in 1 2 3 4 5 6; do
    api GET "$EXTRA_URL/api/status"
    codes="$codes $code"
    [ "$code" = 429 ] && break
  done
  [[ "$codes" == " 200 200"* ]]
  assert_equal "$code" 429
  assert_equal "$(jbody .error)" 'Too many requests'
  [ -n "$(header retry-after)" ]
}

@test "status page: /status redirects, assets served with a strict CSP, no traversal" {
  api GET /status
  assert_equal "$code" 301
  assert_equal "$(header location)" /status/
  api GET /status/
  assert_equal "$code" 200
  [[ "$(header content-type)" == text/html* ]]
  [[ "$(header content-security-policy)" == *"script-src 'self'"* ]]
  [[ "$(header content-security-policy)" == *"frame-ancestors 'none'"* ]]
  [[ "$body" == *'/status/status.js'* ]]
  ! grep -q '<script>' <<<"$body"
  ! grep -q 'style=' <<<"$body"
  api GET /status/status.js
  assert_equal "$code" 200
  [[ "$(header content-type)" == *javascript* ]]
  api GET /status/status.css
  [[ "$(header content-type)" == text/css* ]]
  api GET /status/nope.js
  assert_equal "$code" 404
  api GET '/status/..%2F..%2Fpackage.json'
  [ "$code" != 200 ]
}
