#!/usr/bin/env bats
# 90-generated-bad-input: the generated bad-input suite (issue 14, tests/fuzz/bad-input.ts). Walks
# GET /api/openapi.json and sends fast-check-generated bad requests to every route as anonymous, a bogus
# token, a user, another user and the admin; every answer: never a 5xx, X-Request-ID, 4xx = JSON {error},
# a refused request changes no row. Fixed seed; FUZZ_SEED / FUZZ_RUNS make a longer or different run:
#   BATS_TEST_TIMEOUT=1800 FUZZ_RUNS=50000 FUZZ_SEED=7 npm test -- tests/e2e/90-generated-bad-input.bats
# Runs last: it makes its own users and instances and never deletes or edits the admin or them.

load helpers

@test "generated bad input: >= 5000 requests, no invariant broken" {
  run bash -c 'cd "$REPO_ROOT" && node --import tsx tests/fuzz/bad-input.ts 2>&1'
  # The counts (and, on failure, the minimal request) go to the TAP output either way.
  printf '# %s\n' "${lines[@]}" >&3
  assert_success
  sent=$(sed -n 's/.* runs, \([0-9]*\) requests sent.*/\1/p' <<<"$output")
  min=${FUZZ_RUNS:-5000}
  [ "$min" -le 5000 ] || min=5000
  [ "${sent:-0}" -ge "$min" ] || { echo "only ${sent:-0} requests sent"; return 1; }
}
