#!/usr/bin/env bats
# 57-outages (issue 31): fault injection on a stack of our own. A private PostgreSQL and Redis
# (outage-helpers.bash; the machine's shared servers are never stopped or frozen), the sandbox upstream and
# one gateway worker on them (each a cluster primary re-forking its worker), and a background load of
# ~3 sends/s, 2 reads of /api/messages/log/s and 1 login/s timed per request by curl. Then:
#   1. PostgreSQL stopped 20 s (pg_ctl -m fast) during the load and a 60-recipient bulk send; then a
#      second gateway's own PostgreSQL stopped 20 s while the upstream's stays up (warm sends go on);
#   2. Redis frozen 10 s (SIGSTOP), a logout during the freeze;
#   3. the gateway worker killed with kill -9 under sends;
#   4. the upstream worker frozen 20 s (SIGSTOP) under sends;
#   5. 40 concurrent correct logins from one address, and a 10,000-deep body with a NUL at the bottom.
# What must hold: no process dies for good, every answer is 2xx or a 503 with Retry-After (504 for a send
# past its deadline while the upstream stalls) within 2 s (sends: within the send deadline), no internal
# address in an error, every answered send has exactly one message-log row, no bulk recipient reported
# sent that the sandbox did not receive, revocation holds, the breaker opens and closes by itself.

load helpers
load outage-helpers

PW='Passw0rd_Ok'
# The send deadline of this suite's gateway (UPSTREAM_SEND_TIMEOUT_MS / UPSTREAM_TIMEOUT_MS), in seconds.
SEND_DEADLINE_S=3
BULK_N=60

setup_file() {
  outage_servers_start || return 1
  outage_stack_start GATEWAY_WORKERS=1 WORKERS_ENABLED=true \
    'SCHEDULED_CRON=* * * * * *' SCHEDULED_PACING_MS=150 SCHEDULED_LEASE_SECONDS=5 SCHEDULED_RETRY_DELAY_MS=500 \
    REDIS_COMMAND_TIMEOUT_MS=500 UPSTREAM_TIMEOUT_MS=$((SEND_DEADLINE_S * 1000)) UPSTREAM_SEND_TIMEOUT_MS=$((SEND_DEADLINE_S * 1000)) \
    BREAKER_SLOW_CALL_MS=1500 BREAKER_RESET_SECONDS=3 LOGIN_IP_MAX_FAILURES=30 || return 1
  sandbox_instance_setup outage || return 1
  export PW
}

teardown_file() {
  outage_cleanup
}

# After each test: no load left running, nothing left frozen (the next test starts clean). On failure,
# what the services logged (the failure output shows it).
teardown() {
  local f
  for f in "$BATS_FILE_TMPDIR"/load-*/pid; do
    [ -e "$f" ] && [ ! -e "$(dirname "$f")/stop" ] && : >"$(dirname "$f")/stop"
  done
  for f in "$BATS_FILE_TMPDIR"/frozen-*.pid; do
    [ -e "$f" ] && kill -CONT "$(cat "$f")" 2>/dev/null && rm -f "$f"
  done
  kill -CONT "$REDIS_PID" 2>/dev/null
  # The second gateway and its PostgreSQL serve one test only.
  stop_extra_gateways
  [ -f "$OUT_DIR/data2/postmaster.pid" ] && _pg_stop data2
  if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
    # Every answer of the test's load, kept beside the services' logs (its rid is the X-Request-ID there).
    [ -n "${LOAD_DIR:-}" ] && [ -f "$LOAD_DIR/answers.jsonl" ] && [ -f "${GW_LOG:-}" ] &&
      cp "$LOAD_DIR/answers.jsonl" "$(dirname "$GW_LOG")/57-outages-$(basename "$LOAD_DIR").jsonl" &&
      echo "load answers: $(dirname "$GW_LOG")/57-outages-$(basename "$LOAD_DIR").jsonl" >&2
    # The private servers' own logs (their directory goes at teardown_file).
    [ -f "${GW_LOG:-}" ] && for f in "$OUT_DIR"/*.log; do
      [ -f "$f" ] && cp "$f" "$(dirname "$GW_LOG")/57-outages-$BATS_TEST_NUMBER-$(basename "$f")"
    done
    for f in "${GW_LOG:-}" "${UP_LOG:-}"; do
      [ -f "$f" ] && { echo "---- last lines of $f ----"; tail -n 25 "$f"; } >&2
    done
  fi
  return 0
}

# expect_none WHAT LINES — records a problem (WHAT and the first 20 LINES) when LINES is not empty; the
# test goes on, so one run shows everything that is wrong. no_problems (last line of a test) fails with them.
expect_none() {
  [ -z "$2" ] && return 0
  printf '%s (%s):\n%s\n' "$1" "$(grep -c . <<<"$2")" "$(head -20 <<<"$2")" >>"$BATS_TEST_TMPDIR/problems"
}

no_problems() {
  [ -s "$BATS_TEST_TMPDIR/problems" ] || return 0
  fail "$(cat "$BATS_TEST_TMPDIR/problems")"
}

# received_not_logged_once — numbers of this load the sandbox received (whatever the client was told)
# without exactly one message_logs row: D13, a send through the gateway is logged exactly once.
received_not_logged_once() {
  local prefix="5959$LOAD_PREFIX" got counts
  upstream_api GET "/sandbox/messages?instance=$INST"
  got=$(jq -r --arg p "$prefix" '.messages[].number | select(startswith($p))' <<<"$body" | sort | uniq -c | awk '{print $2 "|" $1}')
  counts=$(psql_q "select phone_number, count(*) from message_logs where phone_number like '$prefix%' and scheduled_message_id is null group by 1")
  join -t'|' -a1 -e 0 -o '0,1.2,2.2' <(sort <<<"$got") <(sort <<<"$counts") | awk -F'|' '$2 != 1 || $3 != 1 { print $1 ": received " $2 " time(s), " $3 " log row(s)" }'
}

# wait_received_logged SECONDS — polls received_not_logged_once until it is empty; prints what is left.
wait_received_logged() {
  local bad=''
  for _ in $(seq $(($1 * 2))); do
    bad=$(received_not_logged_once 2>/dev/null) && [ -z "$bad" ] && return 0
    sleep 0.5
  done
  printf '%s\n' "$bad"
}

# check_sends_logged WHEN — every answered send (201) of the load, and every load send the sandbox
# received, has exactly one message_logs row (polled: rows may wait in the durable buffer).
check_sends_logged() {
  local ids
  mapfile -t ids < <(load_sent_ids)
  expect_none "answered sends (201) without exactly one message_logs row $1" "$(wait_log_rows 30 "${ids[@]}")"
  expect_none "sends the sandbox received without exactly one message_logs row $1" "$(wait_received_logged 10)"
}

# check_sends_resumed WHEN — the load's last three sends were accepted.
check_sends_resumed() {
  local last
  last=$(jq -sr '[.[] | select(.kind == "send")] | sort_by(.t0) | .[-3:] | map(.code) | join(",")' "$LOAD_DIR/answers.jsonl")
  [ "$last" = 201,201,201 ] || expect_none "sends did not resume $1 (codes of the last three)" "$last"
}

# wait_ready SECONDS — polls GET /health/ready until it is 200.
wait_ready() {
  for _ in $(seq $(($1 * 4))); do
    API_TIMEOUT=3 api GET /health/ready
    [ "$code" = 200 ] && return 0
    sleep 0.25
  done
  echo "/health/ready still $code $body after $1 s" >&2
  return 1
}

alive() { kill -0 "$1" 2>/dev/null; }

# outage_violations FROM TO — answers started in [FROM, TO] that are not 2xx or 503 + Retry-After, or
# took over 2 s; an accepted send (201: it waited on WhatsApp) may take up to the send deadline.
outage_violations() {
  {
    load_violations "$1" "$2" 2 '2[0-9][0-9]|503' 'read|login'
    load_violations "$1" "$2" $((SEND_DEADLINE_S + 1)) '2[0-9][0-9]|503' send
    load_violations "$1" "$2" 2 '2[0-9][0-9]|503' send | jq -c 'select(.code == "503")'
  } | sort -u
}

# plus A B — A + B (decimals).
plus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a + b }'; }

@test "PostgreSQL stopped 20 s under load and a bulk send: processes up, 2xx or fast 503s, every answered send logged once, no bulk recipient falsely sent" {
  gw_worker=$(worker_of "$GW_PID") up_worker=$(worker_of "$UP_PID")
  [ -n "$gw_worker" ] && [ -n "$up_worker" ]
  load_start pg 1
  load_wait_answers 8
  recips=$(jq -nc --arg n "$BULK_N" '[range(1; ($n | tonumber) + 1) | "595992\(1000000 + .)"]')
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":$recips,\"message_content\":\"bulk during the outage\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  bulk=$(jbody .message.id)
  # Mid-run: a few recipients handled (rows claimed or sent), most still to go.
  for _ in $(seq 200); do
    [ "$(psql_q "select count(*) from message_logs where scheduled_message_id=$bulk")" -ge 5 ] && break
    sleep 0.1
  done

  stopped_at=$(now)
  outage_pg_stop
  sleep 20
  outage_pg_start
  restarted_at=$(now)
  wait_ready 60
  # Sends resume by themselves: keep the load a little, then stop it.
  sleep 4
  load_stop
  echo "# PostgreSQL outage: $(load_summary | tr '\n' ';')" >&3

  # Both services are up (primaries alive; workers the same or re-forked) and the port answers.
  alive "$GW_PID" || fail "gateway primary $GW_PID died"
  alive "$UP_PID" || fail "upstream primary $UP_PID died"
  [ -n "$(worker_of "$GW_PID")" ] || fail "gateway primary has no worker"
  [ -n "$(worker_of "$UP_PID")" ] || fail "upstream primary has no worker"
  [ "$(worker_of "$GW_PID")" = "$gw_worker" ] || echo "# gateway worker was re-forked ($gw_worker -> $(worker_of "$GW_PID")): it died during the outage" >&3
  [ "$(worker_of "$UP_PID")" = "$up_worker" ] || echo "# upstream worker was re-forked ($up_worker -> $(worker_of "$UP_PID")): it died during the outage" >&3
  api GET /health
  assert_equal "$code" 200
  expect_none "requests the port did not answer at all (connection refused or cut)" \
    "$(jq -c 'select(.code == "000")' "$LOAD_DIR/answers.jsonl")"

  # During the outage (and the seconds after): 2xx or 503 + Retry-After, each within 2 s; a send that was
  # accepted (it waited on WhatsApp) within its deadline.
  expect_none "answers during the PostgreSQL outage that are not 2xx/503+Retry-After within 2 s" \
    "$(outage_violations "$stopped_at" "$(plus "$restarted_at" 3)")"
  # Around it: the same codes (sends may take up to their deadline).
  expect_none "answers of the whole run that are not 2xx/503+Retry-After" \
    "$(load_violations 0 9999999999 $((SEND_DEADLINE_S + 1)) '2[0-9][0-9]|503')"
  # Resumed: the last sends were accepted.
  check_sends_resumed 'after PostgreSQL came back'
  # Every answered send has exactly one message-log row (rows buffered during the outage included).
  check_sends_logged 'after the PostgreSQL outage'

  # The bulk finishes by itself; each recipient sent once or unconfirmed, none reported sent that the
  # sandbox did not receive, none received twice.
  for _ in $(seq 240); do
    st=$(psql_q "select status from scheduled_messages where id=$bulk" 2>/dev/null || true)
    [[ $st == completed || $st == failed || $st == cancelled ]] && break
    sleep 0.5
  done
  [[ $st == completed ]] || expect_none "bulk $bulk did not complete within 120 s" "$(psql_q "select status, lease_owner, results from scheduled_messages where id=$bulk")"
  rows=$(psql_q "select phone_number, status from message_logs where scheduled_message_id=$bulk" | jq -Rsc 'split("\n") | map(select(. != "") | split("|"))')
  upstream_api GET "/sandbox/messages?instance=$INST"
  assert_equal "$code" 200
  got=$(jq -c '[.messages[].number]' <<<"$body")
  bad=$(jq -rn --argjson recips "$recips" --argjson rows "$rows" --argjson got "$got" '
    $recips[] as $r
    | ([$rows[] | select(.[0] == $r) | .[1]]) as $st
    | ([$st[] | select(. == "sent" or . == "delivered" or . == "read")] | length) as $sent
    | ([$st[] | select(. == "unconfirmed")] | length) as $unc
    | ([$got[] | select(. == $r)] | length) as $recv
    | if $sent == 1 and $recv == 1 then empty
      elif $sent == 0 and $unc >= 1 and $recv <= 1 then empty
      else "\($r): log statuses \($st), sandbox received \($recv)" end')
  expect_none "bulk recipients not (sent once) or (unconfirmed)" "$bad"
  api GET "/api/scheduled/$bulk" "" "$T1"
  echo "# bulk $bulk: results $(jq -c '.message.results | del(.errors)' <<<"$body"), progress $(jq -c .message.progress <<<"$body")" >&3
  [ "$(jbody .message.progress.pending)" = 0 ] || expect_none "bulk progress still pending" "$(jq -c .message.progress <<<"$body")"
  received=$(jq -n --argjson recips "$recips" --argjson got "$got" '[$recips[] | select(. as $r | $got | index($r))] | length')
  [ "$(jbody '.message.results.sent // 0')" -le "$received" ] || expect_none "bulk results count more sent than the sandbox received ($received)" "$(jq -c .message.results <<<"$body")"
  no_problems
}

@test "the gateway's own PostgreSQL stopped 20 s, the upstream's up: warm-session sends keep being accepted, each logged once when it is back" {
  outage_gateway2_start REDIS_COMMAND_TIMEOUT_MS=500 "UPSTREAM_SEND_TIMEOUT_MS=$((SEND_DEADLINE_S * 1000))"
  # This test talks to the second gateway: its own users, instance (on the same upstream) and database.
  local GATEWAY_URL=$GW2_URL DATABASE_URL=$GW2_DB T1 U1 U2 INST adm
  adm=$(login "$ADMIN_USERNAME" "$ADMIN_PASSWORD")
  U1=$(unique gw2) U2=$(unique gw2b) INST=$(unique gw2i)
  for u in "$U1" "$U2"; do
    api POST /admin/users "$(jq -nc --arg u "$u" --arg p "$PW" '{username:$u,password:$p}')" "$adm"
    assert_equal "$code" 201
  done
  T1=$(login "$U1" "$PW")
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  assert_equal "$code" 201
  upstream_api POST "/sandbox/instances/$INST/scan"
  assert_equal "$code" 200
  # Warm: the session and the instance's ownership are cached by the gateway.
  for n in 1 2 3; do
    api POST "/message/sendText/$INST" "{\"number\":\"59599500000$n\",\"text\":\"warm\"}" "$T1"
    assert_equal "$code" 201
  done
  load_start gwpg 5
  load_wait_answers 8
  stopped_at=$(now)
  _pg_stop data2
  sleep 20
  _pg_start data2
  restarted_at=$(now)
  wait_ready 60
  sleep 4
  load_stop
  echo "# the gateway's PostgreSQL only: $(load_summary | tr '\n' ';')" >&3

  alive "$GW2_PID" || fail "second gateway's primary died"
  [ -n "$(worker_of "$GW2_PID")" ] || fail "second gateway has no worker"
  expect_none "answers during the gateway's PostgreSQL outage that are not 2xx/503+Retry-After within 2 s" \
    "$(outage_violations "$stopped_at" "$(plus "$restarted_at" 3)")"
  expect_none "warm-session sends refused while only the gateway's PostgreSQL was down" \
    "$(load_violations "$(plus "$stopped_at" 1)" "$restarted_at" $((SEND_DEADLINE_S + 1)) '201' send)"
  check_sends_resumed 'after the gateway'"'"'s PostgreSQL came back'
  # Rows of sends accepted during the outage waited in the durable buffer: each written once.
  check_sends_logged 'after the gateway'"'"'s PostgreSQL outage'
  no_problems
}

@test "Redis frozen 10 s (SIGSTOP): answers within 2 s, a logout during the freeze is honoured afterwards" {
  doomed=$(login "$U3" "$PW")
  api GET /api/auth/me "" "$doomed"
  assert_equal "$code" 200
  load_start redis 2
  load_wait_answers 5
  frozen_at=$(now)
  kill -STOP "$REDIS_PID"
  sleep 2
  logout=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 -X POST -H "apikey: $doomed" "$GATEWAY_URL/api/auth/logout" || true)
  sleep 8
  kill -CONT "$REDIS_PID"
  thawed_at=$(now)
  sleep 3
  load_stop
  echo "# Redis freeze: $(load_summary | tr '\n' ';')" >&3
  echo "# logout during the freeze: $logout" >&3

  expect_none "answers during the Redis freeze that are not 2xx/503+Retry-After within 2 s" \
    "$(load_violations "$frozen_at" "$thawed_at" 2 '2[0-9][0-9]|503')"
  [[ $logout == 200\ * ]] && awk '{ exit !($2 <= 2) }' <<<"$logout" || expect_none "logout during the freeze: expected 200 within 2 s (code, seconds)" "$logout"
  # The revoked token is refused afterwards; a live one works.
  for _ in $(seq 20); do
    api GET /api/auth/me "" "$doomed"
    [ "$code" = 401 ] && break
    sleep 0.5
  done
  [ "$code" = 401 ] || expect_none "the token revoked during the freeze is still accepted after the thaw" "$code $body"
  api GET /api/auth/me "" "$T1"
  [ "$code" = 200 ] || expect_none "a live token after the thaw" "$code $body"
  check_sends_logged 'after the Redis freeze'
  no_problems
}

@test "gateway worker killed with kill -9 under sends: the primary re-forks it, the port answers, every answered send has its row" {
  worker=$(worker_of "$GW_PID")
  [ -n "$worker" ]
  load_start kill 3
  load_wait_answers 10
  kill -9 "$worker"
  killed_at=$(now)
  replacement=''
  for _ in $(seq 300); do
    replacement=$(worker_of "$GW_PID")
    [ -n "$replacement" ] && [ "$replacement" != "$worker" ] && break
    sleep 0.1
  done
  wait_ready 30
  sleep 3
  load_stop
  echo "# kill -9: $(load_summary | tr '\n' ';')" >&3
  alive "$GW_PID" || fail "gateway primary died"
  [ -n "$replacement" ] && [ "$replacement" != "$worker" ] || fail "no replacement worker (children: '$(pgrep -P "$GW_PID" | tr '\n' ' ')')"
  check_sends_resumed 'after the kill'
  # With one worker the port refuses connections until the replacement listens (docs/operations.md,
  # "Process crashes"): those requests have no answer (000). A request already under way at the kill may
  # also end as 000 only at its client's timeout: node:cluster loses, without closing, a connection its
  # primary was handing to the dying worker. Everything answered follows the rules.
  expect_none "answers (other than connections refused or cut by the kill) that are not 2xx/503+Retry-After" \
    "$(load_violations 0 9999999999 $((SEND_DEADLINE_S + 1)) '2[0-9][0-9]|503|000' | jq -c --argjson k "$killed_at" 'select(.code != "000" or .t0 >= $k)')"
  echo "# unanswered (000) requests: $(jq -s '[.[] | select(.code == "000")] | length' "$LOAD_DIR/answers.jsonl"), from $(jq -s --argjson k "$killed_at" '[.[] | select(.code == "000") | .t0 - $k] | if length > 0 then "\(min * 1000 | floor) ms to \(max * 1000 | floor) ms" else "-" end' "$LOAD_DIR/answers.jsonl") after the kill" >&3
  # A send whose connection the kill cut is in the sandbox's list if it went out: it needs its row too.
  check_sends_logged 'after kill -9'
  no_problems
}

@test "upstream worker frozen 20 s (SIGSTOP) under sends: answers within the send deadline, breaker opens, closes after SIGCONT" {
  worker=$(worker_of "$UP_PID")
  [ -n "$worker" ]
  load_start stall 4
  load_wait_answers 6
  echo "$worker" >"$BATS_FILE_TMPDIR/frozen-upstream.pid"
  kill -STOP "$worker"
  frozen_at=$(now)
  opened=''
  seen=''
  end=$(( $(date +%s) + 20 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    API_TIMEOUT=3 api GET /health/ready
    u=$(jbody '.upstream // empty' 2>/dev/null || true)
    [[ " $seen " == *" $u "* ]] || seen="$seen $u"
    [ "$u" = unavailable ] && [ -z "$opened" ] && opened=$(plus "$(now)" "-$frozen_at")
    sleep 0.5
  done
  kill -CONT "$worker"
  rm -f "$BATS_FILE_TMPDIR/frozen-upstream.pid"
  thawed_at=$(now)
  closed=''
  for _ in $(seq 120); do
    API_TIMEOUT=3 api GET /health/ready
    if [ "$(jbody '.upstream // empty' 2>/dev/null)" = ok ]; then
      api POST "/message/sendText/$INST" '{"number":"595993000001","text":"after the stall"}' "$T1"
      [ "$code" = 201 ] && { closed=$(plus "$(now)" "-$thawed_at"); break; }
    fi
    sleep 0.5
  done
  load_stop
  echo "# upstream stall: $(load_summary | tr '\n' ';'); /health/ready upstream states seen:$seen; breaker open after ${opened:-never} s; closed ${closed:-never} s after SIGCONT" >&3

  # Sends: within the deadline (+1 s), 2xx, 503 (breaker open, Retry-After) or 504 (deadline).
  expect_none "sends not answered 2xx/503+Retry-After/504 within the send deadline" \
    "$(load_violations "$frozen_at" "$thawed_at" $((SEND_DEADLINE_S + 1)) '2[0-9][0-9]|503|504' send)"
  # What does not need the upstream is unaffected.
  expect_none "reads and logins not 2xx within 2 s while the upstream stalls" \
    "$(load_violations "$frozen_at" "$thawed_at" 2 '2[0-9][0-9]' 'read|login')"
  breaker_503=$(jq -s '[.[] | select(.kind == "send" and .code == "503" and ((.error // "") | test("temporarily unavailable|circuit"; "i")))] | length' "$LOAD_DIR/answers.jsonl")
  [ -n "$opened" ] || [ "$breaker_503" -gt 0 ] || expect_none "the breaker never opened (no /health/ready upstream=unavailable, no breaker 503)" "states seen:$seen"
  [ -n "$closed" ] || expect_none "the breaker did not close within 60 s of SIGCONT (last /health/ready)" "$code $body"
  # A send answered 504 that went out once the upstream woke is in the sandbox's list: logged once too.
  check_sends_logged 'after the upstream stall'
  no_problems
}

@test "40 concurrent correct logins from one address all succeed, and the next one too; a 10,000-deep NUL body is a 400" {
  users=()
  for i in $(seq 10); do
    u=$(unique ologin)
    create_user "$u" "$PW" >/dev/null
    users+=("$u")
  done
  dir="$BATS_TEST_TMPDIR/logins"
  mkdir -p "$dir"
  pids=()
  for n in $(seq 40); do
    u=${users[$((n % 10))]}
    (curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 -H 'Content-Type: application/json' \
      --data-binary "$(jq -nc --arg u "$u" --arg p "$PW" '{username:$u,password:$p}')" "$GATEWAY_URL/api/auth/login" >"$dir/$n") 3>&- &
    pids+=($!)
  done
  wait "${pids[@]}"
  assert_equal "$(cat "$dir"/* | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" "200x40 "
  api POST /api/auth/login "$(jq -nc --arg u "${users[0]}" --arg p "$PW" '{username:$u,password:$p}')"
  assert_equal "next login: $code $(jbody '.error // empty')" "next login: 200 "

  node -e '
    const n = 10000
    const deep = "[".repeat(n) + JSON.stringify("\u0000") + "]".repeat(n)
    const fs = require("node:fs")
    fs.writeFileSync(process.argv[1], deep)
    fs.writeFileSync(process.argv[2], `{"number":"595981000001","text":"hi","extra":${deep}}`)
  ' "$BATS_TEST_TMPDIR/bare.json" "$BATS_TEST_TMPDIR/field.json"
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/bare.json" "$T1"
  assert_equal "bare deep array: $code" "bare deep array: 400"
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/field.json" "$T1"
  assert_equal "deep field: $code" "deep field: 400"
  [[ $(jbody .error) == *NUL* ]] || fail "deep field: 400 but not about the NUL: $(jbody .error | cut -c1-200)"
}
