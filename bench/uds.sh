#!/usr/bin/env bash
# Unix socket echo round trips per second: `sockkit uds serve` (stream, --seqpacket, --dgram)
# beside socat and a minimal C server (bench/echo_peer.c), all driven by the same C client,
# then `sockkit uds client --dgram` beside that C client. Server and client pinned to different
# CPUs (taskset); runs interleaved, best kept. Abstract names only: nothing on disk.
#   ROUNDS=50000 REPEAT=3 SIZE=64 SERVER_CPU=0 CLIENT_CPU=1 bench/uds.sh
source "$(dirname "$0")/common.sh"

tag=skudp-bench-$$
for kind in stream seqpacket dgram; do
  start_server "$peer" server "unix-$kind" "@$tag-c-$kind"
  flag=
  if [ "$kind" != stream ]; then flag=--$kind; fi
  start_server "$sockkit" -q uds serve $flag "@$tag-s-$kind"
done
# socat forks a child per connection; PIPE makes it echo. (Its datagram server forks per
# datagram, which measures fork, so it has no datagram row.)
start_quiet_server "grep -q '@$tag-socat-stream' /proc/net/unix" \
  socat "ABSTRACT-LISTEN:$tag-socat-stream,fork" PIPE
start_quiet_server "grep -q '@$tag-socat-seqpacket' /proc/net/unix" \
  socat "ABSTRACT-LISTEN:$tag-socat-seqpacket,fork,type=5" PIPE

for kind in stream seqpacket dgram; do
  eval "c_$kind() { c_client unix-$kind @$tag-c-$kind; }"
  eval "sockkit_$kind() { c_client unix-$kind @$tag-s-$kind; }"
done
socat_stream() { c_client unix-stream "@$tag-socat-stream"; }
socat_seqpacket() { c_client unix-seqpacket "@$tag-socat-seqpacket"; }
sockkit_dgram_client() {
  taskset -c "$client_cpu" "$sockkit" --json -q uds client --dgram "@$tag-c-dgram" --count "$rounds" -i 0 --size "$size" |
    python3 -c 'import json,sys; s=[json.loads(l) for l in sys.stdin][-1]; print(int(s["received"] / (s["duration_ms"] / 1000)))'
}
c_dgram_client() { c_dgram; }

measure_all c_stream socat_stream sockkit_stream c_seqpacket socat_seqpacket sockkit_seqpacket \
  c_dgram sockkit_dgram sockkit_dgram_client c_dgram_client

for kind in stream seqpacket; do
  header "Unix $kind echo servers (client: the C client)"
  row "C server" "${best[c_$kind]}" "${best[c_$kind]}" "${best[socat_$kind]}"
  row "socat ABSTRACT-LISTEN,fork PIPE" "${best[socat_$kind]}" "${best[c_$kind]}" "${best[socat_$kind]}"
  row "sockkit uds serve" "${best[sockkit_$kind]}" "${best[c_$kind]}" "${best[socat_$kind]}"
  echo
done
header "Unix dgram echo servers (client: the C client)"
row "C server (blocking recvfrom/sendto)" "${best[c_dgram]}" "${best[c_dgram]}" 0
row "sockkit uds serve --dgram" "${best[sockkit_dgram]}" "${best[c_dgram]}" 0
echo
echo "Unix dgram echo clients (server: the C server)"
row "C client (blocking send/recv)" "${best[c_dgram_client]}" "${best[c_dgram_client]}" 0
row "sockkit uds client --dgram -i 0" "${best[sockkit_dgram_client]}" "${best[c_dgram_client]}" 0
