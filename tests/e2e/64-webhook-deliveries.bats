#!/usr/bin/env bats
# 64-webhook-deliveries (issue 30; docs/delivery-guarantees.md, "Webhook deliveries"): durable deliveries to
# users' webhook URLs. A receiver down for every attempt leaves dead letters, the delivery log lists each
# attempt, replay sends each letter once, failing webhooks are disabled and enabled again, and deliveries
# waiting for a retry survive the gateway that queued them.
#
# The local receiver is reachable only from gateways whose WEBHOOK_ALLOWED_HOSTS names it; their deliveries
# go to a queue only such gateways work (the main gateway, also a worker, never takes them). So a gateway
# stopped mid-retry and another started with the same list is the whole story of the restart test.

load helpers

PW='Passw0rd_Ok'

# start_receiver STATUS — the sink on $RECV_PORT (a fixed port, so it can go down and come back).
start_receiver() {
  (cd "$REPO_ROOT" && exec node --import tsx tests/support/webhook-receiver.ts "$RECV_OUT" "$BATS_FILE_TMPDIR/recv.port" "$1" "$RECV_PORT") >/dev/null 2>&1 3>&- &
  echo $! >"$BATS_FILE_TMPDIR/recv.pid"
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$RECV_PORT/ping" && break; sleep 0.1; done
  # the probe above is not a delivery
  sed -i '/"path":"\/ping"/d' "$RECV_OUT"
}

stop_receiver() {
  [ -f "$BATS_FILE_TMPDIR/recv.pid" ] || return 0
  local pid
  pid=$(cat "$BATS_FILE_TMPDIR/recv.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$BATS_FILE_TMPDIR/recv.pid"
}

# deliveries HOOK_ID [QUERY] — GET the delivery log (through the main gateway: any gateway serves it).
deliveries() {
  api GET "/api/webhooks/$1/deliveries${2:+?$2}" "" "$T1"
}

# wait_deliveries HOOK_ID JQ_CONDITION — polls the log (up to 60 s) until the condition holds on $body.
wait_deliveries() {
  for _ in $(seq 120); do
    deliveries "$1"
    [ "$(jq -r "$2" <<<"$body")" = true ] && return 0
    sleep 0.5
  done
  echo "timed out waiting for: $2; log: $body" >&2
  return 1
}

received() { # PATH -> lines the receiver got on that path
  grep -c "\"path\":\"$1\"" "$RECV_OUT" || true
}

setup_file() {
  sandbox_instance_setup whd
  export RECV_OUT="$BATS_FILE_TMPDIR/recv.jsonl"
  : >"$RECV_OUT"
  export RECV_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  export ALLOW="WEBHOOK_ALLOWED_HOSTS=127.0.0.1:$RECV_PORT"
}

teardown_file() {
  stop_receiver
  stop_extra_gateways
}

@test "a receiver down for 3 attempts: dead letters, every attempt logged, the webhook disabled; replay sends each once" {
  start_receiver 503
  start_extra_gateway "$ALLOW" WORKERS_ENABLED=true WEBHOOK_DELIVERY_ATTEMPTS=3 WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS=1 WEBHOOK_DISABLE_AFTER_DEAD=2
  local gw=$EXTRA_URL gw_state=$EXTRA_STATE
  # created through that gateway, so the upstream posts this instance's events to it
  api POST "$gw/api/webhooks" "$(jq -nc --arg i "$INST" --arg u "http://127.0.0.1:$RECV_PORT/dead" '{instance_name:$i,webhook_url:$u,events:["MESSAGES_UPSERT"]}')" "$T1"
  assert_equal "$code" 201
  hook=$(jbody .webhook.id)
  for text in uno dos; do
    upstream_api POST "/sandbox/instances/$INST/inbound" "{\"number\":\"595981111111\",\"text\":\"dead $text\"}"
    assert_equal "$code" 200
  done
  wait_deliveries "$hook" '[.deliveries[] | select(.state == "dead")] | length == 2'
  # the log: three attempts each, numbered, with the receiver's status and a latency
  assert_equal "$(jq -c '[.deliveries[] | [.event, .state, .attempts, ([.attempt_log[].attempt] | tostring), ([.attempt_log[].status_code] | unique | tostring), ([.attempt_log[].latency_ms | type] | unique | tostring)]]' <<<"$body")" \
    '[["MESSAGES_UPSERT","dead",3,"[1,2,3]","[503]","[\"number\"]"],["MESSAGES_UPSERT","dead",3,"[1,2,3]","[503]","[\"number\"]"]]'
  # ... and the receiver saw exactly those attempts: 3 per delivery, each carrying its delivery's id
  assert_equal "$(received /dead)" 6
  for uid in $(jbody '.deliveries[].uid'); do
    assert_equal "$uid $(grep -c "\"x-taguato-delivery\":\"$uid\"" "$RECV_OUT")" "$uid 3"
  done
  d_new=$(jbody '.deliveries[0].id') d_old=$(jbody '.deliveries[1].id')
  deliveries "$hook" 'state=delivered'
  assert_equal "$(jbody '.deliveries | length')" 0
  # two dead letters in a row disabled it, with the reason, an audit entry, and the upstream told
  api GET /api/webhooks "" "$T1"
  assert_equal "$(jq -r --argjson id "$hook" '.webhooks[] | select(.id == $id) | [.is_active, (.disabled_at != null), .consecutive_dead] | join("|")' <<<"$body")" 'false|true|2'
  [[ "$(jq -r --argjson id "$hook" '.webhooks[] | select(.id == $id) | .disabled_reason' <<<"$body")" == "Disabled after 2 consecutive dead-lettered deliveries (last: status 503)" ]]
  assert_equal "$(psql_q "select count(*) from audit_log where action = 'webhook_disabled' and resource_id = '$hook'")" 1
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .enabled)" false
  # a disabled webhook's letters wait: replay is refused until it is enabled
  api POST "/api/webhooks/$hook/dead-letters/replay" "" "$T1"
  assert_equal "$code $(jbody .error)" '409 Webhook is disabled: enable it before replaying'
  # others' webhooks are a 404
  api GET "/api/webhooks/$hook/deliveries" "" "$T2"
  assert_equal "$code" 404
  api POST "/api/webhooks/$hook/enable" "" "$T2"
  assert_equal "$code" 404

  # the receiver comes back; enable, then replay one letter, then all
  stop_receiver
  start_receiver 200
  api POST "$gw/api/webhooks/$hook/enable" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c '.webhook | [.is_active, .disabled_at, .disabled_reason, .consecutive_dead]' <<<"$body")" '[true,null,null,0]'
  upstream_api GET "/webhook/find/$INST"
  assert_equal "$(jbody .enabled)" true
  api POST "/api/webhooks/$hook/deliveries/$d_old/replay" "" "$T1"
  assert_equal "$code $(jq -c .replayed <<<"$body")" "202 [$d_old]"
  # a second request for the same letter does not send it again: it is no longer dead
  api POST "/api/webhooks/$hook/deliveries/$d_old/replay" "" "$T1"
  assert_equal "$code" 409
  api POST "/api/webhooks/$hook/dead-letters/replay" "" "$T1"
  assert_equal "$code $(jq -c .replayed <<<"$body")" "202 [$d_new]"
  wait_deliveries "$hook" '[.deliveries[] | select(.state == "delivered")] | length == 2'
  sleep 2
  # once each: 6 failed attempts + 2 replays, one per delivery id
  assert_equal "$(received /dead)" 8
  for uid in $(jbody '.deliveries[].uid'); do
    assert_equal "$uid $(grep -c "\"x-taguato-delivery\":\"$uid\"" "$RECV_OUT")" "$uid 4"
  done
  assert_equal "$(jq -c '[.deliveries[] | [.attempts, .attempt_log[3].attempt, .attempt_log[3].status_code, .attempt_log[3].replay, .attempt_log[2].replay]]' <<<"$body")" '[[4,4,200,true,false],[4,4,200,true,false]]'
  # nothing left to replay; a delivered letter is a 409; an unknown one a 404
  api POST "/api/webhooks/$hook/dead-letters/replay" "" "$T1"
  assert_equal "$code $(jbody .count)" '202 0'
  api POST "/api/webhooks/$hook/deliveries/$d_old/replay" "" "$T1"
  assert_equal "$code $(jbody .error)" '409 Delivery was already delivered'
  api POST "/api/webhooks/$hook/deliveries/999999999/replay" "" "$T1"
  assert_equal "$code" 404
  # an admin sees any webhook's log
  api GET "/api/webhooks/$hook/deliveries?state=delivered&limit=1" "" "$(admin_token)"
  assert_equal "$code $(jbody '.deliveries | length') $(jbody .next_before)" "200 1 $d_new"
  api GET "/api/webhooks/$hook/deliveries?state=nope" "" "$T1"
  assert_equal "$code" 400
  api DELETE "/api/webhooks/$hook" "" "$T1"
  stop_extra_gateway "$gw_state"
}

@test "a gateway restart in the middle of retries loses no pending delivery" {
  stop_receiver
  : >"$RECV_OUT"
  # (the first test deletes its webhook; should it have failed halfway, do it here)
  api GET /api/webhooks "" "$T1"
  for id in $(jbody '.webhooks[].id'); do api DELETE "/api/webhooks/$id" "" "$T1"; done
  start_extra_gateway "$ALLOW" WORKERS_ENABLED=true WEBHOOK_DELIVERY_ATTEMPTS=8 WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS=2
  local gw=$EXTRA_URL gw_state=$EXTRA_STATE
  api POST "$gw/api/webhooks" "$(jq -nc --arg i "$INST" --arg u "http://127.0.0.1:$RECV_PORT/later" '{instance_name:$i,webhook_url:$u,events:["MESSAGES_UPSERT"]}')" "$T1"
  assert_equal "$code" 201
  hook=$(jbody .webhook.id)
  for n in 1 2 3; do
    upstream_api POST "/sandbox/instances/$INST/inbound" "{\"number\":\"595981111111\",\"text\":\"later $n\"}"
    assert_equal "$code" 200
  done
  # the receiver is down (nothing listens): each delivery fails its first attempt and waits for a retry
  wait_deliveries "$hook" '(.deliveries | length == 3) and all(.deliveries[]; .state == "failed" and .attempts >= 1)'
  stop_extra_gateway "$gw_state"
  assert_equal "$(psql_q "select count(*) from webhook_deliveries where webhook_id = $hook and state in ('pending', 'failed') and job_id is not null")" 3
  # the receiver is back; with no gateway working this queue, nothing is delivered
  start_receiver 200
  sleep 3
  assert_equal "$(received /later)" 0
  # another gateway with the same allowed hosts picks the queued retries up
  start_extra_gateway "$ALLOW" WORKERS_ENABLED=true WEBHOOK_DELIVERY_ATTEMPTS=8 WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS=2
  wait_deliveries "$hook" '[.deliveries[] | select(.state == "delivered")] | length == 3'
  sleep 2
  assert_equal "$(received /later)" 3
  for uid in $(jbody '.deliveries[].uid'); do
    assert_equal "$uid $(grep -c "\"x-taguato-delivery\":\"$uid\"" "$RECV_OUT")" "$uid 1"
  done
  # each log ends with the one delivered attempt after the failed ones
  assert_equal "$(jq -c '[.deliveries[] | [(.attempt_log | length) == .attempts, .attempt_log[-1].status_code, ([.attempt_log[:-1][].status_code] | unique)]] | unique' <<<"$body")" '[[true,200,[null]]]'
  api DELETE "/api/webhooks/$hook" "" "$T1"
}

@test "retention: the purge job deletes delivered and dead deliveries (and their attempts) older than RETENTION_WEBHOOK_DELIVERIES_DAYS (30); pending and failed stay" {
  # An inactive webhook of its own (nothing delivers to it), holding deliveries of every state and age.
  hook=$(psql_q "insert into user_webhooks (user_id, instance_name, webhook_url, events, is_active)
    values ($U1_ID, '$INST', 'https://retention.invalid/hook', '{MESSAGES_UPSERT}', false) returning id" | head -1)
  for spec in 'delivered 31' 'dead 31' 'pending 31' 'failed 31' 'delivered 29' 'dead 1'; do
    set -- $spec
    id=$(psql_q "insert into webhook_deliveries (webhook_id, event, payload, state, attempts, max_attempts, queue, created_at, updated_at)
      values ($hook, 'MESSAGES_UPSERT', '{\"tag\":\"$1-$2\"}', '$1', 1, 3, 'retention-test', now() - make_interval(days => $2), now() - make_interval(days => $2)) returning id" | head -1)
    psql_q "insert into webhook_delivery_attempts (delivery_id, attempt, status_code) values ($id, 1, 200)" >/dev/null
  done
  api POST /admin/workers/purge/run "" "$(admin_token)"
  assert_equal "$code" 200
  assert_equal "$(jbody .run.outcome)" ok
  [ "$(jbody .run.summary.deleted.webhook_deliveries)" -ge 2 ]
  assert_equal "$(psql_q "select string_agg(payload->>'tag', ',' order by id) from webhook_deliveries where webhook_id = $hook")" 'pending-31,failed-31,delivered-29,dead-1'
  assert_equal "$(psql_q "select count(*) from webhook_delivery_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.webhook_id = $hook")" 4
  assert_equal "$(psql_q "select count(*) from webhook_delivery_attempts a where not exists (select 1 from webhook_deliveries d where d.id = a.delivery_id)")" 0
  psql_q "delete from user_webhooks where id = $hook" >/dev/null
}
