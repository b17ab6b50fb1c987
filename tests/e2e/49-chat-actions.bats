#!/usr/bin/env bats
# 49-chat-actions: Evolution's /chat action routes through the gateway on the sandbox (issue 26 part B1):
# markMessageAsRead, archiveChat, markChatUnread, deleteMessageForEveryone (DELETE with a JSON body),
# updateMessage, getBase64FromMediaMessage, fetchProfilePictureUrl, sendPresence, updateBlockStatus. The owner
# gets Evolution's shapes, another user 403, a grantee is allowed, a bad body is a 400 naming the field; a
# received history media message downloads as its exact bytes; edits and deletions show in findMessages.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup cact history
}

# chat METHOD ROUTE BODY [TOKEN] — /chat/ROUTE/$INST through the gateway.
chat() { api "$1" "/chat/$2/$INST" "$3" "${4:-$T1}"; }
# first_record WHERE — the newest stored message matching WHERE (findMessages), as compact JSON.
first_record() { chat POST findMessages "{\"where\":$1}"; jq -c '.messages.records[0]' <<<"$body"; }

@test "getBase64FromMediaMessage: a received history image downloads as its exact bytes" {
  rec=$(first_record '{"messageType":"imageMessage","key":{"fromMe":false}}')
  id=$(jq -r .key.id <<<"$rec")
  chat POST getBase64FromMediaMessage "{\"message\":{\"key\":{\"id\":\"$id\"}}}"
  assert_equal "$code" 201
  assert_equal "$(jq -r '[.mediaType, .mimetype, .buffer] | join("|")' <<<"$body")" 'imageMessage|image/png|'
  # sandboxMediaBytes: every history image is the same 1x1 PNG.
  assert_equal "$(jbody .base64)" 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='
  doc=$(first_record '{"messageType":"documentMessage"}')
  chat POST getBase64FromMediaMessage "{\"message\":{\"key\":{\"id\":\"$(jq -r .key.id <<<"$doc")\"}}}" "$T3"
  assert_equal "$code" 201
  assert_equal "$(jbody .base64 | base64 -d)" "sandbox document $(jq -r .key.id <<<"$doc")"
  chat POST getBase64FromMediaMessage '{"message":{"key":{"id":"NOPE"}}}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,["Message not found"]]'
  chat POST getBase64FromMediaMessage '{"message":{}}'
  assert_equal "$(jq -c .response.message <<<"$body")" '[["message requires property \"key\""]]'
}

@test "updateMessage and deleteMessageForEveryone: Evolution's answers, visible in findMessages" {
  api POST "/message/sendText/$INST" '{"number":"595981000001","text":"before"}' "$T1"
  assert_equal "$code" 201
  key=$(jq -c .key <<<"$body")
  chat POST updateMessage "{\"number\":\"595981000001\",\"key\":$key,\"text\":\"after\"}"
  assert_equal "$code" 200
  assert_equal "$(jq -r '.message.protocolMessage | [.type, .editedMessage.conversation] | join("|")' <<<"$body")" 'MESSAGE_EDIT|after'
  rec=$(first_record "{\"key\":{\"id\":$(jq .id <<<"$key")}}")
  assert_equal "$(jq -r '.message.conversation' <<<"$rec")" 'after'
  assert_equal "$(jq -r '[.MessageUpdate[].status] | index("EDITED") != null' <<<"$rec")" true

  chat DELETE deleteMessageForEveryone "$(jq -c '{id, fromMe, remoteJid}' <<<"$key")" "$T3"
  assert_equal "$code" 201
  assert_equal "$(jq -r '.message.protocolMessage.type' <<<"$body")" 'REVOKE'
  rec=$(first_record "{\"key\":{\"id\":$(jq .id <<<"$key")}}")
  assert_equal "$(jq -r '.key.deleted' <<<"$rec")" true

  chat POST updateMessage '{"number":"595981000001","key":{"id":"NOPE","fromMe":true,"remoteJid":"595981000001@s.whatsapp.net"},"text":"x"}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[404,["Message not found"]]'
  chat POST updateMessage '{"number":"595981000001","text":"x"}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["instance requires property \"key\""]]]'
  chat DELETE deleteMessageForEveryone '{"id":"x","remoteJid":"595981000001"}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["instance requires property \"fromMe\""]]]'
}

@test "markMessageAsRead, archiveChat, markChatUnread: Evolution's answers and the chat's new state" {
  chat POST findChats '{}'
  jid=$(jq -r '[.[] | select(.unreadCount > 0)][0].remoteJid' <<<"$body")
  chat POST findMessages "{\"where\":{\"key\":{\"remoteJid\":\"$jid\",\"fromMe\":false}},\"offset\":5}"
  keys=$(jq -c '[.messages.records[].key | {id, fromMe, remoteJid}]' <<<"$body")
  chat POST markMessageAsRead "{\"readMessages\":$keys}"
  assert_equal "$code" 201
  assert_equal "$(jq -c . <<<"$body")" '{"message":"Read messages","read":"success"}'
  chat POST findChats "{\"where\":{\"remoteJid\":\"$jid\"}}"
  assert_equal "$(jq -r '.[0].unreadCount' <<<"$body")" 0

  last=$(jq -c '.[0]' <<<"$keys")
  chat POST archiveChat "{\"archive\":true,\"lastMessage\":{\"key\":$last}}" "$T3"
  assert_equal "$code" 201
  assert_equal "$(jq -c . <<<"$body")" "{\"chatId\":\"$jid\",\"archived\":true}"
  chat POST findChats "{\"where\":{\"remoteJid\":\"$jid\"}}"
  assert_equal "$(jq -r '.[0].archived' <<<"$body")" true

  chat POST markChatUnread "{\"lastMessage\":{\"key\":$last}}"
  assert_equal "$code" 201
  assert_equal "$(jq -c . <<<"$body")" "{\"chatId\":\"$jid\",\"markedChatUnread\":true}"

  chat POST markMessageAsRead '{"readMessages":[]}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["readMessages does not meet minimum length of 1"]]]'
  chat POST archiveChat '{"chat":"595981000001"}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["instance requires property \"archive\""]]]'
  chat POST markChatUnread '{}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["instance requires property \"lastMessage\""]]]'
}

@test "fetchProfilePictureUrl, sendPresence, updateBlockStatus: Evolution's answers and 400s" {
  chat POST fetchProfilePictureUrl '{"number":"595981000001"}'
  assert_equal "$code" 200
  assert_equal "$(jbody .wuid)" '595981000001@s.whatsapp.net'
  chat POST sendPresence '{"number":"595981000001","presence":"composing","delay":200}' "$T3"
  assert_equal "$code" 201
  assert_equal "$(jq -c . <<<"$body")" '{"presence":"composing"}'
  chat POST updateBlockStatus '{"number":"595981000001","status":"block"}'
  assert_equal "$code" 201
  assert_equal "$(jq -c . <<<"$body")" '{"block":"success"}'
  chat POST fetchProfilePictureUrl '{}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["instance requires property \"number\""]]]'
  chat POST sendPresence '{"number":"595981000001","presence":"typing","delay":0}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["presence is not one of enum values: unavailable,available,composing,recording,paused"]]]'
  chat POST updateBlockStatus '{"number":"595981000001","status":"ban"}'
  assert_equal "$(jq -c '[.status, .response.message]' <<<"$body")" '[400,[["status is not one of enum values: block,unblock"]]]'
}

@test "another user may not call them" {
  for route in markMessageAsRead archiveChat markChatUnread updateMessage getBase64FromMediaMessage fetchProfilePictureUrl sendPresence updateBlockStatus; do
    chat POST "$route" '{}' "$T2"
    assert_equal "$code" 403
  done
  chat DELETE deleteMessageForEveryone '{}' "$T2"
  assert_equal "$code" 403
}
