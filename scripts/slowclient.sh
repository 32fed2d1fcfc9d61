#!/usr/bin/env bash
# Slow-client check against a running `ward serve`: opens N half-sent connections (headers begun,
# never finished; default 600, past the default limit of 512), then times GET /healthz, which
# must still answer (from the reserve) within a second, and closes them. Bounded: the
# connections are held at most HOLD seconds. The Rust test slow_clients_cannot_take_the_server_down
# in crates/ward-http/tests/http.rs is what CI runs; this is for a server as deployed.
#
# Usage: scripts/slowclient.sh [HOST:PORT] [N] [HOLD]   (default 127.0.0.1:8000 600 3)
set -euo pipefail
address="${1:-127.0.0.1:8000}"
count="${2:-600}"
hold="${3:-3}"
python3 - "$address" "$count" "$hold" <<'PY'
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
count, hold = int(sys.argv[2]), float(sys.argv[3])
slow = []
for _ in range(count):
    s = socket.create_connection((host, int(port)), timeout=2)
    s.sendall(b"GET /catalog HTTP/1.1\r\nHost: slow\r\nX-Slow: ")
    slow.append(s)
time.sleep(min(hold, 1.2))
started = time.monotonic()
h = socket.create_connection((host, int(port)), timeout=1)
h.sendall(b"GET /healthz HTTP/1.1\r\nHost: check\r\nConnection: close\r\n\r\n")
answer = b""
try:
    while chunk := h.recv(4096):
        answer += chunk
except socket.timeout:
    pass
elapsed = time.monotonic() - started
time.sleep(max(0.0, hold - 1.2))
for s in slow:
    s.close()
status = answer.split(b" ")[1].decode() if answer.startswith(b"HTTP/") else "none"
print(f"{count} half-sent connections: /healthz answered {status} in {elapsed:.3f} s")
sys.exit(0 if status == "200" and elapsed < 1.0 else 1)
PY
