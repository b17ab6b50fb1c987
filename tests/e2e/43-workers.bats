#!/usr/bin/env bats
# 43-workers: GET /admin/workers, POST /admin/workers/{name}/run, and each operations job's effect in
# the database: uptime rows, reconnect after a sandbox drop, cleanup and purge on rows aged via SQL.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export T=$(admin_token)
  export UNAME=$(unique wrk)
  export UID_=$(create_user "$UNAME" "$PW")
}

# open_instance NAME — creates NAME (Baileys on the sandbox), links it and lets the reconnect job see it open.
open_instance() {
  api POST /instance/create "$(jq -nc --arg n "$1" '{instanceName:$n,integration:"WHATSAPP-BAILEYS"}')" "$T"
  [ "$code" = 201 ] || { echo "create $1: $code $body" >&2; return 1; }
  upstream_api GET "/instance/connect/$1"
  upstream_api POST "/sandbox/instances/$1/scan"
  [ "$(jbody .state)" = open ] || { echo "scan $1: $body" >&2; return 1; }
  run_job reconnect
}

run_job() {
  api POST "/admin/workers/$1/run" "" "$T"
  [ "$code" = 200 ] || { echo "run $1: $code $body" >&2; return 1; }
  [ "$(jbody .run.outcome)" = ok ] || { echo "run $1 outcome: $body" >&2; return 1; }
}

@test "workers: list has the operations jobs with schedules; unknown job 404; admin only" {
  api GET /admin/workers "" "$T"
  assert_equal "$code" 200
  for j in uptime reconnect cleanup purge backup; do
    [ "$(jbody "[.workers[] | select(.name==\"$j\")] | length")" = 1 ] || { echo "missing $j"; false; }
  done
  assert_equal "$(jbody '.workers[] | select(.name=="uptime") | .schedule')" '*/5 * * * *'
  assert_equal "$(jbody '.workers[] | select(.name=="backup") | .schedule')" '0 0 * * *'
  api POST /admin/workers/nope/run "" "$T"
  assert_equal "$code" 404; assert_equal "$(jbody .error)" 'Worker not found'
  api POST /admin/workers/uptime/run "" "$(login "$UNAME" "$PW")"
  assert_equal "$code" 403
}

@test "uptime: one row per service with latency, run recorded in job_runs" {
  before=$(psql_q "select count(*) from uptime_checks")
  run_job uptime
  assert_equal "$(jbody .run.job)" uptime
  [ "$(jbody .run.duration_ms)" -ge 0 ]
  after=$(psql_q "select count(*) from uptime_checks")
  assert_equal "$((after - before))" 4
  assert_equal "$(psql_q "select string_agg(service_name || ':' || status, ',' order by service_name) from (select distinct on (service_name) service_name, status from uptime_checks order by service_name, checked_at desc) x")" \
    'Evolution API:operational,Gateway:operational,PostgreSQL:operational,Redis:operational'
  api GET /admin/workers "" "$T"
  assert_equal "$(jbody '.workers[] | select(.name=="uptime") | .last_run.outcome')" ok
}

@test "reconnect: an instance seen open then dropped is reconnected once, logged; backoff holds the next try" {
  name=$(unique rc)
  open_instance "$name"
  assert_equal "$(psql_q "select state, was_open from instance_states where instance_name='$name'")" 'open|t'
  assert_equal "$(psql_q "select count(*) from reconnect_log where instance_name='$name'")" 0

  upstream_api POST "/sandbox/instances/$name/drop"
  assert_equal "$(jbody .state)" close
  run_job reconnect
  assert_equal "$(psql_q "select previous_state, action, result from reconnect_log where instance_name='$name'")" 'close|auto_reconnect|reconnected'
  assert_equal "$(psql_q "select reconnect_attempts from instance_states where instance_name='$name'")" 1

  # Still (or again) closed right after: the 3-minute backoff skips it.
  upstream_api POST "/sandbox/instances/$name/drop"
  run_job reconnect
  assert_equal "$(psql_q "select count(*) from reconnect_log where instance_name='$name'")" 1
  api DELETE "/instance/delete/$name" "" "$T"
}

@test "reconnect: a final disconnect (replaced by another device, logged out) is left alone; a lost connection is not" {
  name=$(unique rcx)
  open_instance "$name"
  for reason in 440 401; do
    upstream_api POST "/sandbox/instances/$name/drop?reason=$reason"
    assert_equal "$(jbody .state)" close
    run_job reconnect
    [ "$(jbody .run.summary.final)" -ge 1 ]
    assert_equal "$(psql_q "select count(*) from reconnect_log where instance_name='$name'")" 0
    upstream_api POST "/sandbox/instances/$name/scan"
    run_job reconnect
  done
  upstream_api POST "/sandbox/instances/$name/drop?reason=abc"
  assert_equal "$code" 400
  upstream_api POST "/sandbox/instances/$name/drop?reason=428"
  run_job reconnect
  assert_equal "$(psql_q "select result from reconnect_log where instance_name='$name'")" reconnected
  api DELETE "/instance/delete/$name" "" "$T"
}

@test "reconnect: five failures in the last hour skip the instance" {
  name=$(unique rcf)
  open_instance "$name"
  upstream_api POST "/sandbox/instances/$name/drop"
  psql_q "insert into reconnect_log (instance_name, previous_state, action, result) select '$name','close','auto_reconnect','failed' from generate_series(1,5)"
  run_job reconnect
  assert_equal "$(psql_q "select count(*) from reconnect_log where instance_name='$name'")" 5
  [ "$(jbody .run.summary.skipped)" -ge 1 ]
  api DELETE "/instance/delete/$name" "" "$T"
}

@test "cleanup: expired sessions revoked, stuck leases released, old password resets deleted" {
  tok=$(login "$UNAME" "$PW")
  api GET /api/auth/me "" "$tok"
  assert_equal "$code" 200
  hash=$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)
  psql_q "update sessions set expires_at = now() - interval '1 minute' where token_hash='$hash'"
  sid=$(psql_q "insert into scheduled_messages (user_id, instance_name, message_content, recipients, scheduled_at, status, lease_owner, lease_until)
    values ($UID_, 'none', 'hi', '[\"595981000000\"]', now() + interval '1 day', 'processing', 'ghost', now() - interval '1 minute') returning id")
  rid=$(psql_q "insert into password_resets (user_id, reset_code, used_at) values ($UID_, repeat('a',64), now() - interval '2 hours') returning id")
  live=$(psql_q "insert into password_resets (user_id, reset_code) values ($UID_, repeat('b',64)) returning id")
  run_job cleanup
  assert_equal "$(psql_q "select is_active from sessions where token_hash='$hash'")" f
  api GET /api/auth/me "" "$tok"
  assert_equal "$code" 401
  assert_equal "$(psql_q "select status || '|' || coalesce(lease_owner, 'null') from scheduled_messages where id=$sid")" 'pending|null'
  assert_equal "$(psql_q "select count(*) from password_resets where id=$rid")" 0
  assert_equal "$(psql_q "select count(*) from password_resets where id=$live")" 1
  psql_q "delete from scheduled_messages where id=$sid; delete from password_resets where id=$live"
}

@test "purge: rows past retention go, recent rows stay" {
  ins=$(unique pg)
  psql_q "insert into message_logs (user_id, instance_name, phone_number, created_at) values
    ($UID_, '$ins', '1', now() - interval '91 days'), ($UID_, '$ins', '2', now() - interval '89 days')"
  psql_q "insert into audit_log (action, resource_id, created_at) values ('purge_probe', '$ins', now() - interval '181 days'), ('purge_probe', '$ins', now() - interval '179 days')"
  psql_q "insert into reconnect_log (instance_name, created_at) values ('$ins', now() - interval '91 days'), ('$ins', now() - interval '1 day')"
  psql_q "insert into uptime_checks (service_name, status, checked_at) values ('$ins', 'operational', now() - interval '91 days'), ('$ins', 'operational', now() - interval '1 day')"
  psql_q "insert into sessions (user_id, token_hash, is_active, created_at) values ($UID_, md5('$ins') || md5('a$ins'), false, now() - interval '8 days'), ($UID_, md5('b$ins') || md5('c$ins'), false, now() - interval '6 days')"
  psql_q "insert into scheduled_messages (user_id, instance_name, message_content, recipients, scheduled_at, status, updated_at) values
    ($UID_, '$ins', 'x', '[]', now(), 'completed', now() - interval '31 days'), ($UID_, '$ins', 'x', '[]', now() + interval '1 day', 'pending', now() - interval '31 days')"
  # (the pending row is due tomorrow: the scheduled-send job must not complete it during this test)
  run_job purge
  assert_equal "$(psql_q "select string_agg(phone_number, ',') from message_logs where instance_name='$ins'")" 2
  assert_equal "$(psql_q "select count(*) from audit_log where resource_id='$ins'")" 1
  assert_equal "$(psql_q "select count(*) from reconnect_log where instance_name='$ins'")" 1
  assert_equal "$(psql_q "select count(*) from uptime_checks where service_name='$ins'")" 1
  assert_equal "$(psql_q "select count(*) from sessions where user_id=$UID_ and not is_active and token_hash like md5('b$ins') || '%'")" 1
  assert_equal "$(psql_q "select count(*) from sessions where token_hash = md5('$ins') || md5('a$ins')")" 0
  assert_equal "$(psql_q "select string_agg(status, ',') from scheduled_messages where instance_name='$ins'")" pending
  [ "$(jbody .run.summary.deleted.message_logs)" -ge 1 ]
  psql_q "delete from scheduled_messages where instance_name='$ins'"
}
