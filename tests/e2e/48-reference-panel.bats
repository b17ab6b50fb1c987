#!/usr/bin/env bats
# 48-reference-panel: what TAGUATO-SEND's own panel, served unchanged against us, needs beyond the rest
# of the suite: the backup list's `date` field, and sends it reports with POST /api/messages/log after
# making them (the gateway logged them already: D13, docs/decisions.md#d13) stay one row each.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U=$(unique refp)
  export U_ID=$(create_user "$U" "$PW")
  export T=$(login "$U" "$PW")
  export I=$(unique rpi)
  api POST /instance/create "{\"instanceName\":\"$I\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T"
  [ "$code" = 201 ]
  api GET "/instance/connect/$I" "" "$T"
  upstream_api POST "/sandbox/instances/$I/scan"
  [ "$code" = 200 ]
}

# rows WHAT WHERE — this file's message_logs rows (after the 200 ms batch flush).
rows() {
  sleep 0.5
  psql_q "select $1 from message_logs where instance_name='$I' and $2"
}

number() {
  printf '59598%s%05d\n' "$1" $((RANDOM % 99999))
}

# report NUMBER STATUS [EXTRA_JSON] — the panel's POST /api/messages/log (its exact fields, plus EXTRA).
report() {
  local extra=${3:-'{}'}
  api POST /api/messages/log "$(jq -nc --arg i "$I" --arg n "$1" --arg s "$2" --argjson x "$extra" \
    '{instance_name:$i, phone_number:$n, message_type:"text", status:$s, error_message:null} + $x')" "$T"
}

@test "backup list: every entry carries the reference's date, the same instant as created_at" {
  A=$(admin_token)
  api POST /admin/backup "" "$A"
  assert_equal "$code" 201
  name=$(jbody .filename)
  api GET /admin/backup "" "$A"
  assert_equal "$code" 200
  assert_equal "$(jbody '[.backups[] | has("date") and .date == .created_at] | all')" true
  [[ "$(jbody ".backups[] | select(.filename==\"$name\") | .date")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$ ]]
  assert_equal "$(jbody ".backups[] | select(.filename==\"$name\") | .size | type")" number
}

@test "a send, then POST /api/messages/log with its message id: one row, the gateway's, marked reported" {
  n=$(number 11)
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"hola\"}" "$T"
  assert_equal "$code" 201
  id=$(jbody .key.id)
  report "$n" sent "{\"message_id\":\"$id\"}"
  assert_equal "$code" 201
  assert_equal "$(jbody .merged)" true
  assert_equal "$(jbody .log.wa_message_id)" "$id"
  assert_equal "$(rows "count(*), min(wa_message_id), bool_and(client_reported_at is not null), min(user_id)" "phone_number='$n'")" "1|$id|t|$U_ID"
  # The same report again (a client retry), under our field name: still that one row.
  report "$n" sent "{\"wa_message_id\":\"$id\"}"
  assert_equal "$(jbody .merged)" true
  assert_equal "$(rows "count(*)" "phone_number='$n'")" 1
}

@test "the reference panel's own report (no message id) after each send also leaves one row per send" {
  n=$(number 12)
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"uno\"}" "$T"
  assert_equal "$code" 201
  report "$n" sent
  assert_equal "$code" 201
  assert_equal "$(jbody .merged)" true
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"dos\"}" "$T"
  report "$n" sent
  assert_equal "$(jbody .merged)" true
  assert_equal "$(rows "count(*), count(client_reported_at), count(distinct wa_message_id)" "phone_number='$n'")" "2|2|2"
  # A third report with no third send has nothing left to claim: it is stored on its own.
  report "$n" sent
  assert_equal "$(jbody .merged)" false
  assert_equal "$(rows "count(*)" "phone_number='$n'")" 3
}

@test "a failed send reported as failed merges too, keeping the upstream's error" {
  n="5959816$(printf '%01d' $((RANDOM % 9)))0000"
  api POST "/message/sendText/$I" "{\"number\":\"$n\",\"text\":\"nadie\"}" "$T"
  assert_equal "$code" 400
  report "$n" failed '{"error_message":"Bad Request"}'
  assert_equal "$(jbody .merged)" true
  assert_equal "$(rows "count(*), min(status)" "phone_number='$n'")" "1|failed"
  [[ "$(rows "error_message" "phone_number='$n'")" == *exists* ]]
}

@test "reports of sends the gateway never made (the panel's cancelled bulk numbers) are rows of their own" {
  n=$(number 13)
  report "$n" cancelled
  assert_equal "$code" 201
  assert_equal "$(jbody .merged)" false
  assert_equal "$(jbody .log.status)" cancelled
  assert_equal "$(rows "count(*), min(status)" "phone_number='$n'")" "1|cancelled"
  # A message id none of this user's rows carries matches nothing (rows are looked up per user).
  report "$n" sent '{"message_id":"3EB0NOT-MINE"}'
  assert_equal "$(jbody .merged)" false
}
