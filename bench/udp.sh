#!/usr/bin/env bash
# UDP echo round trips per second on loopback: `sockkit udp serve` beside socat and a minimal C
# server (bench/echo_peer.c), all driven by the same C client, then `sockkit udp client` beside
# that C client, both against the C server. Server and client are pinned to different CPUs
# (taskset): sharing one swings round trips/s about 4x. Runs are interleaved, best kept.
#   ROUNDS=50000 REPEAT=3 SIZE=64 SERVER_CPU=0 CLIENT_CPU=1 bench/udp.sh
source "$(dirname "$0")/common.sh"

free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server "$peer" server udp 127.0.0.1 0
c_port=${addr##*:}
start_server "$sockkit" -q udp serve 127.0.0.1:0
sockkit_port=${addr##*:}

c_server() { c_client udp 127.0.0.1 "$c_port"; }
sockkit_server() { c_client udp 127.0.0.1 "$sockkit_port"; }
# socat UDP-LISTEN serves its first peer only, so it is started afresh for every run.
socat_server() {
  local port
  port=$(free_udp_port)
  start_quiet_server "ss -Hlnu 'sport = :$port' | grep -q ." socat "UDP-LISTEN:$port,bind=127.0.0.1" PIPE
  c_client udp 127.0.0.1 "$port"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
}
sockkit_client() {
  taskset -c "$client_cpu" "$sockkit" --json -q udp client "127.0.0.1:$c_port" -c "$rounds" -i 0 --size "$size" |
    python3 -c 'import json,sys; s=[json.loads(l) for l in sys.stdin][-1]; print(int(s["received"] / (s["duration_ms"] / 1000)))'
}

c_client_run() { c_server; }
measure_all c_server socat_server sockkit_server sockkit_client c_client_run

header "UDP echo servers (client: the C client)"
row "C server (blocking recvfrom/sendto)" "${best[c_server]}" "${best[c_server]}" "${best[socat_server]}"
row "socat UDP-LISTEN PIPE" "${best[socat_server]}" "${best[c_server]}" "${best[socat_server]}"
row "sockkit udp serve" "${best[sockkit_server]}" "${best[c_server]}" "${best[socat_server]}"
echo
echo "UDP echo clients (server: the C server)"
row "C client (blocking send/recv)" "${best[c_client_run]}" "${best[c_client_run]}" 0
row "sockkit udp client -i 0 (ping -f pacing)" "${best[sockkit_client]}" "${best[c_client_run]}" 0
