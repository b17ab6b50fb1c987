#!/usr/bin/env bats
# 15-account-hardening: brute-force limits on the secrets of authenticated routes (2FA code, current
# password), failed logins per client IP (password spraying), and the last-active-admin guard.
# The per-IP login limit and the last-admin cases run on an extra gateway with its OWN fresh database
# (one admin only, LOGIN_IP_MAX_FAILURES=3, 127.0.0.1 trusted so X-Forwarded-For picks the address).

load helpers

PW='Passw0rd_Ok'
TOO_MANY='Too many attempts. Try again later.'
IP_BLOCKED='Too many failed login attempts from this address. Try again later.'
LAST_ADMIN='Cannot remove the last active admin'

totp() { (cd "$REPO_ROOT" && node --import tsx tests/support/totp.ts "$@"); }
# A code 10 minutes ahead: never accepted now (the verification window is one step either side).
wrong_code() { totp "$1" 20; }
early_in_step() { while [ $(( $(date +%s) % 30 )) -gt 18 ]; do sleep 1; done; }

new_user() {
  U_NAME=$(unique hard)
  U_ID=$(create_user "$U_NAME" "$PW")
}

# retry_after_ok — Retry-After is a number of seconds within the 15-minute window.
retry_after_ok() {
  local ra
  ra=$(header Retry-After)
  [[ $ra =~ ^[0-9]+$ ]] && [ "$ra" -ge 1 ] && [ "$ra" -le 900 ] || { echo "bad Retry-After: '$ra'" >&2; return 1; }
}

setup_file() {
  local base=${DATABASE_URL%%\?*}
  export HARD_DB="taguato_hard_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  export HARD_ADMIN_URL="${base%/*}/postgres"
  DATABASE_URL=$HARD_ADMIN_URL psql_q "create database $HARD_DB" >/dev/null
  start_extra_gateway DATABASE_URL="${base%/*}/$HARD_DB" WORKERS_ENABLED=false LOGIN_IP_MAX_FAILURES=3 TRUSTED_PROXIES=127.0.0.1,::1 >/dev/null
  export HARD_URL=$EXTRA_URL
}

teardown_file() {
  stop_extra_gateways
  [ -n "${HARD_DB:-}" ] && DATABASE_URL=$HARD_ADMIN_URL psql_q "drop database if exists $HARD_DB with (force)" >/dev/null
  return 0
}

# hard_api METHOD PATH [JSON] [TOKEN] — a request to the fresh-database gateway.
hard_api() { api "$1" "$HARD_URL$2" "${3:-}" "${4:-}"; }
hard_sql() { DATABASE_URL="${HARD_ADMIN_URL%/*}/$HARD_DB" psql_q "$1"; }
hard_login() {
  hard_api POST /api/auth/login "$(jq -nc --arg u "$1" --arg p "$2" '{username:$u,password:$p}')"
  [ "$code" = 200 ] || { echo "login as $1 failed: $code $body" >&2; return 1; }
  jbody .token
}

# ---- 2FA codes ---------------------------------------------------------------------------------------

@test "hardening 2fa/enable: 5 wrong codes, then 429 with Retry-After even for the right code" {
  new_user
  t=$(login "$U_NAME" "$PW")
  api GET /api/auth/2fa/setup "" "$t"
  secret=$(jbody .secret)
  bad=$(jq -nc --arg s "$secret" --arg c "$(wrong_code "$secret")" '{secret:$s,code:$c}')
  for _ in 1 2 3 4 5; do
    api POST /api/auth/2fa/enable "$bad" "$t"
    assert_equal "$code" 400
  done
  early_in_step
  api POST /api/auth/2fa/enable "$(jq -nc --arg s "$secret" --arg c "$(totp "$secret")" '{secret:$s,code:$c}')" "$t"
  assert_equal "$code $(jbody .error)" "429 $TOO_MANY"
  retry_after_ok
  assert_equal "$(psql_q "select totp_enabled from taguato.users where id=$U_ID")" f
  # Separate counters: the TOTP limit does not block a password change attempt.
  api POST /api/auth/change-password '{"current_password":"Nope_Nope1","new_password":"Abcdefg12"}' "$t"
  assert_equal "$code" 401
}

@test "hardening 2fa: a right code resets the counter; disable shares the limit and counts wrong passwords" {
  new_user
  t=$(login "$U_NAME" "$PW")
  api GET /api/auth/2fa/setup "" "$t"
  secret=$(jbody .secret)
  for _ in 1 2 3 4; do
    api POST /api/auth/2fa/enable "$(jq -nc --arg s "$secret" --arg c "$(wrong_code "$secret")" '{secret:$s,code:$c}')" "$t"
    assert_equal "$code" 400
  done
  early_in_step
  api POST /api/auth/2fa/enable "$(jq -nc --arg s "$secret" --arg c "$(totp "$secret" -1)" '{secret:$s,code:$c}')" "$t"
  assert_equal "$code" 200
  # Reset: five more wrong attempts are answered normally (4 codes, 1 password), the sixth is 429.
  for _ in 1 2 3 4; do
    api POST /api/auth/2fa/disable "$(jq -nc --arg c "$(wrong_code "$secret")" '{code:$c}')" "$t"
    assert_equal "$code $(jbody .error)" "400 Invalid code"
  done
  api POST /api/auth/2fa/disable "$(jq -nc --arg c "$(totp "$secret")" '{code:$c,password:"Wrong_Pass1"}')" "$t"
  assert_equal "$code $(jbody .error)" "400 Invalid password"
  api POST /api/auth/2fa/disable "$(jq -nc --arg c "$(totp "$secret" 1)" '{code:$c}')" "$t"
  assert_equal "$code $(jbody .error)" "429 $TOO_MANY"
  retry_after_ok
  assert_equal "$(psql_q "select totp_enabled from taguato.users where id=$U_ID")" t
}

# ---- change-password ---------------------------------------------------------------------------------

@test "hardening change-password: the right password resets; 5 wrong ones, then 429 and nothing changes" {
  new_user
  t=$(login "$U_NAME" "$PW")
  wrong='{"current_password":"Nope_Nope1","new_password":"Abcdefg12"}'
  for _ in 1 2 3 4; do
    api POST /api/auth/change-password "$wrong" "$t"
    assert_equal "$code" 401
  done
  api POST /api/auth/change-password "$(jq -nc --arg c "$PW" '{current_password:$c,new_password:"Second_Pw_9"}')" "$t"
  assert_equal "$code" 200
  t=$(login "$U_NAME" Second_Pw_9)
  for _ in 1 2 3 4 5; do
    api POST /api/auth/change-password "$wrong" "$t"
    assert_equal "$code $(jbody .error)" "401 Current password is incorrect"
  done
  hash=$(psql_q "select password_hash from taguato.users where id=$U_ID")
  api POST /api/auth/change-password '{"current_password":"Second_Pw_9","new_password":"Third_Pw_99"}' "$t"
  assert_equal "$code $(jbody .error)" "429 $TOO_MANY"
  retry_after_ok
  assert_equal "$(psql_q "select password_hash from taguato.users where id=$U_ID")" "$hash"
  login "$U_NAME" Second_Pw_9 >/dev/null
}

# ---- failed logins per client IP ---------------------------------------------------------------------

@test "hardening login: failures per IP across usernames are capped; successes neither count nor reset" {
  ip="10.$((RANDOM % 250)).$((RANDOM % 250)).$((RANDOM % 250 + 1))"
  other="10.$((RANDOM % 250)).$((RANDOM % 250)).$((RANDOM % 250 + 1))"
  [ "$ip" != "$other" ] || other=192.0.2.77
  good=$(jq -nc --arg p "$ADMIN_PASSWORD" --arg u "$ADMIN_USERNAME" '{username:$u,password:$p}')
  spray() { jq -nc --arg u "$(unique spray)" '{username:$u,password:"Guess_Pw_1"}'; }
  API_EXTRA_ARGS=(-H "X-Forwarded-For: $ip")
  for _ in 1 2 3; do
    hard_api POST /api/auth/login "$good"
    assert_equal "$code" 200
  done
  hard_api POST /api/auth/login "$(spray)"
  assert_equal "$code" 401
  hard_api POST /api/auth/login "$(spray)"
  assert_equal "$code" 401
  hard_api POST /api/auth/login "$good"
  assert_equal "$code" 200
  hard_api POST /api/auth/login "$(spray)"
  assert_equal "$code" 401
  # Three failures (LOGIN_IP_MAX_FAILURES=3): the address is refused, even with the right password.
  hard_api POST /api/auth/login "$good"
  assert_equal "$code $(jbody .error)" "429 $IP_BLOCKED"
  retry_after_ok
  hard_api POST /api/auth/login "$(spray)"
  assert_equal "$code" 429
  # Another address is unaffected.
  API_EXTRA_ARGS=(-H "X-Forwarded-For: $other")
  hard_api POST /api/auth/login "$good"
  assert_equal "$code" 200
  API_EXTRA_ARGS=()
}

# ---- last active admin -------------------------------------------------------------------------------

@test "hardening admin: the last active admin cannot be demoted or deactivated; other changes pass" {
  t=$(hard_login "$ADMIN_USERNAME" "$ADMIN_PASSWORD")
  aid=$(hard_sql "select id from users where username='$ADMIN_USERNAME'")
  assert_equal "$(hard_sql "select count(*) from users where role='admin' and is_active")" 1
  hard_api PUT "/admin/users/$aid" '{"role":"user"}' "$t"
  assert_equal "$code $(jbody .error)" "400 $LAST_ADMIN"
  hard_api PUT "/admin/users/$aid" '{"is_active":false}' "$t"
  assert_equal "$code $(jbody .error)" "400 $LAST_ADMIN"
  hard_api PUT "/admin/users/$aid" '{"role":"user","is_active":false,"max_instances":3}' "$t"
  assert_equal "$code" 400
  assert_equal "$(hard_sql "select role || '|' || is_active || '|' || max_instances from users where id=$aid")" "admin|true|-1"
  hard_api PUT "/admin/users/$aid" '{"role":"admin","is_active":true,"rate_limit":50}' "$t"
  assert_equal "$code" 200
  # A plain user can still be deactivated, and with a second admin the first one may step down.
  hard_api POST /admin/users "$(jq -nc --arg u "$(unique hu)" '{username:$u,password:"Passw0rd_Ok"}')" "$t"
  uid=$(jbody .user.id)
  hard_api PUT "/admin/users/$uid" '{"is_active":false}' "$t"
  assert_equal "$code" 200
  bname=$(unique hadm)
  hard_api POST /admin/users "$(jq -nc --arg u "$bname" '{username:$u,password:"Passw0rd_Ok",role:"admin"}')" "$t"
  bid=$(jbody .user.id)
  b=$(hard_login "$bname" Passw0rd_Ok)
  hard_api PUT "/admin/users/$aid" '{"role":"user"}' "$b"
  assert_equal "$code" 200
  # Now the second admin is the last one; restore the seeded admin for the next test.
  hard_api PUT "/admin/users/$bid" '{"is_active":false}' "$b"
  assert_equal "$code $(jbody .error)" "400 $LAST_ADMIN"
  hard_api PUT "/admin/users/$aid" '{"role":"admin"}' "$b"
  assert_equal "$code" 200
  hard_api DELETE "/admin/users/$bid" "" "$t"
  assert_equal "$code" 200
}

@test "hardening admin: deleting the last active admin is refused; concurrent demotions leave one admin" {
  t=$(hard_login "$ADMIN_USERNAME" "$ADMIN_PASSWORD")
  aid=$(hard_sql "select id from users where username='$ADMIN_USERNAME'")
  # An admin deactivated behind its session's back (a concurrent change) still passes the admin guard
  # from the session cache for a moment: its requests must not remove the last active admin either.
  cname=$(unique hadc)
  hard_api POST /admin/users "$(jq -nc --arg u "$cname" '{username:$u,password:"Passw0rd_Ok",role:"admin"}')" "$t"
  cid=$(jbody .user.id)
  c=$(hard_login "$cname" Passw0rd_Ok)
  hard_api GET "/admin/users/$cid" "" "$c"
  assert_equal "$code" 200
  hard_sql "update users set is_active = false where id = $cid" >/dev/null
  hard_api DELETE "/admin/users/$aid" "" "$c"
  assert_equal "$code $(jbody .error)" "400 $LAST_ADMIN"
  assert_equal "$(hard_sql "select count(*) from users where id=$aid and role='admin' and is_active")" 1
  # Two active admins demoted at the same time: the row lock makes exactly one of them succeed.
  bname=$(unique hadb)
  hard_api POST /admin/users "$(jq -nc --arg u "$bname" '{username:$u,password:"Passw0rd_Ok",role:"admin"}')" "$t"
  bid=$(jbody .user.id)
  pids=()
  for id in "$aid" "$bid"; do
    curl -sS -o /dev/null -w '%{http_code}\n' -X PUT -H "apikey: $c" -H 'Content-Type: application/json' \
      --data '{"role":"user"}' "$HARD_URL/admin/users/$id" >>"$BATS_TEST_TMPDIR/codes" &
    pids+=($!)
  done
  wait "${pids[@]}" # only ours: bats has background helpers of its own
  assert_equal "$(sort "$BATS_TEST_TMPDIR/codes" | tr '\n' ' ')" "200 400 "
  assert_equal "$(hard_sql "select count(*) from users where role='admin' and is_active")" 1
}
