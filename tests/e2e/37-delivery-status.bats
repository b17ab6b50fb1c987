#!/usr/bin/env bats
# 37-delivery-status: the upstream's global webhook (WEBHOOK_GLOBAL_URL, set by the launcher to the
# gateway's /internal/upstream-events/<token>) moves message_logs along sent -> delivered -> read (or
# sent -> failed), never backwards, sets delivered_at/read_at, and feeds a real delivery rate.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique ds)
  export U1_ID=$(create_user "$U1" "$PW")
  export T1=$(login "$U1" "$PW")
  export INST=$(unique dsi)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  upstream_api POST "/sandbox/instances/$INST/scan"
  export GTOKEN=$(node -e 'process.stdout.write(require("crypto").createHmac("sha256",process.argv[1]).update("global").digest("hex"))' "$AUTHENTICATION_API_KEY")
}

event() { # KEY_ID STATUS — what the upstream posts for an ack
  api POST "/internal/upstream-events/$GTOKEN" "{\"event\":\"messages.update\",\"instance\":\"$INST\",\"data\":{\"keyId\":\"$1\",\"status\":\"$2\",\"fromMe\":true}}"
  assert_equal "$code" 200
}

status_of() { psql_q "select status, delivered_at is not null, read_at is not null from message_logs where wa_message_id='$1'"; }

wait_for() { # KEY_ID EXPECTED
  for _ in $(seq 50); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.1; done
  assert_equal "$(status_of "$1")" "$2"
}

@test "end to end: a scheduled send is acked by the sandbox up to read" {
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[\"595989000001\"],\"message_content\":\"ack me\",\"scheduled_at\":\"now\"}" "$T1"
  id=$(jbody .message.id)
  for _ in $(seq 100); do
    wa=$(psql_q "select wa_message_id from message_logs where scheduled_message_id=$id and wa_message_id is not null")
    [ -n "$wa" ] && break
    sleep 0.1
  done
  [ -n "$wa" ]
  wait_for "$wa" 'read|t|t'
  # the sandbox's own record agrees
  upstream_api GET "/sandbox/messages?instance=$INST&number=595989000001"
  assert_equal "$(jbody '.messages[0].id')" "$wa"
}

@test "progression: sent -> delivered -> read, never backwards; ERROR only from sent" {
  psql_q "insert into message_logs (user_id, instance_name, phone_number, status, wa_message_id) values
    ($U1_ID, '$INST', '595989000002', 'sent', 'T37A$U1_ID'), ($U1_ID, '$INST', '595989000003', 'sent', 'T37B$U1_ID')" >/dev/null
  event "T37A$U1_ID" SERVER_ACK
  wait_for "T37A$U1_ID" 'sent|f|f'
  event "T37A$U1_ID" DELIVERY_ACK
  wait_for "T37A$U1_ID" 'delivered|t|f'
  event "T37A$U1_ID" SERVER_ACK
  event "T37A$U1_ID" READ
  wait_for "T37A$U1_ID" 'read|t|t'
  event "T37A$U1_ID" DELIVERY_ACK
  event "T37A$U1_ID" ERROR
  sleep 0.3
  assert_equal "$(status_of "T37A$U1_ID")" 'read|t|t'
  event "T37B$U1_ID" ERROR
  wait_for "T37B$U1_ID" 'failed|f|f'
  event "T37B$U1_ID" READ
  sleep 0.3
  assert_equal "$(status_of "T37B$U1_ID")" 'failed|f|f'
}

@test "an ack that arrives before its log row is applied once the row exists" {
  event "T37C$U1_ID" DELIVERY_ACK
  sleep 0.3
  psql_q "insert into message_logs (user_id, instance_name, phone_number, status, wa_message_id) values ($U1_ID, '$INST', '595989000004', 'sent', 'T37C$U1_ID')" >/dev/null
  for _ in $(seq 60); do [ "$(status_of "T37C$U1_ID")" = 'delivered|t|f' ] && break; sleep 0.1; done
  assert_equal "$(status_of "T37C$U1_ID")" 'delivered|t|f'
}

@test "the dashboards' delivery rate counts only acked messages: (delivered+read) / attempts" {
  api GET /api/user/dashboard "" "$T1"
  # 4 rows: read (e2e), read, failed, delivered -> 3 delivered of 4 attempts
  assert_equal "$(jq -c '[.messages_total, .delivered, .read, .failed, .delivery_rate]' <<<"$body")" '[4,3,2,1,75]'
  api GET "/api/instance/stats/$INST" "" "$T1"
  assert_equal "$(jq -c '[.total, .sent, .delivered, .failed, .delivery_rate]' <<<"$body")" '[4,3,3,1,75]'
}
