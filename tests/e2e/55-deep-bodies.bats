#!/usr/bin/env bats
# 55-deep-bodies: a JSON body nested 100,000 levels deep (JSON.parse accepts any depth) with a NUL at the
# bottom is the text rule's 400 naming the field, on a send and on a native route, never the 500 of a
# recursive walk overflowing the call stack; without the NUL it is the route's normal answer.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  sandbox_instance_setup deep
}

# deep_body FILE FIELD LEAF — {"number":..,"text":..,"name":..,"content":..,FIELD: 100,000 levels of
# {"a":[...]} around LEAF} written to FILE (sent with @FILE).
deep_body() {
  node -e '
    const [file, field, leaf] = process.argv.slice(1)
    const n = 50000
    const deep = "{\"a\":[".repeat(n) + leaf + "]}".repeat(n)
    require("node:fs").writeFileSync(file, `{"number":"595981123456","text":"hi","name":"deep_t","content":"c",${JSON.stringify(field)}:${deep}}`)
  ' "$1" "$2" "$3"
}

@test "deep body: a NUL 100,000 levels down is a 400 naming the field on POST /message/sendText/{instance}" {
  deep_body "$BATS_TEST_TMPDIR/nul.json" extra '"x\u0000"'
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/nul.json" "$T1"
  assert_equal "$code" 400
  [[ $(jbody .error) == 'extra.a[0].a[0]'*'a[0] must not contain NUL characters' ]]
  # A chunked upload takes the other send path: the same answer.
  API_EXTRA_ARGS=(-H 'Transfer-Encoding: chunked')
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/nul.json" "$T1"
  API_EXTRA_ARGS=()
  assert_equal "$code" 400
}

@test "deep body: a NUL 100,000 levels down is a 400 naming the field on POST /api/templates" {
  deep_body "$BATS_TEST_TMPDIR/nul.json" extra '"x\u0000"'
  api POST /api/templates "@$BATS_TEST_TMPDIR/nul.json" "$T1"
  assert_equal "$code" 400
  [[ $(jbody .error) == 'extra.a[0]'*'must not contain NUL characters' ]]
}

@test "deep body: without the NUL it is the route's normal answer, never a 5xx" {
  deep_body "$BATS_TEST_TMPDIR/clean.json" extra '1'
  api POST /api/templates "@$BATS_TEST_TMPDIR/clean.json" "$T1"
  assert_equal "$code" 201
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/clean.json" "$T1"
  # The upstream refuses a body nested this deep with its own 400 (never a stack overflow).
  assert_equal "$code" 400
  deep_body "$BATS_TEST_TMPDIR/quoted.json" quoted '1'
  api POST "/message/sendText/$INST" "@$BATS_TEST_TMPDIR/quoted.json" "$T1"
  assert_equal "$code" 400
}
