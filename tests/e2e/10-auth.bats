#!/usr/bin/env bats
# 10-auth: POST /api/auth/login (lockout, 2FA, bcrypt upgrade), /me, change-password, logout(-all),
# /2fa/* — R3 (docs/decisions.md#r3) with decisions D4 (docs/decisions.md#d4)-D6.

load helpers

PW='Passw0rd_Ok'

# totp SECRET [OFFSET_STEPS] — the authenticator code of a base32 secret.
totp() { (cd "$REPO_ROOT" && node --import tsx tests/support/totp.ts "$@"); }

# early_in_step — waits until at least 12 s remain in the current 30 s TOTP step, so a sequence using
# the codes of steps -1, 0 and +1 is not split by a step boundary.
early_in_step() {
  while [ $(( $(date +%s) % 30 )) -gt 18 ]; do sleep 1; done
}

# new_user [EXTRA_JSON] — creates a user with $PW; sets U_NAME and U_ID.
new_user() {
  local extra=${1:-'{}'}
  U_NAME=$(unique auth)
  U_ID=$(create_user "$U_NAME" "$PW" "$extra")
}

creds() { jq -nc --arg u "$1" --arg p "$2" '{username:$u,password:$p}'; }

# ---- login -------------------------------------------------------------------------------------------

@test "login: 200 with a 64-hex token and the reference's user shape; a session row and audit user_login" {
  new_user
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 200
  [[ $(jbody .token) =~ ^[0-9a-f]{64}$ ]]
  assert_equal "$(jbody '.user | keys | join(",")')" "id,max_instances,must_change_password,role,username"
  assert_equal "$(jbody .user.id)" "$U_ID"
  assert_equal "$(jbody .user.role)" user
  assert_equal "$(jbody .user.must_change_password)" true
  # Only the SHA-256 of the token is stored (D5, docs/decisions.md#d5).
  hash=$(printf '%s' "$(jbody .token)" | sha256sum | cut -d' ' -f1)
  assert_equal "$(psql_q "select count(*) from taguato.sessions where user_id=$U_ID and token_hash='$hash' and is_active")" 1
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where user_id=$U_ID and action='user_login' and resource_type='session'")" 1
}

@test "login: bad input is a 400 with the reference's messages" {
  for b in '' 'not json' '[]' '"str"' '42' 'null'; do
    api POST /api/auth/login "$b"
    assert_equal "$code" 400
    assert_equal "$(jbody .error)" "Invalid JSON body"
  done
  for b in '{}' '{"username":"x"}' '{"password":"x"}' '{"username":1,"password":"x"}' '{"username":"x","password":null}'; do
    api POST /api/auth/login "$b"
    assert_equal "$code" 400
    assert_equal "$(jbody .error)" "username and password are required"
  done
}

@test "login: wrong password, unknown, injected, unicode, oversized and disabled users are all 401" {
  new_user
  for u in "$U_NAME" nobody_here_xyz "admin' OR '1'='1" "ñandú_☃" "$(head -c 5000 /dev/zero | tr '\0' a)"; do
    api POST /api/auth/login "$(creds "$u" 'Wrong_Pass1')"
    assert_equal "$code" 401
    assert_equal "$(jbody .error)" "Invalid username or password"
  done
  # NUL cannot be stored by PostgreSQL: the shared text rule answers 400 naming the field (issue 14)
  api POST /api/auth/login '{"username":"adm\u0000in","password":"x"}'
  assert_equal "$code $(jbody .error)" "400 username must not contain NUL characters"
  api PUT "/admin/users/$U_ID" '{"is_active":false}' "$(admin_token)"
  assert_equal "$code" 200
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 401
  # No counters for unknown or disabled users.
  assert_equal "$(psql_q "select failed_login_attempts from taguato.users where id=$U_ID")" 1
}

@test "login: an oversized body is 413 JSON" {
  head -c $((51 * 1024 * 1024)) /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big.json"
  api POST /api/auth/login "@$BATS_TEST_TMPDIR/big.json"
  assert_equal "$code" 413
  assert_equal "$(jbody .error)" "Request body too large"
}

@test "lockout: 5 failures lock for 15 minutes even with the right password (429)" {
  new_user
  for i in 1 2 3 4 5; do
    api POST /api/auth/login "$(creds "$U_NAME" "Wrong_$i")"
    assert_equal "$code" 401
  done
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 429
  assert_equal "$(jbody .error)" "Account temporarily locked. Try again in 15 minutes."
  mins=$(psql_q "select round(extract(epoch from locked_until - now()) / 60) from taguato.users where id=$U_ID")
  assert_equal "$mins" 15
}

@test "lockout: parallel guesses cannot exceed the limit" {
  new_user
  local pids=()
  for i in $(seq 1 12); do
    curl -s -o /dev/null --max-time 30 -H 'Content-Type: application/json' --data-binary "$(creds "$U_NAME" "Wrong_$i")" "$GATEWAY_URL/api/auth/login" &
    pids+=($!)
  done
  # Wait for our curls only (a bare `wait` would also wait for bats' own background jobs).
  for p in "${pids[@]}"; do wait "$p" || true; done
  assert_equal "$(psql_q "select failed_login_attempts from taguato.users where id=$U_ID")" 5
}

@test "lockout: an expired lock starts counting from 0; success resets the counter" {
  new_user
  for i in 1 2 3 4 5; do api POST /api/auth/login "$(creds "$U_NAME" "Wrong_$i")"; done
  psql_q "update taguato.users set locked_until = now() - interval '1 second' where id=$U_ID"
  api POST /api/auth/login "$(creds "$U_NAME" "Wrong_again")"
  assert_equal "$code" 401
  assert_equal "$(psql_q "select failed_login_attempts || '|' || (locked_until is null) from taguato.users where id=$U_ID")" "1|true"
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select failed_login_attempts || '|' || (locked_until is null) from taguato.users where id=$U_ID")" "0|true"
}

@test "lockout: an admin unlocks with PUT {unlock:true}" {
  new_user
  for i in 1 2 3 4 5; do api POST /api/auth/login "$(creds "$U_NAME" "Wrong_$i")"; done
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 429
  api PUT "/admin/users/$U_ID" '{"unlock":true}' "$(admin_token)"
  assert_equal "$code" 200
  login "$U_NAME" "$PW" >/dev/null
}

@test "bcrypt: an imported bcrypt hash logs in and is re-hashed to argon2id" {
  new_user
  hash=$(totp bcrypt 'Legacy_Pass1')
  [[ $hash == \$2a\$06\$* ]]
  psql_q "update taguato.users set password_hash = '$hash' where id=$U_ID"
  api POST /api/auth/login "$(creds "$U_NAME" 'Wrong_Pass1')"
  assert_equal "$code" 401
  assert_equal "$(psql_q "select left(password_hash, 4) from taguato.users where id=$U_ID")" '$2a$'
  login "$U_NAME" 'Legacy_Pass1' >/dev/null
  assert_equal "$(psql_q "select left(password_hash, 10) from taguato.users where id=$U_ID")" '$argon2id$'
  login "$U_NAME" 'Legacy_Pass1' >/dev/null
}

# ---- me, logout ------------------------------------------------------------------------------------

@test "me: the reference's shape with instances [] and nulls; 401/401/403 guards" {
  new_user '{"email":"me_test@example.com"}'
  t=$(login "$U_NAME" "$PW")
  api GET /api/auth/me "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody '.user | keys | join(",")')" "created_at,email,id,instances,max_instances,must_change_password,phone_number,role,totp_enabled,username"
  assert_equal "$(jbody '.user.instances | type')" array
  assert_equal "$(jbody '.user.instances | length')" 0
  assert_equal "$(jbody .user.phone_number)" null
  assert_equal "$(jbody .user.email)" me_test@example.com
  assert_equal "$(jbody .user.totp_enabled)" false
  [[ $(jbody .user.created_at) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$ ]]
  api GET /api/auth/me
  assert_equal "$code $(jbody .error)" "401 Missing apikey header"
  api GET /api/auth/me "" "$(printf 'f%.0s' {1..64})"
  assert_equal "$code $(jbody .error)" "401 Invalid or expired session token"
  # A row disabled behind the API's back (no revocation): a never-cached token reads it -> 403.
  t2=$(login "$U_NAME" "$PW")
  psql_q "update taguato.users set is_active = false where id=$U_ID"
  api GET /api/auth/me "" "$t2"
  assert_equal "$code $(jbody .error)" "403 Account is disabled"
}

@test "logout: the token is refused on the very next request; audit user_logout" {
  new_user
  t=$(login "$U_NAME" "$PW")
  other=$(login "$U_NAME" "$PW")
  api POST /api/auth/logout "" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "Logged out successfully"
  api GET /api/auth/me "" "$t"
  assert_equal "$code" 401
  api GET /api/auth/me "" "$other"
  assert_equal "$code" 200
  api POST /api/auth/logout
  assert_equal "$code $(jbody .error)" "401 Missing apikey header"
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where user_id=$U_ID and action='user_logout'")" 1
}

@test "logout-all: every session of the user is refused at once; other users keep theirs" {
  new_user
  a=$(login "$U_NAME" "$PW"); b=$(login "$U_NAME" "$PW")
  api GET /api/sessions "" "$b"   # warm the session cache
  other=$(admin_token)
  api POST /api/auth/logout-all "" "$a"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "All sessions logged out successfully"
  for t in "$a" "$b"; do api GET /api/sessions "" "$t"; assert_equal "$code" 401; done
  api GET /api/auth/me "" "$other"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where user_id=$U_ID and action='user_logout_all'")" 1
}

# ---- change-password -------------------------------------------------------------------------------

@test "change-password: policy and messages; the database is unchanged on every refusal" {
  new_user
  t=$(login "$U_NAME" "$PW")
  before=$(psql_q "select password_hash from taguato.users where id=$U_ID")
  api POST /api/auth/change-password '[]' "$t"
  assert_equal "$code $(jbody .error)" "400 Invalid JSON body"
  api POST /api/auth/change-password '{"new_password":"Abcdefg1"}' "$t"
  assert_equal "$code $(jbody .error)" "400 current_password and new_password are required"
  declare -A cases=(
    [short]='Password must be at least 8 characters'
    [abcdefg1]='Password must contain at least one uppercase letter'
    [ABCDEFG1]='Password must contain at least one lowercase letter'
    [Abcdefgh]='Password must contain at least one number'
  )
  for pw in "${!cases[@]}"; do
    api POST /api/auth/change-password "$(jq -nc --arg c "$PW" --arg n "$pw" '{current_password:$c,new_password:$n}')" "$t"
    assert_equal "$code" 400
    assert_equal "$(jbody .error)" "${cases[$pw]}"
  done
  api POST /api/auth/change-password '{"current_password":"Nope_Nope1","new_password":"Abcdefg12"}' "$t"
  assert_equal "$code $(jbody .error)" "401 Current password is incorrect"
  api POST /api/auth/change-password '{"current_password":"x","new_password":"Abcdefg12"}'
  assert_equal "$code $(jbody .error)" "401 Missing apikey header"
  assert_equal "$(psql_q "select password_hash from taguato.users where id=$U_ID")" "$before"
  api GET /api/auth/me "" "$t"
  assert_equal "$code" 200
}

@test "change-password: 200, every session revoked at once, must_change_password cleared, new password works" {
  new_user
  t=$(login "$U_NAME" "$PW"); t2=$(login "$U_NAME" "$PW")
  api POST /api/auth/change-password "$(jq -nc --arg c "$PW" '{current_password:$c,new_password:"Brand_New_9"}')" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "Password changed successfully. Please login again."
  for x in "$t" "$t2"; do api GET /api/auth/me "" "$x"; assert_equal "$code" 401; done
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 401
  t3=$(login "$U_NAME" Brand_New_9)
  api GET /api/auth/me "" "$t3"
  assert_equal "$(jbody .user.must_change_password)" false
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where user_id=$U_ID and action='password_changed'")" 1
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where details::text like '%Brand_New_9%'")" 0
}

# ---- 2FA ---------------------------------------------------------------------------------------------

@test "2fa: routes answer 401 Unauthorized without a valid session" {
  api GET /api/auth/2fa/setup
  assert_equal "$code $(jbody .error)" "401 Unauthorized"
  api POST /api/auth/2fa/enable '{"secret":"A","code":"123456"}' nope
  assert_equal "$code $(jbody .error)" "401 Unauthorized"
  api POST /api/auth/2fa/disable '{"code":"123456"}'
  assert_equal "$code $(jbody .error)" "401 Unauthorized"
}

@test "2fa: full flow — setup, enable, two-step login, replay refused, disable" {
  new_user
  t=$(login "$U_NAME" "$PW")
  api GET /api/auth/2fa/setup "" "$t"
  assert_equal "$code" 200
  secret=$(jbody .secret)
  [[ $secret =~ ^[A-Z2-7]{32}$ ]]
  assert_equal "$(jbody .otpauth_uri)" "otpauth://totp/TAGUATO-SEND%3A$U_NAME?secret=$secret&issuer=TAGUATO-SEND&algorithm=SHA1&digits=6&period=30"
  # Nothing stored at setup.
  assert_equal "$(psql_q "select totp_enabled || '|' || coalesce(totp_secret, '-') from taguato.users where id=$U_ID")" "false|-"

  api POST /api/auth/2fa/enable '{"secret":"only"}' "$t"
  assert_equal "$code $(jbody .error)" "400 secret and code are required"
  api POST /api/auth/2fa/enable "$(jq -nc '{secret:"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",code:"123456"}')" "$t"
  assert_equal "$code" 400   # not the secret this server issued
  api POST /api/auth/2fa/enable "$(jq -nc --arg s "$secret" '{secret:$s,code:"000000"}')" "$t"
  if [ "$(totp "$secret")" != 000000 ]; then
    assert_equal "$code $(jbody .error)" "400 Invalid code — verify your authenticator app is synchronized"
  fi

  early_in_step
  api POST /api/auth/2fa/enable "$(jq -nc --arg s "$secret" --arg c "$(totp "$secret" -1)" '{secret:$s,code:$c}')" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "Two-factor authentication enabled"
  api GET /api/auth/me "" "$t"
  assert_equal "$(jbody .user.totp_enabled)" true

  # Step 1: password only -> requires_2fa, no session, counters unchanged.
  n=$(psql_q "select count(*) from taguato.sessions where user_id=$U_ID")
  api POST /api/auth/login "$(creds "$U_NAME" "$PW")"
  assert_equal "$code" 200
  assert_equal "$body" '{"requires_2fa":true}'
  assert_equal "$(psql_q "select count(*) from taguato.sessions where user_id=$U_ID")" "$n"
  assert_equal "$(psql_q "select failed_login_attempts from taguato.users where id=$U_ID")" 0
  # Wrong code: 401 and counted.
  api POST /api/auth/login "$(jq -nc --arg u "$U_NAME" --arg p "$PW" '{username:$u,password:$p,totp_code:"12345"}')"
  assert_equal "$code $(jbody .error)" "401 Invalid authenticator code"
  assert_equal "$(psql_q "select failed_login_attempts from taguato.users where id=$U_ID")" 1
  # Right code: token. The same code again is a replay.
  c0=$(totp "$secret")
  api POST /api/auth/login "$(jq -nc --arg u "$U_NAME" --arg p "$PW" --arg c "$c0" '{username:$u,password:$p,totp_code:$c}')"
  assert_equal "$code" 200
  [[ $(jbody .token) =~ ^[0-9a-f]{64}$ ]]
  api POST /api/auth/login "$(jq -nc --arg u "$U_NAME" --arg p "$PW" --arg c "$c0" '{username:$u,password:$p,totp_code:$c}')"
  assert_equal "$code $(jbody .error)" "401 Invalid authenticator code"

  # Disable: code required, password checked when given, then off.
  api POST /api/auth/2fa/disable '{}' "$t"
  assert_equal "$code $(jbody .error)" "400 code is required"
  c1=$(totp "$secret" 1)
  api POST /api/auth/2fa/disable "$(jq -nc --arg c "$c1" '{code:$c,password:"Wrong_Pass1"}')" "$t"
  assert_equal "$code $(jbody .error)" "400 Invalid password"
  api POST /api/auth/2fa/disable "$(jq -nc --arg c "$c0" '{code:$c}')" "$t"
  assert_equal "$code $(jbody .error)" "400 Invalid code"
  api POST /api/auth/2fa/disable "$(jq -nc --arg c "$c1" --arg p "$PW" '{code:$c,password:$p}')" "$t"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" "Two-factor authentication disabled"
  assert_equal "$(psql_q "select totp_enabled || '|' || coalesce(totp_secret, '-') from taguato.users where id=$U_ID")" "false|-"
  api POST /api/auth/2fa/disable "$(jq -nc --arg c "$c1" '{code:$c}')" "$t"
  assert_equal "$code $(jbody .error)" "400 2FA is not currently enabled"
  login "$U_NAME" "$PW" >/dev/null
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where user_id=$U_ID and action in ('2fa_enabled','2fa_disabled')")" 2
  assert_equal "$(psql_q "select count(*) from taguato.audit_log where details::text like '%$secret%'")" 0
}

@test "auth routes are not per-user rate limited" {
  new_user '{"rate_limit":2}'
  t=$(login "$U_NAME" "$PW")
  for i in 1 2 3 4; do
    api GET /api/auth/me "" "$t"
    assert_equal "$code" 200
    assert_equal "$(header X-RateLimit-Limit)" ""
  done
}
