#!/usr/bin/env bash
# Load test of `ward serve`: a release build over the bundled lists, with API keys and the
# audit trail on (every request is durably audited before it is answered), driven by wrk
# posting single-query yente /match bodies. Reports requests/s, p50/p90/p99 latency and errors.
#
# The server's resident memory is sampled every 10 s while the load runs and printed at the end,
# so a long run (scripts/loadtest.sh 600) is the memory soak.
#
# Usage: scripts/loadtest.sh [SECONDS] [CONNECTIONS]   (defaults: 20 s, 32 connections)
# Needs: cargo, wrk (apt-get install wrk), curl, python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-20}"
connections="${2:-32}"
threads="${THREADS:-2}"
cargo build --release -p ward-cli
ward="${CARGO_TARGET_DIR:-$root/target}/release/ward"

data="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

"$ward" --data-dir "$data" lists import data/lists >/dev/null
key="$("$ward" --data-dir "$data" keys create --name loadtest 2>/dev/null)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The per-key rate limit is lifted: this measures the server, not the limiter.
RUST_LOG=warn "$ward" --data-dir "$data" serve --listen "127.0.0.1:$port" --rate-limit 1000000000 \
    2>"$data/serve.log" &
server=$!
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
done
curl -fs "http://127.0.0.1:$port/readyz"; echo

rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
(
    while kill -0 "$server" 2>/dev/null; do
        echo "$(date +%s) $(rss)" >>"$data/rss.log"
        sleep 10
    done
) &
sampler=$!

WARD_KEY="$key" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency \
    -s scripts/loadtest.lua "http://127.0.0.1:$port/match/default"
# Each screened query was audited before it was answered.
curl -fs "http://127.0.0.1:$port/metrics" | grep -E '^ward_(queries_screened_total|audit_failures_total) '
grep -i -E 'panicked|error' "$data/serve.log" >&2 || true
kill "$sampler" 2>/dev/null || true
echo "server resident memory (MB) every 10 s:"
awk '{printf "%.0f ", $2/1024} END {print ""}' "$data/rss.log"
awk 'NR==2 {first=$2} {last=$2; if ($2>max) max=$2} END {if (first) printf "after warm-up %.0f MB, at the end %.0f MB, peak %.0f MB (end/warm-up %.2f)\n", first/1024, last/1024, max/1024, last/first}' "$data/rss.log"
