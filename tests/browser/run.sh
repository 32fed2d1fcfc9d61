#!/usr/bin/env bash
# The review desk in a real browser: seeds a store with the monitor's seed case (OFAC SDN
# 2019-01, a book with the seed customers, SDN 2021-07, a re-screen that raises WANG
# Junzheng's alert), serves it on a loopback port, and walks it with Playwright driving
# Debian's Chromium (desk.mjs), saving a screenshot of each page under target/desk-screenshots.
# Skips with a message, exit 0, when node, Chromium or the shared lists are absent; .ci/run
# installs Chromium first. The walk: sign in as analyst, find the alert, dismiss it with a pinned
# suppression (waits for approval), sign in as supervisor, approve (the alert closes as
# dismissed), re-screen (the suppression holds), import the listing amended and re-screen (the
# suppression breaks and the alert re-opens).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "browser test skipped: $tool is not installed"; exit 0; }
done
[ -x "$chromium" ] || { echo "browser test skipped: no Chromium at $chromium (apt-get install -y chromium)"; exit 0; }
shared="${WARD_SHARED_DATA:-$root/../shared/data}"
before="$shared/lists/us-ofac/sdn-csv-2019-01"
after="$shared/lists/us-ofac/sdn-csv-2021-07"
[ -d "$before" ] && [ -d "$after" ] || { echo "browser test skipped: $before or $after not found (shared data absent)"; exit 0; }

(cd "$here" && npm ci --no-audit --no-fund --silent)
(cd "$root" && cargo build -q -p ward-cli)
ward="${CARGO_TARGET_DIR:-$root/target}/debug/ward"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
data="$work/data"
w() { "$ward" --data-dir "$data" "$@"; }

w lists import "$before" >/dev/null
cat >"$work/customers.csv" <<'CSV'
id,name,birth_date,country
seed-1,WANG Junzheng,1963-05,China
seed-2,CHEN Mingguo,1966-10,China
seed-3,ZHU Hailun,1958-01,
seed-4,WANG Mingshan,1964-01,
seed-5,Aleksandr BORTNIKOV,1951-11-15,Russia
ordinary-1,Maria Fernanda Lopez,1984-02-11,Spain
CSV
w book import --book seed --id-column id --name-column name --dob-column birth_date --country-column country "$work/customers.csv" >/dev/null
w lists import "$after" >/dev/null
w book rescreen --book seed >/dev/null
# The same list with WANG Junzheng's listing amended (a second programme): what breaks a pinned
# suppression.
changed="$work/sdn-csv-2021-07-amended"
cp -r "$after" "$changed"
sed -i '/^31492,/s/"GLOMAG"/"GLOMAG] [HK-EO13936"/' "$changed/sdn.csv"
grep -q '^31492,.*HK-EO13936' "$changed/sdn.csv" || { echo "could not amend WANG Junzheng's listing in $changed"; exit 1; }
export WARD_BIN="$ward" WARD_DATA="$data" CHANGED_LIST="$changed"
export DESK_PASSWORD="desk browser test password"
for user in ana:analyst sue:supervisor root:admin; do
  printf '%s\n' "$DESK_PASSWORD" | w users create --name "${user%%:*}" --role "${user##*:}" --password-stdin
done

port=$((20000 + RANDOM % 20000))
w serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done

export DESK_URL="http://127.0.0.1:$port/desk"
export SCREENSHOTS="${SCREENSHOTS:-$root/target/desk-screenshots}"
export CHROMIUM="$chromium"
mkdir -p "$SCREENSHOTS"
if ! node "$here/desk.mjs"; then
  echo "--- ward serve log"; tail -n 40 "$work/serve.log"
  exit 1
fi
