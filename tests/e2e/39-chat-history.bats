#!/usr/bin/env bats
# 39-chat-history: the upstream's chat store through the gateway. A sandbox history sync (the sandbox
# history route) and a live message fill it; the owner reads it with Evolution's /chat/findMessages,
# findChats, findContacts and findStatusMessage (paging, the fromMe:false filter, a time range with one
# bound); another user is refused; a bad body is Evolution's 400.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  # U3 holds a grant on the instance: a grantee sees what the owner sees.
  sandbox_instance_setup hist history
}

# find ROUTE BODY [TOKEN] — POST /chat/ROUTE/$INST through the gateway.
find() { api POST "/chat/$1/$INST" "$2" "${3:-$T1}"; }

@test "findMessages: three pages of 25 from 60, fromMe false filters, a time range with one bound" {
  for p in 1 2 3; do
    find findMessages "{\"offset\":25,\"page\":$p}"
    assert_equal "$code" 200
    assert_equal "$(jq -c '.messages | [.total, .pages, .currentPage, (.records | length)]' <<<"$body")" "[60,3,$p,$([ $p = 3 ] && echo 10 || echo 25)]"
  done
  find findMessages '{"where":{"key":{"fromMe":false}},"offset":100}'
  assert_equal "$(jq -c '[.messages.total, ([.messages.records[].key.fromMe] | unique)]' <<<"$body")" '[30,[false]]'
  find findMessages '{"where":{"messageTimestamp":{"gte":1700003000}}}'
  assert_equal "$(jbody .messages.total)" 10
  find findMessages '{"where":{"key":{"fromMe":"no"}}}'
  assert_equal "$code" 400
  assert_equal "$(jq -c .response.message <<<"$body")" '[["where.key.fromMe is not of a type(s) boolean"]]'
}

@test "findChats, findContacts: newest chat first with its unread count; a live message moves its chat" {
  find findChats '{}'
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.[] | .unreadCount]' <<<"$body")" '[0,2,1]'
  assert_equal "$(jq -r '.[0].lastMessage.pushName' <<<"$body")" 'Você'
  first=$(jq -r '.[2].remoteJid' <<<"$body")
  upstream_api POST "/sandbox/instances/$INST/inbound" "{\"number\":\"${first%@*}\",\"text\":\"hola\"}"
  [ "$code" = 200 ]
  find findChats '{}'
  assert_equal "$(jq -r '.[0] | [.remoteJid, .unreadCount, .lastMessage.message.conversation] | join("|")' <<<"$body")" "$first|2|hola"
  find findContacts '{"where":{"pushName":"Sandbox Contact 2"}}'
  assert_equal "$code" 200
  assert_equal "$(jq -r '[.[] | .type] | join(",")' <<<"$body")" 'contact'
}

@test "findStatusMessage: a send's status history" {
  api POST "/message/sendText/$INST" '{"number":"595981000001","text":"status"}' "$T1"
  assert_equal "$code" 201
  id=$(jbody .key.id)
  for _ in $(seq 100); do
    find findStatusMessage "{\"where\":{\"id\":\"$id\"}}"
    [ "$(jq -r '[.[].status] | join(",")' <<<"$body")" = 'SERVER_ACK,DELIVERY_ACK,READ' ] && break
    sleep 0.1
  done
  assert_equal "$(jq -r '[.[].status] | join(",")' <<<"$body")" 'SERVER_ACK,DELIVERY_ACK,READ'
}

@test "another user may not read them" {
  for route in findMessages findChats findContacts findStatusMessage; do
    find "$route" '{}' "$T2"
    assert_equal "$code" 403
  done
}

@test "findMessages filters by chat and by type; a grantee reads the same answers as the owner" {
  find findChats '{}'
  jid=$(jq -r '.[1].remoteJid' <<<"$body")
  find findMessages "{\"where\":{\"key\":{\"remoteJid\":\"$jid\"}},\"offset\":100}"
  # 20 from the history, plus the live message an earlier test may have added to this chat
  assert_equal "$(jq -c "[(.messages.total >= 20), (.messages.total == (.messages.records | length)), ([.messages.records[].key.remoteJid] | unique)]" <<<"$body")" "[true,true,[\"$jid\"]]"
  type=$(jq -r '[.messages.records[].messageType] | map(select(. != "conversation")) | .[0] // "conversation"' <<<"$body")
  find findMessages "{\"where\":{\"messageType\":\"$type\"},\"offset\":100}"
  assert_equal "$code" 200
  assert_equal "$(jq -c "[.messages.records[].messageType] | unique" <<<"$body")" "[\"$type\"]"
  owner=$body
  find findMessages "{\"where\":{\"messageType\":\"$type\"},\"offset\":100}" "$T3"
  assert_equal "$code" 200
  assert_equal "$body" "$owner"
}
