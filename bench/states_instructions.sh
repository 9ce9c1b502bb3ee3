#!/usr/bin/env bash
# bench/states_instructions.sh: instructions `sockkit states` spends on a synthetic table,
# counted by callgrind. Unlike wall or CPU time, the count is not disturbed by other load on a
# shared machine, so it is the figure to compare between two builds of the parser/formatter.
#
# The table is written in the kernel's exact formats (net/ipv4/tcp_ipv4.c, tcp_ipv6.c: v4
# lines padded to 149 columns, v6 not), half TIME-WAIT and half ESTAB like bench/states.sh,
# and read through the hidden --proc-root flag, so no sockets or root are needed.
# Needs valgrind, python3. Usage: bench/states_instructions.sh [V4_ROWS [V6_ROWS]]
# (default: 100000 0).
set -euo pipefail

cd "$(dirname "$0")/.."
V4=${1:-100000} V6=${2:-0}
for n in "$V4" "$V6"; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -le 1000000 ] \
        || { echo "bench/states_instructions.sh: '$n': expected 0-1000000 rows" >&2; exit 2; }
done
for tool in valgrind python3; do
    command -v "$tool" >/dev/null || { echo "bench/states_instructions.sh: needs $tool" >&2; exit 2; }
done
cargo build --release --quiet
WORK="$(mktemp -d /tmp/skstates-instr.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" "$V4" "$V6" <<'PY'
import os, random, sys
out, v4rows, v6rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
os.makedirs(out + "/net")
def a4(a, b, c, d): return "%08X" % (a | b << 8 | c << 16 | d << 24)
def a6(words): return "".join("%08X" % int.from_bytes(w.to_bytes(4, "big"), "little") for w in words)
def full(sl, la, lp, pa, pp, st, txq, tr, when, uid, inode):
    return "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5u %8d %u %d %016x %u %u %u %u %d" % (
        sl, la, lp, pa, pp, st, txq, 0, tr, when, 0, uid, 0, inode, 2, random.getrandbits(32), 20, 4, 30, 10, -1)
def time_wait(sl, la, lp, pa, pp):
    return "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x" % (
        sl, la, lp, pa, pp, 6, 0, 0, 3, random.randrange(6000), 0, 0, 0, 0, 3, random.getrandbits(32))
lo = a4(127, 0, 0, 1)
with open(out + "/net/tcp", "w") as f:
    f.write("%-149s\n" % "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")
    for sl in range(v4rows):
        client, port, listener = a4(127, 1 + sl % 3, 1 + sl // 8 % 8, 1 + sl % 8), 32768 + random.randrange(28000), 0x9000 + sl % 8
        r = random.random()
        if r < 0.5:
            line = time_wait(sl, client, port, lo, listener)
        elif r < 0.75:
            line = full(sl, client, port, lo, listener, 1, 0, 0, 0, 1000, 100000 + sl)
        else:
            line = full(sl, lo, listener, client, port, 1, random.randrange(3) * 32, 2 * (sl % 2), random.randrange(800000), 0, 100000 + sl)
        f.write("%-149s\n" % line)
with open(out + "/net/tcp6", "w") as f:
    f.write("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
    for sl in range(v6rows):
        la, pa = [(a6([0, 0, 0, 1]), a6([0, 0, 0, 1])),
                  (a6([0, 0, 0xffff, 0x7f000001]), a6([0, 0, 0xffff, 0x7f000002 + sl % 200])),
                  (a6([0x20010db8, 0, 0x1234, sl]), a6([0x20010db8, 0xabcd, 0, 0x10000 + sl]))][sl % 3]
        f.write((time_wait(sl, la, 443, pa, 32768 + sl % 28000) if sl % 2 else
                 full(sl, la, 443, pa, 32768 + sl % 28000, 1, 0, 0, 0, 1000, 50000 + sl)) + "\n")
PY

valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
    target/release/sockkit states --proc-root "$WORK" >/dev/null 2>"$WORK/valgrind.txt"
total=$(sed -n 's/.*I *refs: *//p' "$WORK/valgrind.txt" | tr -d ,)
echo "sockkit states, $V4 v4 + $V6 v6 rows: $total instructions ($(( total / (V4 + V6 > 0 ? V4 + V6 : 1) )) per row)"
echo "top functions (callgrind_annotate, exclusive):"
callgrind_annotate --inclusive=no "$WORK/callgrind.out" 2>/dev/null | grep -E '^ *[0-9,]+ +\(' | sed -n '2,11p'
