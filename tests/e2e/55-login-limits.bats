#!/usr/bin/env bats
# 55-login-limits: only failed logins count, per account (D6, docs/decisions.md#d6) and per client
# address, so concurrent correct logins are never refused, while concurrent wrong passwords still stop
# at the limit. Runs on an extra gateway with the default per-address limit (LOGIN_IP_MAX_FAILURES=30)
# and 127.0.0.1 trusted, so each test picks its own address with X-Forwarded-For.

load helpers

PW='Passw0rd_Ok'
LOCKED='Account temporarily locked. Try again in 15 minutes.'
IP_BLOCKED='Too many failed login attempts from this address. Try again later.'

setup_file() {
  start_extra_gateway WORKERS_ENABLED=false LOGIN_IP_MAX_FAILURES=30 TRUSTED_PROXIES=127.0.0.1,::1 >/dev/null
  export LIMITS_URL=$EXTRA_URL
}

teardown_file() {
  stop_extra_gateways
}

# address — a fresh client address (its own per-address counter in the shared Redis).
address() { echo "10.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"; }

creds() { jq -nc --arg u "$1" --arg p "$2" '{username:$u,password:$p}'; }

# burst DIR IP USER:PASS... — one concurrent login per argument from IP; answers in DIR/<n> as
# "<status> <error>" lines.
burst() {
  local dir=$1 ip=$2 n=0 pids=() a
  shift 2
  mkdir -p "$dir"
  for a in "$@"; do
    n=$((n + 1))
    (
      out=$(curl -s -w '\n%{http_code}' --max-time 60 -H 'Content-Type: application/json' -H "X-Forwarded-For: $ip" \
        --data-binary "$(creds "${a%%:*}" "${a#*:}")" "$LIMITS_URL/api/auth/login")
      printf '%s %s\n' "${out##*$'\n'}" "$(jq -r '.error // ""' <<<"${out%$'\n'*}")" >"$dir/$n"
    ) &
    pids+=($!)
  done
  # Wait for our curls only (a bare `wait` would also wait for bats' own background jobs).
  for a in "${pids[@]}"; do wait "$a" || true; done
}

# count DIR LINE — how many answers in DIR are exactly LINE.
count() { cat "$1"/* | grep -cxF -- "$2" || true; }

limits_login() {
  api POST "$LIMITS_URL/api/auth/login" "$(creds "$1" "$2")"
}

@test "login limits: 10 concurrent correct logins for one user all succeed and count nothing" {
  local name id
  name=$(unique lim)
  id=$(create_user "$name" "$PW")
  burst "$BATS_TEST_TMPDIR/b" "$(address)" $(for _ in $(seq 10); do echo "$name:$PW"; done)
  assert_equal "$(count "$BATS_TEST_TMPDIR/b" '200 ')" 10
  assert_equal "$(psql_q "select failed_login_attempts from taguato.users where id=$id")" 0
}

@test "login limits: three bursts of 40 correct logins from one address (10 users) all succeed, and the next too" {
  local ip users=() args=() i b
  ip=$(address)
  for i in $(seq 10); do
    users+=("$(unique lim)")
    create_user "${users[-1]}" "$PW" >/dev/null
  done
  for i in $(seq 40); do args+=("${users[$((i % 10))]}:$PW"); done
  for b in 1 2 3; do
    burst "$BATS_TEST_TMPDIR/b$b" "$ip" "${args[@]}"
    assert_equal "$(count "$BATS_TEST_TMPDIR/b$b" '200 ')" 40
  done
  API_EXTRA_ARGS=(-H "X-Forwarded-For: $ip")
  limits_login "${users[0]}" "$PW"
  API_EXTRA_ARGS=()
  assert_equal "$code" 200
}

@test "login limits: 12 concurrent wrong passwords lock at 5 (5 answered 401), then the right one is 429" {
  local name id ip args=() i
  name=$(unique lim)
  id=$(create_user "$name" "$PW")
  ip=$(address)
  for i in $(seq 12); do args+=("$name:Wrong_Pw_$i"); done
  burst "$BATS_TEST_TMPDIR/b" "$ip" "${args[@]}"
  assert_equal "$(count "$BATS_TEST_TMPDIR/b" '401 Invalid username or password')" 5
  assert_equal "$(count "$BATS_TEST_TMPDIR/b" "429 $LOCKED")" 7
  assert_equal "$(psql_q "select failed_login_attempts from taguato.users where id=$id")" 5
  API_EXTRA_ARGS=(-H "X-Forwarded-For: $ip")
  limits_login "$name" "$PW"
  API_EXTRA_ARGS=()
  assert_equal "$code $(jbody .error)" "429 $LOCKED"
}

@test "login limits: 40 concurrent wrong logins from one address: 30 answered 401, then the address is blocked" {
  local ip name args=() i
  ip=$(address)
  name=$(unique lim)
  create_user "$name" "$PW" >/dev/null
  for i in $(seq 40); do args+=("$(unique spray):Guess_Pw_1"); done
  burst "$BATS_TEST_TMPDIR/b" "$ip" "${args[@]}"
  assert_equal "$(count "$BATS_TEST_TMPDIR/b" '401 Invalid username or password')" 30
  assert_equal "$(count "$BATS_TEST_TMPDIR/b" "429 $IP_BLOCKED")" 10
  API_EXTRA_ARGS=(-H "X-Forwarded-For: $ip")
  limits_login "$name" "$PW"
  assert_equal "$code $(jbody .error)" "429 $IP_BLOCKED"
  API_EXTRA_ARGS=(-H "X-Forwarded-For: $(address)")
  limits_login "$name" "$PW"
  API_EXTRA_ARGS=()
  assert_equal "$code" 200
}
