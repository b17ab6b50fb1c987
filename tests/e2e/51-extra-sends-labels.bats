#!/usr/bin/env bats
# 51-extra-sends-labels: sendSticker, sendPtv, sendStatus and the label routes (issue 26 part B2) through
# the gateway on the sandbox: the owner gets Evolution's shapes (201 messageRaw; findLabels' list,
# handleLabel's 200), the sends are in the gateway's message log with their type, a multipart upload
# works, another user is refused (403), a grantee is allowed, and a bad body is Evolution's 400 naming
# the field.

load helpers

PW='Passw0rd_Ok'
# A 1x1 WebP: sent as is (no conversion).
WEBP='UklGRjwAAABXRUJQVlA4IDAAAADQAQCdASoBAAEAAUAmJaACdLoB+AADsAD+8ut//NgVzXPv9//S4P0uD9Lg/9KQAAA='
N=595981123456

setup_file() {
  sandbox_instance_setup xs
  export I=$INST
}

# logged_type WA_ID — the message log's type for that send (the log is flushed in batches).
logged_type() {
  for _ in $(seq 50); do
    api GET "/api/messages/log?instance_name=$I" "" "$T1"
    t=$(jq -r --arg w "$1" '.logs[] | select(.wa_message_id == $w) | .message_type' <<<"$body")
    [ -n "$t" ] && break
    sleep 0.1
  done
  printf '%s' "$t"
}

@test "owner: sendSticker, sendPtv, sendStatus answer messageRaw and are logged with their type" {
  api POST "/message/sendSticker/$I" "{\"number\":\"$N\",\"sticker\":\"$WEBP\"}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -r '[.messageType, .key.remoteJid, .key.fromMe, .status] | join("|")' <<<"$body")" "stickerMessage|$N@s.whatsapp.net|true|PENDING"
  sticker=$(jbody .key.id)
  api POST "/message/sendPtv/$I" "{\"number\":\"$N\",\"video\":\"$WEBP\"}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jbody .messageType)" ptvMessage
  ptv=$(jbody .key.id)
  api POST "/message/sendStatus/$I" "{\"type\":\"text\",\"content\":\"hola\",\"backgroundColor\":\"#008000\",\"font\":1,\"statusJidList\":[\"$N\"]}" "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -r '[.messageType, .key.remoteJid] | join("|")' <<<"$body")" "extendedTextMessage|status@broadcast"
  status=$(jbody .key.id)
  assert_equal "$(logged_type "$sticker")" sticker
  assert_equal "$(logged_type "$ptv")" ptv
  assert_equal "$(logged_type "$status")" status
}

@test "multipart: the file part is the sticker, and the send is logged" {
  printf '%s' "$WEBP" | base64 -d >"$BATS_TEST_TMPDIR/s.webp"
  _http POST "$GATEWAY_URL/message/sendSticker/$I" '' -H "apikey: $T1" -F "number=$N" -F 'notConvertSticker=true' -F "file=@$BATS_TEST_TMPDIR/s.webp;type=image/webp"
  assert_equal "$code" 201
  assert_equal "$(jbody .message.stickerMessage.fileLength)" "$(stat -c %s "$BATS_TEST_TMPDIR/s.webp")"
  # The gateway's message log reads a form's text fields (gateway/src/services/message-log/form-fields.ts).
  assert_equal "$(logged_type "$(jbody .key.id)")" sticker
}

@test "owner: findLabels lists the sandbox's labels; handleLabel puts one on a chat" {
  api GET "/label/findLabels/$I" "" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c '.[0]' <<<"$body")" '{"color":"1","name":"New customer","id":"1","predefinedId":"1"}'
  assert_equal "$(jq length <<<"$body")" 5
  api POST "/label/handleLabel/$I" "{\"number\":\"$N\",\"labelId\":\"4\",\"action\":\"add\"}" "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c . <<<"$body")" "{\"numberJid\":\"$N@s.whatsapp.net\",\"labelId\":\"4\",\"add\":true}"
  api POST "/chat/findChats/$I" "{\"where\":{\"remoteJid\":\"$N\"}}" "$T1"
  assert_equal "$(jq -c '.[0].labels' <<<"$body")" '["4"]'
}

@test "another user is refused (403); a grantee is allowed" {
  api POST "/message/sendSticker/$I" "{\"number\":\"$N\",\"sticker\":\"$WEBP\"}" "$T2"
  assert_equal "$code" 403
  api GET "/label/findLabels/$I" "" "$T2"
  assert_equal "$code" 403
  api POST "/label/handleLabel/$I" "{\"number\":\"$N\",\"labelId\":\"4\",\"action\":\"remove\"}" "$T2"
  assert_equal "$code" 403
  api POST "/message/sendPtv/$I" "{\"number\":\"$N\",\"video\":\"$WEBP\"}" "$T3"
  assert_equal "$code" 201
  api GET "/label/findLabels/$I" "" "$T3"
  assert_equal "$code" 200
  api POST "/label/handleLabel/$I" "{\"number\":\"$N\",\"labelId\":\"4\",\"action\":\"remove\"}" "$T3"
  assert_equal "$code" 200
  assert_equal "$(jbody .remove)" true
}

@test "a bad body is Evolution's 400 naming the field" {
  api POST "/message/sendStatus/$I" '{"content":"x"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jq -c .response.message <<<"$body")" '[["instance requires property \"type\""]]'
  api POST "/label/handleLabel/$I" "{\"number\":\"$N\",\"labelId\":\"4\",\"action\":\"toggle\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jq -c .response.message <<<"$body")" '[["action is not one of enum values: add,remove"]]'
  api POST "/message/sendSticker/$I" "{\"number\":\"$N\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jq -c .response.message <<<"$body")" '["Owned media must be a url or base64"]'
}
