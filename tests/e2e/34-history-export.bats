#!/usr/bin/env bats
# 34-history-export: GET/POST /api/messages/log and GET /api/messages/export (R5, docs/decisions.md#r5):
# filters (number substring, dates with clear 400s), pagination, strictly own rows (admins too),
# CSV streamed with RFC 4180 quoting and formula neutralisation.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique hi1) U2=$(unique hi2)
  export U1_ID=$(create_user "$U1" "$PW")
  create_user "$U2" "$PW" >/dev/null
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
  export INST=$(unique hii) OTHER=$(unique hio)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  psql_q "insert into message_logs (user_id, instance_name, phone_number, message_type, status, error_message, created_at) values
    ($U1_ID, '$INST', '595981111111', 'text', 'sent', null, '2024-03-01T10:00:00Z'),
    ($U1_ID, '$INST', '595982222222', 'image', 'failed', 'status 500, \"boom\"', '2024-03-02T10:00:00Z'),
    ($U1_ID, '$OTHER', '595983333333', 'text', 'read', '=cmd|''/c calc''!A1', '2024-03-03T10:00:00Z'),
    ($U1_ID, '$INST', '595984444444', 'text', 'delivered', E'multi\nline', '2024-03-04T23:59:59Z')" >/dev/null
}

@test "list: own rows newest first with the envelope; POST creates a validated row" {
  api GET /api/messages/log "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.total, .page, .limit, .pages, [.logs[].phone_number]]' <<<"$body")" '[4,1,50,1,["595984444444","595983333333","595982222222","595981111111"]]'
  api GET '/api/messages/log?limit=3&page=2' "" "$T1"
  assert_equal "$(jq -c '[.total, .pages, (.logs | length)]' <<<"$body")" '[4,2,1]'
  api GET /api/messages/log "" "$T2"
  assert_equal "$(jbody .total)" 0
  api GET /api/messages/log "" "$(admin_token)"
  assert_equal "$(jbody "[.logs[] | select(.instance_name == \"$INST\")] | length")" 0
  api POST /api/messages/log "{\"instance_name\":\"$INST\",\"phone_number\":\"595985555555\",\"status\":\"cancelled\"}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -c '.log | [.status, .message_type, .phone_number]' <<<"$body")" '["cancelled","text","595985555555"]'
  api POST /api/messages/log "{\"instance_name\":\"$INST\",\"phone_number\":\"1\"}" "$T2"
  assert_equal "$code $(jbody .error)" '403 You do not own this instance'
  api POST /api/messages/log "{\"instance_name\":\"$INST\"}" "$T1"
  assert_equal "$(jbody .error)" 'instance_name and phone_number are required'
  api POST /api/messages/log "{\"instance_name\":\"$INST\",\"phone_number\":\"1\",\"status\":\"read\"}" "$T1"
  assert_equal "$(jbody .error)" 'status must be one of: sent, failed, cancelled'
  api POST /api/messages/log "{\"instance_name\":\"$INST\",\"phone_number\":\"1\",\"message_type\":\"gif\"}" "$T1"
  assert_equal "$(jbody .error)" 'message_type must be one of: text, image, document, audio, video'
  psql_q "delete from message_logs where phone_number='595985555555' and user_id=$U1_ID" >/dev/null
}

@test "filters: instance, status, type, number substring, dates (bare date_to = whole day)" {
  q() { api GET "/api/messages/log?$1" "" "$T1"; jq -c '[.logs[].phone_number]' <<<"$body"; }
  assert_equal "$(q "instance_name=$OTHER")" '["595983333333"]'
  assert_equal "$(q 'status=failed')" '["595982222222"]'
  assert_equal "$(q 'message_type=image')" '["595982222222"]'
  assert_equal "$(q 'number=4444')" '["595984444444"]'
  assert_equal "$(q 'number=%25')" '[]'
  assert_equal "$(q 'date_from=2024-03-02&date_to=2024-03-03')" '["595983333333","595982222222"]'
  assert_equal "$(q 'date_to=2024-03-04')" '["595984444444","595983333333","595982222222","595981111111"]'
  assert_equal "$(q 'date_from=2024-03-03T10:00:01Z')" '["595984444444"]'
  api GET '/api/messages/log?date_from=yesterday' "" "$T1"
  assert_equal "$code $(jbody .error)" '400 date_from must be an ISO 8601 date (YYYY-MM-DD) or date-time'
  api GET '/api/messages/export?date_to=2024-13-01' "" "$T1"
  assert_equal "$code $(jbody .error)" '400 date_to must be an ISO 8601 date (YYYY-MM-DD) or date-time'
}

@test "export: CSV header, quoting, formula neutralisation, filters, newest first" {
  api GET /api/messages/export "" "$T1"
  assert_equal "$code" 200
  [[ "$(header content-type)" == text/csv* ]]
  [[ "$(header content-disposition)" == *message_history.csv* ]]
  id() { psql_q "select id from message_logs where phone_number='$1' and user_id=$U1_ID"; }
  # The reference's columns, then Text (issue 28; null for these rows).
  expected="ID,Instance,Phone,Type,Status,Error,Date,Text
$(id 595984444444),$INST,595984444444,text,delivered,\"multi
line\",2024-03-04T23:59:59.000Z,
$(id 595983333333),$OTHER,595983333333,text,read,'=cmd|'/c calc'!A1,2024-03-03T10:00:00.000Z,
$(id 595982222222),$INST,595982222222,image,failed,\"status 500, \"\"boom\"\"\",2024-03-02T10:00:00.000Z,
$(id 595981111111),$INST,595981111111,text,sent,,2024-03-01T10:00:00.000Z,"
  assert_equal "$body" "$expected"
  api GET "/api/messages/export?status=sent" "" "$T1"
  assert_equal "$(wc -l <<<"$body" | tr -d ' ')" 2
  api GET /api/messages/export "" "$T2"
  assert_equal "$body" 'ID,Instance,Phone,Type,Status,Error,Date,Text'
  api POST /api/messages/export "" "$T1"
  assert_equal "$code" 405
}

@test "export streams every row, beyond the reference's 10 000 cap" {
  psql_q "insert into message_logs (user_id, instance_name, phone_number, created_at)
    select $U1_ID, 'bulk_$U1_ID', '59598' || lpad(g::text, 7, '0'), '2023-01-01'::timestamptz + g * interval '1 second' from generate_series(1, 12000) g" >/dev/null
  api GET "/api/messages/export?instance_name=bulk_$U1_ID" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(wc -l <<<"$body" | tr -d ' ')" 12001
  assert_equal "$(sed -n 2p <<<"$body" | cut -d, -f3)" 595980012000
}
