#!/usr/bin/env bash
# bench/states.sh: `sockkit states` beside `ss -tan`, `netstat -tan` and the kernel's own cost
# of writing /proc/net/tcp{,6} (`cat`), on 10,000 and 100,000 sockets.
#
# Every socket lives in a network namespace this script creates (skstates-bench-PID), on its
# loopback: half the rows are TIME_WAIT (the client closed first), half ESTABLISHED (both ends
# of connections held open). The namespace keeps other programs' sockets out of the tables and
# takes every socket with it when it is deleted. TIME_WAIT lasts 60 s, so each comparison gets
# a freshly built table and a bounded number of runs, and the row count is checked after it.
#
# Needs root (netns), hyperfine, ss, netstat, python3. Usage: bench/states.sh [SIZES...]
# (default: 10000 100000). The machine may be shared: figures are noisy; say so when quoting.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=("${@:-10000}")
[ $# -eq 0 ] && SIZES=(10000 100000)
for tool in hyperfine ss netstat python3 ip; do
    command -v "$tool" >/dev/null || { echo "bench/states.sh: needs $tool" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench/states.sh: needs root (network namespaces)" >&2; exit 2; }
for size in "${SIZES[@]}"; do
    [[ "$size" =~ ^[0-9]+$ ]] && [ "$size" -ge 4 ] && [ "$size" -le 200000 ] \
        || { echo "bench/states.sh: size '$size': expected 4-200000 sockets" >&2; exit 2; }
done

cargo build --release --quiet
BIN="$(pwd)/target/release/sockkit"
NS="skstates-bench-$$"
WORK="$(mktemp -d /tmp/skstates-bench.XXXXXX)"
GEN_PIDS=()

cleanup() {
    for pid in "${GEN_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    GEN_PIDS=()
    ip netns del "$NS" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$WORK"' EXIT

# One generator holds KEEP connections open (2*KEEP ESTAB rows) and closes CLOSE more
# client-first (CLOSE TIME-WAIT rows), over 8 listeners and 8 client addresses in 127/8 so no
# (source, destination) pair needs more than a few thousand of the 28,232 ephemeral ports.
# Open sockets need descriptors and RLIMIT_NOFILE may not be raised here (a container's hard
# limit), so the ESTAB half is spread over several generators. Each prints "ready" and then
# holds everything for at most 300 s (bounded even if this script dies).
cat >"$WORK/gen.py" <<'EOF'
import resource, socket, sys, time
keep, close, index = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
listeners = []
for i in range(8):
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen(4096)
    listeners.append(l)
held = []
for n in range(keep + close):
    l = listeners[n % 8]
    c = socket.socket()
    c.bind(("127.%d.%d.%d" % (1 + index, 1 + n // 8 % 8, 1 + n % 8), 0))
    c.connect(l.getsockname())
    s, _ = l.accept()
    if n < keep:
        held += [c, s]
    else:
        c.close()  # active close: this end goes to TIME_WAIT
        s.close()
print("ready", flush=True)
time.sleep(300)
EOF

FD_BUDGET=$(( $(ulimit -Hn) - 100 ))

build_table() { # rows: half TIME-WAIT, half ESTAB
    local rows=$1
    cleanup
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    local keep=$(( rows / 4 )) close=$(( rows / 2 ))
    local gens=$(( (2 * keep + FD_BUDGET - 1) / FD_BUDGET ))
    [ "$gens" -ge 1 ] || gens=1
    for i in $(seq 0 $(( gens - 1 ))); do
        ip netns exec "$NS" python3 "$WORK/gen.py" $(( keep / gens )) $(( close / gens )) "$i" \
            >"$WORK/gen$i.out" 2>"$WORK/gen$i.err" &
        GEN_PIDS+=($!)
    done
    for i in $(seq 0 $(( gens - 1 ))); do
        for _ in $(seq 900); do
            grep -q ready "$WORK/gen$i.out" 2>/dev/null && break
            kill -0 "${GEN_PIDS[$i]}" 2>/dev/null || { cat "$WORK/gen$i.err" >&2; exit 3; }
            sleep 0.1
        done
        grep -q ready "$WORK/gen$i.out" || { echo "bench/states.sh: generator $i not ready in 90 s" >&2; exit 3; }
    done
}

count() { ip netns exec "$NS" ss -tan "$@" | tail -n +2 | wc -l; }

bench() { # name, hyperfine commands...
    local name=$1; shift
    ip netns exec "$NS" hyperfine -N --warmup 2 --runs 10 --export-json "$WORK/$name.json" "$@" >"$WORK/$name.txt" 2>&1 \
        || { cat "$WORK/$name.txt" >&2; exit 3; }
}

# Mean wall-clock and CPU (user + system) milliseconds of one command in a hyperfine export.
# On a shared machine the CPU time is the steadier figure: wall clock includes waiting for a core.
times_ms() { # json file, command index
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.1f %.1f" % (r["mean"]*1000, (r["user"]+r["system"])*1000))' "$1" "$2"
}

ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

echo "sockkit states benchmark, $(date -u +%FT%TZ), $(nproc) cores, kernel $(uname -r); machine shared, figures noisy"
for rows in "${SIZES[@]}"; do
    build_table "$rows"
    before="$(count) rows ($(count state time-wait) TIME-WAIT, $(count state established) ESTAB)"
    bench all "$BIN states" "ss -tan" "netstat -tan" "cat /proc/net/tcp /proc/net/tcp6"
    after=$(count state time-wait)
    build_table "$rows"
    bench tw "$BIN states --filter time-wait" "ss -tan state time-wait"
    tw_after=$(count state time-wait)

    names=("sockkit states" "ss -tan" "netstat -tan" "cat /proc/net/tcp /proc/net/tcp6"
        "sockkit states --filter time-wait" "ss -tan state time-wait")
    wall=() cpu=()
    for i in 0 1 2 3; do read -r w c < <(times_ms "$WORK/all.json" "$i"); wall+=("$w"); cpu+=("$c"); done
    for i in 0 1; do read -r w c < <(times_ms "$WORK/tw.json" "$i"); wall+=("$w"); cpu+=("$c"); done
    echo
    echo "== $rows sockets requested: $before; TIME-WAIT left after the runs: $after, $tw_after"
    printf '%-36s %10s %10s\n' "command" "wall ms" "cpu ms"
    for i in "${!names[@]}"; do printf '%-36s %10s %10s\n' "${names[$i]}" "${wall[$i]}" "${cpu[$i]}"; done
    for kind in wall cpu; do
        declare -n t=$kind
        echo "$kind ratios: sockkit/cat $(ratio "${t[0]}" "${t[3]}")  sockkit/ss $(ratio "${t[0]}" "${t[1]}")" \
            " sockkit/netstat $(ratio "${t[0]}" "${t[2]}")  cat/ss $(ratio "${t[3]}" "${t[1]}")" \
            " time-wait: sockkit/ss $(ratio "${t[4]}" "${t[5]}")"
        unset -n t
    done
    # The same against cat, in interleaved rounds (bench/interleave.py): hyperfine runs each
    # command's runs back to back, and this machine's speed drifts from one block to the next.
    # Rounds: 10-20 s of them, well within TIME-WAIT's 60 s.
    build_table "$rows"
    rounds=$(( 2000000 / rows )); [ "$rounds" -ge 30 ] || rounds=30; [ "$rounds" -le 200 ] || rounds=200
    echo "interleaved (ratios to cat):"
    ip netns exec "$NS" python3 bench/interleave.py "$rounds" "$BIN states" "ss -tan" \
        "cat /proc/net/tcp /proc/net/tcp6"
done
