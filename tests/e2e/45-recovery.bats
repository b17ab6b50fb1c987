#!/usr/bin/env bats
# 45-recovery: POST /api/auth/forgot-password, verify-reset-code, reset-password (R3, docs/decisions.md#r3,
# D6 (docs/decisions.md#d6)) by email through a real SMTP receiver (tests/support/smtp-sink.ts) and by WhatsApp through the
# sandbox upstream; admin-initiated reset email; hashed storage, attempts, throttles.

load helpers

PW='Passw0rd_Ok'
NEW_PW='N3w_Passw0rd'
GENERIC='If the account exists, a recovery code has been sent.'

setup_file() {
  export T=$(admin_token)
  export MAILS="$BATS_FILE_TMPDIR/mails.jsonl"
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/smtp-sink.ts "$MAILS" "$BATS_FILE_TMPDIR/smtp.port") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/smtp.pid"
  for _ in $(seq 100); do [ -s "$BATS_FILE_TMPDIR/smtp.port" ] && break; sleep 0.1; done
  export SMTP_PORT_=$(cat "$BATS_FILE_TMPDIR/smtp.port")
  start_extra_gateway SMTP_HOST=127.0.0.1 "SMTP_PORT=$SMTP_PORT_" SMTP_SECURE=none SMTP_FROM=noreply@taguato.test \
    RECOVERY_HOURLY_LIMIT=100 RECOVERY_VERIFY_LIMIT=1000 WORKERS_ENABLED=false >/dev/null
  export GW=$(sed -n "s/^URL='\(.*\)'$/\1/p" "$BATS_FILE_TMPDIR"/extra-gateways/gw.*)
}

teardown_file() {
  stop_extra_gateways
  kill "$(cat "$BATS_FILE_TMPDIR/smtp.pid")" 2>/dev/null || true
}

# wait_code EMAIL — waits for a mail to EMAIL and prints the 6-digit code in it.
wait_code() {
  local c=""
  for _ in $(seq 100); do
    c=$(jq -r --arg to "$1" 'select(.to | index($to)) | .raw' "$MAILS" 2>/dev/null | grep -o 'code is: [0-9]\{6\}' | tail -1 | grep -o '[0-9]\{6\}' || true)
    [ -n "$c" ] && break
    sleep 0.1
  done
  [ -n "$c" ] || { echo "no mail for $1" >&2; return 1; }
  printf '%s\n' "$c"
}

mail_count() { jq -r --arg to "$1" 'select(.to | index($to)) | .to[0]' "$MAILS" | wc -l; }

@test "validation: the reference's messages; unknown accounts get the generic 200" {
  api POST /api/auth/forgot-password 'x'
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Invalid JSON body'
  api POST /api/auth/forgot-password '{"username":""}'
  assert_equal "$(jbody .error)" 'username or email is required'
  api POST /api/auth/forgot-password '{"username":"no_such_user_xyz"}'
  assert_equal "$code" 200; assert_equal "$(jbody .message)" "$GENERIC"
  api POST /api/auth/verify-reset-code '{"email":"a@b.c"}'
  assert_equal "$(jbody .error)" 'code is required'
  api POST /api/auth/verify-reset-code '{"username":"no_such_user_xyz","code":"123456"}'
  assert_equal "$(jbody .error)" 'Invalid code or expired'
  api POST /api/auth/reset-password '{"new_password":"x"}'
  assert_equal "$(jbody .error)" 'reset_token is required'
  api POST /api/auth/reset-password '{"reset_token":"abc"}'
  assert_equal "$(jbody .error)" 'new_password is required'
  api POST /api/auth/reset-password '{"reset_token":"abc","new_password":"short"}'
  assert_equal "$(jbody .error)" 'Password must be at least 8 characters'
  api POST /api/auth/reset-password "{\"reset_token\":\"abc\",\"new_password\":\"$NEW_PW\"}"
  assert_equal "$(jbody .error)" 'Invalid or expired reset token'
}

@test "email: code by mail, hashed at rest, verify, reset; sessions revoked, lockout cleared, token single use" {
  u=$(unique rec); email="$u@example.test"
  uid=$(create_user "$u" "$PW" "$(jq -nc --arg e "$email" '{email:$e}')")
  old=$(login "$u" "$PW")
  api POST "$GW/api/auth/forgot-password" "$(jq -nc --arg e "$email" '{email:$e}')"
  assert_equal "$code" 200; assert_equal "$(jbody .message)" "$GENERIC"
  code6=$(wait_code "$email")
  jq -r --arg to "$email" 'select(.to | index($to)) | .raw' "$MAILS" | grep -q 'Subject: Recovery code - TAGUATO-SEND'
  jq -r --arg to "$email" 'select(.to | index($to)) | .raw' "$MAILS" | grep -qi 'text/html'
  stored=$(psql_q "select reset_code from password_resets where user_id=$uid and used_at is null")
  [ ${#stored} = 64 ]; [ "$stored" != "$code6" ]
  assert_equal "$stored" "$(printf '%s' "$code6" | sha256sum | cut -d' ' -f1)"
  assert_equal "$(psql_q "select details->>'method' from audit_log where action='password_reset_requested' and resource_id='$uid'")" email

  wrong=$(printf '%06d' $(( (10#$code6 + 1) % 1000000 )))
  api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --arg c "$wrong" '{username:$u,code:$c}')"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Invalid code or expired'
  api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --argjson c "$((10#$code6))" '{username:$u,code:$c}')"
  assert_equal "$code" 400
  api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$email" --arg c "$code6" '{email:$u,code:$c}')"
  assert_equal "$code" 200
  token=$(jbody .reset_token)
  [[ "$token" =~ ^[0-9a-f]{64}$ ]]
  assert_equal "$(psql_q "select reset_token from password_resets where user_id=$uid and used_at is null")" "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"

  psql_q "update users set failed_login_attempts=5, locked_until=now() + interval '10 minutes' where id=$uid"
  api POST /api/auth/reset-password "$(jq -nc --arg t "$token" '{reset_token:$t,new_password:"weakpassword"}')"
  assert_equal "$(jbody .error)" 'Password must contain at least one uppercase letter'
  api POST /api/auth/reset-password "$(jq -nc --arg t "$token" --arg p "$NEW_PW" '{reset_token:$t,new_password:$p}')"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" 'Password has been reset successfully. Please login with your new password.'
  assert_equal "$(psql_q "select failed_login_attempts, locked_until is null, must_change_password from users where id=$uid")" '0|t|f'
  api GET /api/auth/me "" "$old"
  assert_equal "$code" 401
  login "$u" "$NEW_PW" >/dev/null
  api POST /api/auth/reset-password "$(jq -nc --arg t "$token" --arg p "$NEW_PW" '{reset_token:$t,new_password:$p}')"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Invalid or expired reset token'
  assert_equal "$(psql_q "select count(*) from audit_log where action='password_reset_completed' and resource_id='$uid'")" 1
}

@test "attempts: five wrong codes burn the code" {
  u=$(unique att); email="$u@example.test"
  create_user "$u" "$PW" "$(jq -nc --arg e "$email" '{email:$e}')" >/dev/null
  api POST "$GW/api/auth/forgot-password" "$(jq -nc --arg u "$u" '{username:$u}')"
  code6=$(wait_code "$email")
  wrong=$(printf '%06d' $(( (10#$code6 + 7) % 1000000 )))
  for i in 1 2 3 4 5; do
    api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --arg c "$wrong" '{username:$u,code:$c}')"
    assert_equal "$(jbody .error)" 'Invalid code or expired'
  done
  api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --arg c "$code6" '{username:$u,code:$c}')"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'Too many attempts. Please request a new code.'
  api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --arg c "$code6" '{username:$u,code:$c}')"
  assert_equal "$(jbody .error)" 'Invalid code or expired'
}

@test "throttle: per account and per IP limits answer the generic 200 but send no more codes" {
  start_extra_gateway SMTP_HOST=127.0.0.1 "SMTP_PORT=$SMTP_PORT_" SMTP_SECURE=none SMTP_FROM=noreply@taguato.test \
    RECOVERY_HOURLY_LIMIT=2 TRUSTED_PROXIES=127.0.0.1 WORKERS_ENABLED=false >/dev/null
  net="10.$((RANDOM % 250)).$((RANDOM % 250))"
  # Per account: a new client IP each time, so only the account's counter can stop it.
  u=$(unique thr); email="$u@example.test"
  create_user "$u" "$PW" "$(jq -nc --arg e "$email" '{email:$e}')" >/dev/null
  for i in 1 2 3 4; do
    API_EXTRA_ARGS=(-H "X-Forwarded-For: $net.$i")
    api POST "$EXTRA_URL/api/auth/forgot-password" "$(jq -nc --arg u "$u" '{username:$u}')"
    API_EXTRA_ARGS=()
    assert_equal "$code" 200; assert_equal "$(jbody .message)" "$GENERIC"
  done
  # Per IP: three accounts from one address; the third gets nothing.
  emails=()
  for i in 1 2 3; do
    v=$(unique thi); emails+=("$v@example.test")
    create_user "$v" "$PW" "$(jq -nc --arg e "$v@example.test" '{email:$e}')" >/dev/null
    API_EXTRA_ARGS=(-H "X-Forwarded-For: $net.99")
    api POST "$EXTRA_URL/api/auth/forgot-password" "$(jq -nc --arg u "$v" '{username:$u}')"
    API_EXTRA_ARGS=()
    assert_equal "$code" 200
  done
  wait_code "${emails[1]}" >/dev/null
  sleep 0.5
  assert_equal "$(mail_count "$email")" 2
  assert_equal "$(mail_count "${emails[0]}")" 1
  assert_equal "$(mail_count "${emails[2]}")" 0
}

@test "whatsapp: no email -> code sent through RECOVERY_ADMIN_INSTANCE (sandbox records the send)" {
  inst=$(unique recinst)
  api POST /instance/create "$(jq -nc --arg n "$inst" '{instanceName:$n,integration:"WHATSAPP-BAILEYS"}')" "$T"
  upstream_api GET "/instance/connect/$inst"
  upstream_api POST "/sandbox/instances/$inst/scan"
  start_extra_gateway "RECOVERY_ADMIN_INSTANCE=$inst" RECOVERY_HOURLY_LIMIT=100 RECOVERY_VERIFY_LIMIT=1000 WORKERS_ENABLED=false
  u=$(unique wa)
  uid=$(create_user "$u" "$PW" '{"phone_number":"595981123456"}')
  api POST "$EXTRA_URL/api/auth/forgot-password" "$(jq -nc --arg u "$u" '{username:$u}')"
  assert_equal "$code" 200
  text=""
  for _ in $(seq 50); do
    upstream_api GET "/sandbox/messages?instance=$inst"
    text=$(jbody '[.messages[] | select(.number | tostring | contains("595981123456")) | .payload | tostring] | join(" ")')
    [[ "$text" == *'recovery code is'* ]] && break
    sleep 0.1
  done
  [[ "$text" == *'Your password recovery code is: *'* ]]
  code6=$(grep -o '\*[0-9]\{6\}\*' <<<"$text" | head -1 | tr -d '*')
  assert_equal "$(psql_q "select method from password_resets where user_id=$uid and used_at is null")" whatsapp
  api POST "$EXTRA_URL/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --arg c "$code6" '{username:$u,code:$c}')"
  assert_equal "$code" 200
  api DELETE "/instance/delete/$inst" "" "$T"
}

@test "admin reset: POST /admin/users/{id}/reset-password mails a code naming the admin" {
  u=$(unique adm); email="$u@example.test"
  uid=$(create_user "$u" "$PW" "$(jq -nc --arg e "$email" '{email:$e}')")
  api POST "$GW/admin/users/$uid/reset-password" "" "$T"
  assert_equal "$code" 200
  assert_equal "$(jbody .message)" 'Reset email sent to user'
  code6=$(wait_code "$email")
  jq -r --arg to "$email" 'select(.to | index($to)) | .raw' "$MAILS" | grep -q "An administrator ($ADMIN_USERNAME)"
  api POST "$GW/api/auth/verify-reset-code" "$(jq -nc --arg u "$u" --arg c "$code6" '{username:$u,code:$c}')"
  assert_equal "$code" 200
  api POST /admin/users/$uid/reset-password "" "$T"
  assert_equal "$code" 400; assert_equal "$(jbody .error)" 'SMTP is not configured'
}

@test "verify-reset-code: per-IP limit answers 429 JSON" {
  seen=""
  for i in $(seq 14); do
    api POST /api/auth/verify-reset-code '{"username":"nobody_here","code":"000000"}'
    seen="$seen $code"
    [ "$code" = 429 ] && break
  done
  [[ "$seen" == *429* ]]
  assert_equal "$(jbody .error)" 'Too many attempts. Please try again later.'
}
