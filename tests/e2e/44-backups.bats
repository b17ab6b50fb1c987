#!/usr/bin/env bats
# 44-backups: D16. Create, list, download, delete, name validation (no traversal), a restore round trip
# on the populated database (data back, other sessions revoked, the caller's kept), and the backup
# job's retention on an extra gateway with its own BACKUP_DIR.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export T=$(admin_token)
}

teardown_file() {
  stop_extra_gateways
}

@test "backup: 201 shape, listed with byte size, downloadable gzip of the taguato schema, audited" {
  api POST /admin/backup "" "$T"
  assert_equal "$code" 201
  assert_equal "$(jbody .message)" 'Backup created'
  name=$(jbody .filename)
  [[ "$name" =~ ^taguato_backup_[0-9]{8}_[0-9]{6}(_[0-9]+)?\.sql\.gz$ ]]
  [ "$(jbody '.size | type')" = number ]
  [[ "$(jbody .created_at)" =~ Z$ ]]
  api GET /admin/backup "" "$T"
  assert_equal "$(jbody ".backups[] | select(.filename==\"$name\") | .size | type")" number
  curl -sS -o "$BATS_TEST_TMPDIR/dl.sql.gz" -D "$BATS_TEST_TMPDIR/dl.h" -H "apikey: $T" "$GATEWAY_URL/admin/backup/$name/download"
  grep -qi 'content-type: application/gzip' "$BATS_TEST_TMPDIR/dl.h"
  gunzip -t "$BATS_TEST_TMPDIR/dl.sql.gz"
  gunzip -c "$BATS_TEST_TMPDIR/dl.sql.gz" | grep -q 'CREATE TABLE taguato.users'
  ! gunzip -c "$BATS_TEST_TMPDIR/dl.sql.gz" | grep -q 'CREATE SCHEMA public'
  assert_equal "$(psql_q "select count(*) from audit_log where action='backup_created' and resource_id='$name'")" 1
}

@test "backup: names are validated (traversal refused), missing files 404, delete audited" {
  for bad in '..%2F..%2Fetc%2Fpasswd' 'taguato_backup_1.sql.gz' '.taguato_backup_20250101_000000.sql.gz.partial' 'x%00.sql.gz'; do
    api GET "/admin/backup/$bad/download" "" "$T"
    [ "$code" = 400 ] || [ "$code" = 404 ] || { echo "$bad -> $code"; false; }
    [ "$code" != 200 ]
  done
  api GET '/admin/backup/..%2F..%2Fetc%2Fpasswd/download' "" "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Invalid backup filename'
  api DELETE /admin/backup/taguato_backup_19990101_000000.sql.gz "" "$T"
  assert_equal "$code" 404; assert_equal "$(jbody .error)" 'Backup not found'
  api POST /admin/backup/taguato_backup_19990101_000000.sql.gz/restore "" "$T"
  assert_equal "$code" 404
  api POST /admin/backup "" "$T"
  name=$(jbody .filename)
  api DELETE "/admin/backup/$name" "" "$T"
  assert_equal "$code" 200
  api GET /admin/backup "" "$T"
  assert_equal "$(jbody "[.backups[] | select(.filename==\"$name\")] | length")" 0
  assert_equal "$(psql_q "select count(*) from audit_log where action='backup_deleted' and resource_id='$name'")" 1
}

@test "restore: round trip on a populated database; other sessions revoked, the caller's kept" {
  keep=$(unique keep); gone=$(unique gone)
  create_user "$keep" "$PW" >/dev/null
  keep_tok=$(login "$keep" "$PW")
  api POST /admin/incidents '{"title":"Original title","severity":"minor","message":"m","service_ids":[1]}' "$T"
  inc=$(jbody .incident.id)
  api POST /admin/backup "" "$T"
  assert_equal "$code" 201
  name=$(jbody .filename)

  # Change and delete data after the backup.
  psql_q "delete from users where username='$keep'"
  create_user "$gone" "$PW" >/dev/null
  api PUT "/admin/incidents/$inc" '{"title":"Changed"}' "$T"
  other=$(login "$ADMIN_USERNAME" "$ADMIN_PASSWORD")
  caller=$(login "$ADMIN_USERNAME" "$ADMIN_PASSWORD") # created after the backup: must be re-created

  api POST "/admin/backup/$name/restore" "" "$caller"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)|$(jbody .filename)" "Backup restored|$name"
  assert_equal "$(psql_q "select count(*) from users where username='$keep'")" 1
  assert_equal "$(psql_q "select count(*) from users where username='$gone'")" 0
  assert_equal "$(psql_q "select title from incidents where id=$inc")" 'Original title'
  assert_equal "$(psql_q "select count(*) from schema_migrations")" "$(ls "$REPO_ROOT/db/migrations" | grep -c '\.sql$')"

  api GET /api/auth/me "" "$caller"
  assert_equal "$code" 200
  api GET /admin/backup "" "$caller"
  assert_equal "$code" 200
  api GET /api/auth/me "" "$other"
  assert_equal "$code" 401
  api GET /api/auth/me "" "$keep_tok"
  assert_equal "$code" 401
  api GET /api/auth/me "" "$T"
  assert_equal "$code" 401
  assert_equal "$(psql_q "select count(*) from audit_log where action='backup_restored' and resource_id='$name'")" 1
  # The restored user can log in again.
  login "$keep" "$PW" >/dev/null
  rm -f "$BATS_FILE_TMPDIR/admin_token"
}

@test "backup job: automatic backups keep the newest BACKUP_RETENTION, manual ones untouched" {
  dir="$BATS_FILE_TMPDIR/bk"
  mkdir -p "$dir"
  start_extra_gateway "BACKUP_DIR=$dir" BACKUP_RETENTION=2 WORKERS_ENABLED=false
  tok=$(login "$ADMIN_USERNAME" "$ADMIN_PASSWORD")
  for n in taguato_auto_20200101_000000 taguato_auto_20200102_000000 taguato_auto_20200103_000000 taguato_backup_20200101_000000; do
    echo "-- old" | gzip >"$dir/$n.sql.gz"
  done
  api POST "$EXTRA_URL/admin/workers/backup/run" "" "$tok"
  assert_equal "$code" 200
  assert_equal "$(jbody .run.outcome)" ok
  newest=$(jbody .run.summary.filename)
  [[ "$newest" =~ ^taguato_auto_ ]]
  assert_equal "$(ls "$dir" | grep -c '^taguato_auto_')" 2
  [ -f "$dir/$newest" ]
  [ -f "$dir/taguato_auto_20200103_000000.sql.gz" ]
  [ -f "$dir/taguato_backup_20200101_000000.sql.gz" ]
  gunzip -t "$dir/$newest"
}
