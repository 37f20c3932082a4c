#!/usr/bin/env bash
# `make fuzz`: schemathesis against the OpenAPI document of a live server on loopback.
#
# A throw-away embedded instance (its own var/ directory) with a few demo records and a
# secretariat user's write token, served by gunicorn on 127.0.0.1:$FUZZ_PORT; every operation is
# fuzzed for at most $FUZZ_EXAMPLES examples, and the whole run is bounded by $FUZZ_SECONDS.
# Fails on any server error, any response that does not match the documented schema (status
# code, content type, body, headers), any schema-valid request answered 400 and any request
# outside the schema not answered 400 (the data-acceptance checks; the statuses each may answer
# are in scripts/fuzz.toml, see docs/decisions/0006-api-input-contract.md).
# Revoking tokens is left out: the fuzzer would revoke its own token (tests cover it). The
# request-line limit is lifted because gunicorn's default (4 KB) answers long query strings
# with an undocumented 414 before the application sees them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${FUZZ_PORT:-8107}
EXAMPLES=${FUZZ_EXAMPLES:-25}
SECONDS_BUDGET=${FUZZ_SECONDS:-360}
WORK=$(mktemp -d -t jieli-fuzz-XXXXXX)
export JIELI_VAR_DIR="$WORK" JIELI_MODE=embedded JIELI_RATELIMIT=0 JIELI_LOGIN_THROTTLE=0 \
  JIELI_DENSE_ENCODERS="" JIELI_DOMAIN_DICTIONARY=0 JIELI_JOBS_IMMEDIATE=0 JIELI_LOG_LEVEL=ERROR
unset DATABASE_URL REDIS_URL
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

$PY manage.py migrate --noinput -v 0
TOKEN=$($PY manage.py shell -v 0 -c "
from jieli.portal.fuzzing import seed_fuzz_instance
print(seed_fuzz_instance())
")
.venv/bin/gunicorn jieli.wsgi --bind "127.0.0.1:$PORT" --workers 3 --timeout 90 --limit-request-line 0 \
  --log-level error >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null && break
  sleep 0.5
done
# Warm both workers (the first request of each loads the URL conf and the code lists).
for _ in 1 2 3 4; do curl -fs -m 120 "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null || true; done

set +e
timeout --signal=INT "$SECONDS_BUDGET" .venv/bin/schemathesis --config-file scripts/fuzz.toml run \
  "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,positive_data_acceptance,negative_data_rejection \
  --phases coverage,fuzzing \
  --exclude-name 'DELETE /api/v1/me/tokens/{token_id}' \
  --exclude-name 'POST /api/v1/enquiries/{enquiry_id}/messages/upload' \
  --exclude-name 'POST /api/v1/pipeline/projects/{project_id}/stages/{stage}/deliverables' \
  --max-examples "$EXAMPLES" --seed "${FUZZ_SEED:-20261130}" --generation-deterministic \
  --request-timeout 60 --suppress-health-check all --workers 2 \
  --report junit --report-junit-path "$WORK/junit.xml" "$@"
set -e
# The time budget may cut the run short (schemathesis then exits non-zero): judge by what was
# actually tested. Any failure (server error, schema violation) or error (e.g. a timeout) fails.
status=$($PY - "$WORK/junit.xml" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("fuzz: no report was written", file=sys.stderr)
    print(1)
    raise SystemExit
cases = root.iter("testcase")
total = failures = errors = 0
for case in cases:
    total += 1
    failures += len(case.findall("failure"))
    errors += len(case.findall("error"))
print(f"fuzz: {total} operations tested, {failures} failures, {errors} errors", file=sys.stderr)
print(0 if total and not failures and not errors else 1)
PYEOF
)
if [ "$status" -ne 0 ]; then
  echo "--- server log ---"; tail -n 50 "$WORK/server.log" || true
fi
exit "$status"
