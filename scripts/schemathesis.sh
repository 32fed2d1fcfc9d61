#!/usr/bin/env bash
# Fuzzes the HTTP API against its own OpenAPI document with Schemathesis: builds ward, imports
# the bundled lists into a temporary data directory, serves them without keys on a free port,
# checks the answers against yente's own pydantic response models (when the yente package is
# installed), runs `schemathesis run` (checks: no 5xx, answers conform to the documented schemas)
# and stops the server. Extra arguments go to schemathesis (e.g. --max-examples 50).
#
# Needs: cargo, python3 and `pip install schemathesis` (4.x).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
profile="${PROFILE:-release}"
cargo build --profile "$profile" -p ward-cli
target="${CARGO_TARGET_DIR:-$root/target}"
dir="$([ "$profile" = dev ] && echo debug || echo "$profile")"
ward="$target/$dir/ward"

data="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

"$ward" --data-dir "$data" lists import "$root/data/lists" >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$ward" --data-dir "$data" serve --no-auth --listen "127.0.0.1:$port" 2>"$data/serve.log" &
server=$!
for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
done

status=0
# yente's own response models, where the yente package is installed.
if python3 -c "import yente" 2>/dev/null; then
    python3 "$root/scripts/yente_compat.py" "http://127.0.0.1:$port" || status=$?
else
    echo "yente is not installed: its response models were not checked (pip install yente)"
fi
# Run from the temporary directory so Schemathesis' example cache stays out of the tree.
cd "$data"
schemathesis run "http://127.0.0.1:$port/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    "$@" || status=$?
if grep -q panicked "$data/serve.log"; then
    echo "the server panicked:" >&2
    grep -A5 panicked "$data/serve.log" >&2
    status=1
fi
exit "$status"
