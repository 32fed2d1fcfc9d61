#!/usr/bin/env bash
# Crash test of `ward serve`: screen under load from 8 client threads, kill -9 the server in the
# middle, start it again, and check that every request the server acknowledged (answered 200,
# with its X-Request-Id) has its audit record, and that the server serves the same list
# versions again. Also kills an import half-way and checks that no half-imported version shows.
#
# Usage: scripts/crashtest.sh [SECONDS_BEFORE_KILL]   Needs: cargo, curl, python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
before_kill="${1:-5}"
profile="${PROFILE:-release}"
cargo build --profile "$profile" -p ward-cli
dir="$([ "$profile" = dev ] && echo debug || echo "$profile")"
ward="${CARGO_TARGET_DIR:-$root/target}/$dir/ward"

data="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

"$ward" --data-dir "$data" lists import data/lists/un-sc data/lists/us-ofac-cons data/lists/ca-sema >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
start_server() {
    RUST_LOG=warn "$ward" --data-dir "$data" serve --no-auth --listen "127.0.0.1:$port" 2>>"$data/serve.log" &
    server=$!
    for _ in $(seq 1 240); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && return 0
        sleep 0.5
    done
    echo "the server did not become ready" >&2
    return 1
}
start_server
versions_before="$(curl -fs "http://127.0.0.1:$port/catalog" | python3 -c 'import json,sys; print(sorted((d["name"], d.get("version")) for d in json.load(sys.stdin)["datasets"]))')"

# Clients: each acknowledged request id goes to acked.txt as soon as its answer arrives.
python3 - "$port" "$data/acked.txt" "$before_kill" <<'PY' &
import json, sys, threading, time, urllib.request
port, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
names = ["Innocent Kaina", "Sergei Lavrov", "Aleksandr Bortnikov", "Ali Hassan", "Maria Ivanova"]
lock = threading.Lock()
stop = time.time() + seconds + 3
def client(i):
    n = 0
    while time.time() < stop:
        body = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": [names[(i + n) % len(names)]]}}}}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/match/default", data=body, headers={"Content-Type": "application/json"})
        n += 1
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    rid = resp.headers["X-Request-Id"]
                    with lock, open(out, "a") as f:
                        f.write(rid + "\n")
        except Exception:
            time.sleep(0.05)
threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
PY
clients=$!
sleep "$before_kill"
kill -9 "$server"
wait "$server" 2>/dev/null || true
server=""
wait "$clients" || true
acked=$(sort -u "$data/acked.txt" | wc -l)

start_server
versions_after="$(curl -fs "http://127.0.0.1:$port/catalog" | python3 -c 'import json,sys; print(sorted((d["name"], d.get("version")) for d in json.load(sys.stdin)["datasets"]))')"
kill "$server"; wait "$server" 2>/dev/null || true; server=""
"$ward" --data-dir "$data" audit --json --limit 10000000 | python3 -c 'import json,sys; [print(json.loads(l)["request_id"]) for l in sys.stdin if l.strip()]' | sort -u >"$data/audited.txt"
missing=$(comm -23 <(sort -u "$data/acked.txt") "$data/audited.txt" | wc -l)
echo "acknowledged before kill -9: $acked; audit records missing after restart: $missing"
[ "$versions_before" = "$versions_after" ] || { echo "list versions changed across the crash: $versions_before -> $versions_after" >&2; exit 1; }
echo "after restart the server serves the same list versions"

# An import killed half-way leaves no half-imported version.
before=$("$ward" --data-dir "$data" lists show --all --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
"$ward" --data-dir "$data" lists import data/lists/us-csl data/lists/uk-ofsi data/lists/us-ofac-sdn >/dev/null 2>&1 &
importer=$!
sleep 1.5
kill -9 "$importer" 2>/dev/null || true
wait "$importer" 2>/dev/null || true
"$ward" --data-dir "$data" lists show --all --json | python3 -c '
import json, sys
versions = json.load(sys.stdin)
for v in versions:
    assert v["counts"]["entities"] > 0, v
print(f"versions after an import killed at 1.5 s: {len(versions)} (was '"$before"'), each complete")
'
"$ward" --data-dir "$data" entity un_sc_sanctions:CDi.004 >/dev/null
[ "$missing" -eq 0 ] || exit 1
echo "crash test passed"
