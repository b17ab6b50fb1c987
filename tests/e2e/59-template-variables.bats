#!/usr/bin/env bats
# 59-template-variables: `{{ key }}` placeholders (docs/templates.md, issue 28). A bulk send with a
# template and a contact list fills each contact's name per recipient (checked in the sandbox's record);
# object recipients and global variables; a placeholder without a value is a 400 naming it and the
# recipient; CSV columns become contact fields; POST /api/templates/:id/render; old bodies unchanged.

load helpers

PW='Passw0rd_Ok'

setup_file() {
  export U1=$(unique tv1) U2=$(unique tv2)
  create_user "$U1" "$PW" >/dev/null
  create_user "$U2" "$PW" >/dev/null
  export T1=$(login "$U1" "$PW") T2=$(login "$U2" "$PW")
  export INST=$(unique tvi)
  api POST /instance/create "{\"instanceName\":\"$INST\",\"integration\":\"WHATSAPP-BAILEYS\"}" "$T1"
  upstream_api POST "/sandbox/instances/$INST/scan"
  api POST /api/templates '{"name":"saludo","content":"Hola {{ name }}, tu pedido {{pedido}} está listo"}' "$T1"
  export TPL=$(jbody .template.id)
}

# wait_done ID — polls GET /api/scheduled/ID until completed or failed (30 s).
wait_done() {
  for _ in $(seq 150); do
    api GET "/api/scheduled/$1" "" "$T1"
    case "$(jbody .message.status)" in completed | failed) return 0 ;; esac
    sleep 0.2
  done
  echo "status stayed $(jbody .message.status): $body" >&2
  return 1
}

# sandbox_text NUMBER — the text the sandbox recorded for the last send to NUMBER on $INST.
sandbox_text() {
  upstream_api GET "/sandbox/messages?instance=$INST&number=$1"
  jbody '.messages[-1] | .payload.text // .payload.message.conversation // empty'
}

@test "bulk send with a template and a contact list: each contact gets its own name" {
  api POST /api/contacts '{"name":"clientes"}' "$T1"
  list=$(jbody .list.id)
  api POST "/api/contacts/$list/items" '{"items":[{"phone_number":"595986000001","label":"Ana"},{"phone_number":"595986000002","label":"Beto"}]}' "$T1"
  assert_equal "$code" 201
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"template_id\":$TPL,\"contact_list_id\":$list,\"variables\":{\"pedido\":\"A-7\"},\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  id=$(jbody .message.id)
  # The answer keeps its shape: recipients stay plain numbers, the content is the template's text.
  assert_equal "$(jq -c '.message | [.recipients, .message_content, .progress.total]' <<<"$body")" \
    '[["595986000001","595986000002"],"Hola {{ name }}, tu pedido {{pedido}} está listo",2]'
  wait_done "$id"
  assert_equal "$(jbody .message.status)" completed
  assert_equal "$(sandbox_text 595986000001)" 'Hola Ana, tu pedido A-7 está listo'
  assert_equal "$(sandbox_text 595986000002)" 'Hola Beto, tu pedido A-7 está listo'
}

@test "object recipients carry their own variables; {{number}} is the recipient" {
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[{\"number\":\"595986000011\",\"variables\":{\"Name\":\"Carla\"}},\"595986000012\"],\"variables\":{\"name\":\"cliente\"},\"message_content\":\"Hi {{name}} ({{number}})\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  wait_done "$(jbody .message.id)"
  assert_equal "$(sandbox_text 595986000011)" 'Hi Carla (595986000011)'
  assert_equal "$(sandbox_text 595986000012)" 'Hi cliente (595986000012)'
}

@test "CSV columns are contact fields that fill placeholders" {
  api POST /api/contacts '{"name":"csv"}' "$T1"
  list=$(jbody .list.id)
  api POST "/api/contacts/$list/import" '{"csv":"phone_number,label,ciudad\n595986000021,Dora,Asunción\n"}' "$T1"
  assert_equal "$code" 201
  assert_equal "$(jq -c '.items[0].fields' <<<"$body")" '{"ciudad":"Asunción"}'
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"contact_list_id\":$list,\"message_content\":\"{{name}} de {{CIUDAD}}\",\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 201
  wait_done "$(jbody .message.id)"
  assert_equal "$(sandbox_text 595986000021)" 'Dora de Asunción'
}

@test "a placeholder without a value is refused at create time, naming it and the recipient" {
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"template_id\":$TPL,\"recipients\":[{\"number\":\"595986000031\",\"variables\":{\"name\":\"Eva\",\"pedido\":\"1\"}},\"595986000032\"],\"variables\":{\"name\":\"x\"},\"scheduled_at\":\"now\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Missing value for {{pedido}} (recipient 595986000032)'
  assert_equal "$(jbody '[.placeholder, .recipient] | join(",")')" 'pedido,595986000032'
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[\"595986000033\"],\"message_content\":\"Hola {{nombre}}\",\"scheduled_at\":\"2099-01-01T00:00:00Z\"}" "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Missing value for {{nombre}} (recipient 595986000033)'
  assert_equal "$(psql_q "select count(*) from scheduled_messages where recipients like '%595986000033%'")" 0
}

@test "update keeps the stored variables and checks the new text" {
  api POST /api/scheduled "{\"instance_name\":\"$INST\",\"recipients\":[{\"number\":\"595986000041\",\"variables\":{\"name\":\"Fede\"}}],\"message_content\":\"Hola {{name}}\",\"scheduled_at\":\"2099-01-01T00:00:00Z\"}" "$T1"
  assert_equal "$code" 201
  id=$(jbody .message.id)
  api PUT "/api/scheduled/$id" '{"message_content":"Chau {{name}}"}' "$T1"
  assert_equal "$code" 200
  api PUT "/api/scheduled/$id" '{"message_content":"Chau {{name}} {{apellido}}"}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Missing value for {{apellido}} (recipient 595986000041)'
  api PUT "/api/scheduled/$id" '{"variables":{"apellido":"Gómez"}}' "$T1"
  assert_equal "$code" 200
  assert_equal "$(psql_q "select recipient_variables->'595986000041'->>'name' from scheduled_messages where id=$id")" Fede
}

@test "bad templating inputs are 4xx that say what is wrong" {
  base="\"instance_name\":\"$INST\",\"scheduled_at\":\"now\""
  api POST /api/scheduled "{$base,\"recipients\":[\"595986000051\"],\"template_id\":999999999}" "$T1"
  assert_equal "$code $(jbody .error)" '404 Template not found'
  api POST /api/scheduled "{$base,\"recipients\":[\"595986000051\"],\"template_id\":$TPL}" "$T2"
  assert_equal "$code $(jbody .error)" '404 Template not found'
  api POST /api/scheduled "{$base,\"recipients\":[\"595986000051\"],\"template_id\":$TPL,\"message_content\":\"x\"}" "$T1"
  assert_equal "$code $(jbody .error)" '400 Give either message_content or template_id, not both'
  api POST /api/scheduled "{$base,\"contact_list_id\":99999999999,\"message_content\":\"x\"}" "$T1"
  assert_equal "$code $(jbody .error)" '400 contact_list_id must be a positive integer'
  api POST /api/scheduled "{$base,\"recipients\":[\"595986000051\"],\"message_content\":\"x\",\"variables\":{\"a b\":\"1\"}}" "$T1"
  assert_equal "$code $(jbody .error)" '400 variables: invalid key "a b" (letters, digits, _ or -)'
  api POST /api/scheduled "{$base,\"recipients\":[{\"variables\":{}}],\"message_content\":\"x\"}" "$T1"
  assert_equal "$code $(jbody .error)" '400 Invalid recipient: number is required'
  api POST /api/scheduled "{$base,\"recipients\":[{\"number\":\"12\"}],\"message_content\":\"x\"}" "$T1"
  assert_equal "$code" 400
  [[ "$(jbody .error)" == "Invalid recipient: "* ]]
}

@test "render: fills the template, or names the missing placeholder" {
  api POST "/api/templates/$TPL/render" '{"variables":{"NAME":"Ana","pedido":7}}' "$T1"
  assert_equal "$code" 200
  assert_equal "$(jq -c '[.text, .placeholders]' <<<"$body")" '["Hola Ana, tu pedido 7 está listo",["name","pedido"]]'
  api POST "/api/templates/$TPL/render" '{"variables":{"name":"Ana"}}' "$T1"
  assert_equal "$code" 400
  assert_equal "$(jbody .error)" 'Missing value for {{pedido}}'
  assert_equal "$(jq -c .missing <<<"$body")" '["pedido"]'
  api POST "/api/templates/$TPL/render" '{"variables":{"name":"Ana"}}' "$T2"
  assert_equal "$code" 404
  api POST "/api/templates/$TPL/render" '{"variables":"x"}' "$T1"
  assert_equal "$code" 400
}

@test "odd templating values are 4xx with {error}, never 5xx" {
  base="\"instance_name\":\"$INST\",\"scheduled_at\":\"now\",\"message_content\":\"x {{a}}\""
  for extra in '"template_id":-1' '"template_id":1e300' '"template_id":"x"' '"template_id":null' '"template_id":[1]' \
    '"contact_list_id":{}' '"contact_list_id":2147483648' '"variables":[]' '"variables":null' '"variables":{"a":null}' \
    '"variables":{"__proto__":"x"}' '"variables":{"constructor":"x"}' '"recipients":[{"number":{}}]' '"recipients":[{"number":"595986000061","variables":[1]}]' \
    '"recipients":[[]]' '"recipients":[null]' '"recipients":{"number":"595986000061"}'; do
    api POST /api/scheduled "{$base,\"recipients\":[\"595986000061\"],$extra}" "$T1"
    [[ "$code" =~ ^4 ]] || { echo "$extra -> $code $body" >&2; return 1; }
    [ -n "$(jbody .error)" ]
  done
  for b in '{"variables":[]}' '{"variables":{"a":{"b":1}}}' '[]' '{"variables":{"x":"'"$(printf 'y%.0s' $(seq 1001))"'"}}'; do
    api POST "/api/templates/$TPL/render" "$b" "$T1"
    [[ "$code" =~ ^4 ]] || { echo "$b -> $code $body" >&2; return 1; }
  done
  api POST /api/templates/99999999999/render '{}' "$T1"
  assert_equal "$code" 404
}
