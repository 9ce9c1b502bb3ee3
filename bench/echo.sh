#!/usr/bin/env bash
# Benchmark of `sockkit echo serve` and `sockkit echo client --connections` on 127.0.0.1, side by
# side in one run with socat, ncat and a minimal C epoll echo server (the machine's ceiling).
# Run on demand, not a test:   bash bench/echo.sh
#
# What it does, in order:
#   1. builds sockkit in release, and bench/c/echo_epoll.c (server) and bench/c/echo_load.c (an
#      independent load generator) with gcc -O2, into target/bench/;
#   2. starts the four servers, each pinned to the server CPU (`taskset`, see PIN below):
#        sockkit -q echo serve 127.0.0.1:0        (-q: no per-client lines, as the others print none)
#        socat TCP-LISTEN:P,bind=127.0.0.1,fork,reuseaddr,backlog=1024 PIPE  (a process per client)
#        socat-nd: the same with nodelay (socat's 8 KiB writes otherwise wait for delayed ACKs)
#        ncat -l -k --exec /bin/cat 127.0.0.1 P  (a process per client; stalls at 1,000 clients)
#        echo_epoll 127.0.0.1 0                  (one thread, level-triggered epoll)
#   3. for two load profiles (bulk: 64 KiB round trips; small: 64-byte round trips), at 1, 100
#      and 1,000 connections, drives every server with `sockkit echo client --connections`, and
#      the sockkit and C servers also with echo_load, interleaved so that the other work on a
#      shared machine hits all servers alike; each figure is the median of REPEAT runs;
#   4. measures the RSS (VmRSS in /proc/PID/status) of a fresh `sockkit echo serve` holding
#      1,000 idle clients, beside the C server for reference;
#   5. prints one table with the ratio of each server to sockkit, and the targets.
#
# Every load run is bounded: the load client gives up after IDLE without progress and is killed
# after WALL seconds (reported as "stalled"). Servers are stopped by PID (their process group).
#
# Environment: REPEAT (default 3), PIN (default 1: client on CPU 0, servers on CPU 1; 0 = off),
# WALL (default 60 s per load run), NCAT_WALL (default 20 s), KEEP (1 = keep the work directory).
set -euo pipefail

REPEAT=${REPEAT:-3}
PIN=${PIN:-1}
WALL=${WALL:-60}
NCAT_WALL=${NCAT_WALL:-20}
IDLE=5s
CONNS=(1 100 1000)
# profile:size:count at 1, 100 and 1,000 connections:slow divisor. Bulk echoes about 0.5 GB per
# run, small makes 50,000-100,000 round trips. socat and ncat run count/divisor rounds (at least
# 2): both take ~44 ms per 64 KiB round trip (Nagle against delayed ACK), so the full count would
# take minutes; MB/s, req/s and p99 are rates and percentiles, so they stay comparable.
PROFILES=("bulk:65536:8000:80:8:100" "small:64:50000:1000:100:10")

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in socat ncat gcc python3 taskset cargo; do
    command -v "$tool" >/dev/null || { echo "bench/echo.sh: needs $tool" >&2; exit 3; }
done

# 1,000 connections need 1,000+ descriptors on each side (and socat/ncat children inherit it).
want_fds=8192
hard=$(ulimit -Hn)
[[ $hard != unlimited && $hard -lt $want_fds ]] && want_fds=$hard
ulimit -n "$want_fds"
(( $(ulimit -n) >= 2100 )) || { echo "bench/echo.sh: ulimit -n $(ulimit -n) is too low for 1,000 connections" >&2; exit 3; }

echo "building sockkit (release) and the C programs..." >&2
cargo build --release --quiet
mkdir -p target/bench
gcc -O2 -Wall -o target/bench/echo_epoll bench/c/echo_epoll.c
gcc -O2 -Wall -o target/bench/echo_load bench/c/echo_load.c
SOCKKIT=$root/target/release/sockkit
ECHO_EPOLL=$root/target/bench/echo_epoll
ECHO_LOAD=$root/target/bench/echo_load

ncpu=$(nproc)
if [[ $PIN == 1 && $ncpu -ge 2 ]]; then
    client_pin=(taskset -c 0)
    server_pin=(taskset -c 1)
    pinning="load client on CPU 0, servers on CPU 1 (taskset)"
else
    client_pin=()
    server_pin=()
    pinning="none"
fi

work=$(mktemp -d /tmp/sockkit-bench.XXXXXX)
declare -A server_pid=() server_port=()
results=$work/results.jsonl
: >"$results"

stop_server() {
    local name=$1 pid=${server_pid[$1]:-}
    [[ -z $pid ]] && return 0
    # Each server leads its own process group (setsid), so its children (socat's forks, ncat's
    # cats) go with it; all by PID.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "server_pid[$name]"
}

cleanup() {
    for name in "${!server_pid[@]}"; do stop_server "$name"; done
    if [[ ${KEEP:-0} == 1 ]]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most 5 s) for a "listening on HOST:PORT" line and prints the port.
wait_listening_line() {
    local file=$1 pid=$2
    for _ in $(seq 100); do
        if grep -q 'listening on' "$file" 2>/dev/null; then
            sed -n 's/.*listening on .*:\([0-9]*\).*/\1/p' "$file" | head -n1
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench/echo.sh: server did not print 'listening on': $(cat "$file")" >&2
    return 1
}

# Waits (at most 5 s) until something listens on 127.0.0.1:PORT (socat and ncat print nothing).
wait_port() {
    local port=$1
    for _ in $(seq 100); do
        ss -Hltn "sport = :$port" | grep -q . && return 0
        sleep 0.05
    done
    echo "bench/echo.sh: nothing listens on port $port" >&2
    return 1
}

start_server() {
    local name=$1 out=$work/$1.out port
    case $name in
        sockkit)
            setsid "${server_pin[@]}" "$SOCKKIT" -q echo serve 127.0.0.1:0 >"$out" 2>&1 &
            server_pid[$name]=$!
            port=$(wait_listening_line "$out" "${server_pid[$name]}")
            ;;
        c-epoll)
            setsid "${server_pin[@]}" "$ECHO_EPOLL" 127.0.0.1 0 >"$out" 2>&1 &
            server_pid[$name]=$!
            port=$(wait_listening_line "$out" "${server_pid[$name]}")
            ;;
        socat)
            # backlog=1024 as sockkit and the C server have: socat's default of 5 drops SYNs when
            # 100 clients connect at once, and then measures SYN retries, not echo.
            port=$(free_port)
            setsid "${server_pin[@]}" socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr,backlog=1024" PIPE >"$out" 2>&1 &
            server_pid[$name]=$!
            wait_port "$port"
            ;;
        socat-nd)
            # The same with TCP_NODELAY: without it socat's 8 KiB writes wait for delayed ACKs
            # (~44 ms per 64 KiB round trip), so this row shows socat's echo path itself.
            port=$(free_port)
            setsid "${server_pin[@]}" socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr,backlog=1024,nodelay" PIPE >"$out" 2>&1 &
            server_pid[$name]=$!
            wait_port "$port"
            ;;
        ncat)
            port=$(free_port)
            setsid "${server_pin[@]}" ncat -l -k --exec /bin/cat 127.0.0.1 "$port" >"$out" 2>&1 &
            server_pid[$name]=$!
            wait_port "$port"
            ;;
    esac
    server_port[$name]=$port
}

# One load run; appends one JSON line (the load tool's summary plus what was run) to $results.
load_run() {
    local profile=$1 server=$2 tool=$3 conns=$4 size=$5 count=$6 rep=$7
    local port=${server_port[$server]} wall=$WALL out=$work/load.out rc=0
    [[ $server == ncat ]] && wall=$NCAT_WALL
    case $tool in
        sockkit)
            timeout -k 2 "$wall" "${client_pin[@]}" "$SOCKKIT" --json echo client "127.0.0.1:$port" \
                --connections "$conns" --size "$size" --count "$count" --timeout "$IDLE" >"$out" 2>"$work/load.err" || rc=$?
            ;;
        echo_load)
            timeout -k 2 "$wall" "${client_pin[@]}" "$ECHO_LOAD" 127.0.0.1 "$port" "$conns" "$size" "$count" \
                "${IDLE%s}" >"$out" 2>"$work/load.err" || rc=$?
            ;;
    esac
    python3 - "$out" "$rc" "$profile" "$server" "$tool" "$conns" "$size" "$count" "$rep" >>"$results" <<'EOF'
import json, sys
out, rc, profile, server, tool, conns, size, count, rep = sys.argv[1:]
summary = {}
for line in open(out, errors="replace"):
    try:
        rec = json.loads(line)
    except ValueError:
        continue
    if rec.get("event") == "summary":
        summary = rec
rc = int(rc)
if rc in (124, 137):
    status = "stalled"
elif not summary:
    status = f"error (exit {rc})"
elif summary.get("failed", 0):
    status = f"{summary['failed']} failed"
else:
    status = "ok"
error = ""
if status != "ok":
    errs = [l.strip() for l in open(out.replace("load.out", "load.err"), errors="replace") if l.strip()]
    error = errs[-1][:160] if errs else ""
print(json.dumps(dict(summary, error=error, profile=profile, server=server, tool=tool, conns=int(conns),
                      size=int(size), count=int(count), rep=int(rep), status=status, rc=rc)))
EOF
    # Leave the sockets of this run behind before the next (bounded: at most 2 s).
    for _ in $(seq 20); do
        [[ $(ss -Htn state established "( dport = :$port or sport = :$port )" | wc -l) -eq 0 ]] && break
        sleep 0.1
    done
}

# RSS of a fresh server with 1,000 clients, in three phases: idle (connected, nothing sent);
# backpressured (each has sent until its socket would block, up to 8 MiB, and read nothing, so the server holds what it could
# not write back); idle again (every echo read back, clients still connected). Bounded: 20 s of
# sending, 30 s of reading.
idle_rss() {
    local name=$1
    start_server "$name"
    "${client_pin[@]}" python3 - "${server_pid[$name]}" "${server_port[$name]}" "$name" >>"$work/rss.jsonl" <<'EOF'
import json, os, socket, sys, time
pid, port, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
CLIENTS, EACH = 1000, 8 << 20  # more than the kernel buffers hold
def status(key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])  # kB
def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))
def settle():
    time.sleep(0.5)  # the server works on what it was last sent
rec = dict(server=name, clients=CLIENTS, rss_before_kib=status("VmRSS"))
before_fds = fds()
socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(CLIENTS)]
deadline = time.monotonic() + 10
while fds() < before_fds + CLIENTS and time.monotonic() < deadline:
    time.sleep(0.05)
rec["accepted"] = fds() - before_fds
settle()
rec["rss_idle_kib"] = status("VmRSS")
for s in socks:
    s.setblocking(False)
chunk = bytes(range(256)) * 256
sent = [0] * CLIENTS
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    moved = 0
    for i, s in enumerate(socks):
        if sent[i] >= EACH:
            continue
        try:
            n = s.send(chunk[: EACH - sent[i]])
            sent[i] += n
            moved += n
        except BlockingIOError:
            pass
    if moved == 0:
        break
settle()
rec["sent_mb"] = sum(sent) / 1e6
rec["rss_backpressured_kib"] = status("VmRSS")
got = [0] * CLIENTS
deadline = time.monotonic() + 30
while time.monotonic() < deadline and sum(got) < sum(sent):
    for i, s in enumerate(socks):
        try:
            while got[i] < sent[i]:
                data = s.recv(1 << 20)
                if not data:
                    break
                got[i] += len(data)
        except BlockingIOError:
            pass
settle()
rec["echoed_mb"] = sum(got) / 1e6
rec["rss_idle_again_kib"] = status("VmRSS")
rec["hwm_kib"] = status("VmHWM")
for s in socks:
    s.close()
print(json.dumps(rec))
EOF
    stop_server "$name"
}

servers=(sockkit c-epoll socat socat-nd ncat)
echo "starting servers..." >&2
for s in "${servers[@]}"; do start_server "$s"; done

started=$(date +%s)
for spec in "${PROFILES[@]}"; do
    IFS=: read -r profile size count1 count100 count1000 slow_div <<<"$spec"
    for conns in "${CONNS[@]}"; do
        case $conns in 1) full=$count1 ;; 100) full=$count100 ;; 1000) full=$count1000 ;; esac
        for rep in $(seq "$REPEAT"); do
            for server in "${servers[@]}"; do
                count=$full
                case $server in
                    socat | ncat) count=$(( full / slow_div > 2 ? full / slow_div : 2 )) ;;
                    socat-nd) count=$(( full / 10 > 2 ? full / 10 : 2 )) ;;
                esac
                echo "  $profile: $server, $conns connections x $count x $size B, run $rep/$REPEAT" >&2
                load_run "$profile" "$server" sockkit "$conns" "$size" "$count" "$rep"
                if [[ $server == sockkit || $server == c-epoll ]]; then
                    load_run "$profile" "$server" echo_load "$conns" "$size" "$count" "$rep"
                fi
                # A stalled ncat keeps its stuck clients: start it afresh for the next run.
                if [[ $server == ncat ]] && tail -n1 "$results" | grep -q '"status": "stalled"'; then
                    stop_server ncat
                    start_server ncat
                fi
            done
        done
    done
done
sockkit_hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/${server_pid[sockkit]}/status")
for s in "${servers[@]}"; do stop_server "$s"; done

echo "idle RSS: 1,000 idle clients on a fresh server..." >&2
: >"$work/rss.jsonl"
idle_rss sockkit
idle_rss c-epoll

python3 - "$results" "$work/rss.jsonl" "$REPEAT" "$pinning" "$(( $(date +%s) - started ))" "$sockkit_hwm" <<'EOF'
import json, statistics, subprocess, sys
results, rss_file, repeat, pinning, secs, hwm = sys.argv[1:]
rows = [json.loads(l) for l in open(results)]
groups = {}
for r in rows:
    groups.setdefault((r["profile"], r["conns"], r["tool"], r["server"]), []).append(r)

def median_of(runs):
    ok = [r for r in runs if r["status"] == "ok"]
    if len(ok) < len(runs):
        bad = [r["status"] for r in runs if r["status"] != "ok"]
        errors.update(r["error"] for r in runs if r["error"])
        return None, ", ".join(sorted(set(bad))) + f" ({len(bad)}/{len(runs)} runs)"
    med = {}
    for key in ("mb_per_s", "round_trips_per_s", "rtt_p99_ms"):
        med[key] = statistics.median(r[key] for r in ok)
    return med, "ok"

load = subprocess.run(["cat", "/proc/loadavg"], capture_output=True, text=True).stdout.split()[:3]
print(f"# sockkit echo benchmark, 127.0.0.1, {len(set(r['rep'] for r in rows))} run(s) per figure (median)")
print(f"# pinning: {pinning}; load average at the end: {' '.join(load)}; took {secs} s")
print("# ratios are server / sockkit with the same load tool (p99: lower is better, so > 1 means slower than sockkit)")
print("# servers: sockkit -q echo serve; C epoll (bench/c/echo_epoll.c, gcc -O2); socat ...,fork,reuseaddr,backlog=1024 PIPE; socat-nd: socat with nodelay; ncat -l -k --exec /bin/cat")
hdr = f"{'profile':<7} {'load tool':<9} {'server':<8} {'conns':>5} {'rounds':>6} {'MB/s':>9} {'req/s':>9} {'p99 ms':>8}  {'MB/s x':>7} {'req/s x':>7} {'p99 x':>7}  status"
print(hdr)
print("-" * len(hdr))
meds = {}
errors = set()
for profile in ("bulk", "small"):
    sizes = {r["size"] for r in rows if r["profile"] == profile}
    for tool in ("sockkit", "echo_load"):
        for conns in (1, 100, 1000):
            base = groups.get((profile, conns, tool, "sockkit"))
            base_med = median_of(base)[0] if base else None
            for server in ("sockkit", "c-epoll", "socat", "socat-nd", "ncat"):
                runs = groups.get((profile, conns, tool, server))
                if not runs:
                    continue
                med, status = median_of(runs)
                meds[(profile, tool, server, conns)] = med
                if med is None:
                    print(f"{profile:<7} {tool:<9} {server:<8} {conns:>5} {runs[0]['count']:>6} {'-':>9} {'-':>9} {'-':>8}  {'-':>7} {'-':>7} {'-':>7}  {status}")
                    continue
                def ratio(key):
                    if not base_med or not base_med[key]:
                        return "-"
                    return f"{med[key] / base_med[key]:.2f}"
                print(f"{profile:<7} {tool:<9} {server:<8} {conns:>5} {runs[0]['count']:>6} {med['mb_per_s']:>9.1f} {med['round_trips_per_s']:>9.0f} "
                      f"{med['rtt_p99_ms']:>8.3f}  {ratio('mb_per_s'):>7} {ratio('round_trips_per_s'):>7} {ratio('rtt_p99_ms'):>7}  {status}")
        print()
for e in sorted(errors):
    print(f"# error seen: {e}")
print("# load sizes: bulk = 64 KiB per round trip, 1 conn x 8000, 100 x 80, 1000 x 8 (0.5 GB; socat/ncat: count/100, at least 2)")
print("#             small = 64 B per round trip, 1 conn x 50000, 100 x 1000, 1000 x 100 (socat/ncat: count/10)")
print("#             socat-nd (socat with nodelay): count/10 in both profiles")
print()
print("# targets")
def fmt(x):
    return "n/a" if x is None else f"{x:.2f}x"
def r(profile, tool, a, b, conns, key="mb_per_s"):
    x, y = meds.get((profile, tool, a, conns)), meds.get((profile, tool, b, conns))
    return None if not x or not y else x[key] / y[key]
for conns in (1, 1000):
    for tool in ("sockkit", "echo_load"):
        got = r("bulk", tool, "sockkit", "c-epoll", conns)
        verdict = "n/a" if got is None else ("MET" if got >= 0.9 else "MISSED")
        print(f"sockkit server / C epoll server, bulk MB/s, {conns:>4} conn(s), load {tool:<9}: {fmt(got):>6}  (target >= 0.90x) {verdict}")
for conns in (1, 100, 1000):
    for profile in ("bulk", "small"):
        key = "mb_per_s" if profile == "bulk" else "round_trips_per_s"
        x, y = meds.get((profile, "sockkit", "c-epoll", conns)), meds.get((profile, "echo_load", "c-epoll", conns))
        got = None if not x or not y else x[key] / y[key]
        verdict = "n/a" if got is None else ("yes" if got >= 1.0 else "no")
        print(f"load generator: sockkit client / echo_load against C server, {profile:<5} {key:<17} {conns:>4} conn(s): {fmt(got):>6}  (>= 1.00x: {verdict})")
print(f"C epoll / socat, bulk MB/s at 1 conn: {fmt(r('bulk', 'sockkit', 'c-epoll', 'socat', 1))}")
for line in open(rss_file):
    rec = json.loads(line)
    mib = lambda k: rec[k] / 1024
    print(f"RSS of {rec['server']} ({rec['accepted']} of {rec['clients']} clients accepted): before {mib('rss_before_kib'):.1f} MiB; "
          f"idle {mib('rss_idle_kib'):.1f} MiB; backpressured ({rec['sent_mb']:.0f} MB sent, none read) {mib('rss_backpressured_kib'):.1f} MiB; "
          f"idle again ({rec['echoed_mb']:.0f} MB read back) {mib('rss_idle_again_kib'):.1f} MiB; peak {mib('hwm_kib'):.1f} MiB")
    if rec["echoed_mb"] < rec["sent_mb"]:
        print(f"  ECHO STALLED: only {rec['echoed_mb']:.0f} of {rec['sent_mb']:.0f} MB came back within 30 s of reading")
    if rec["server"] == "sockkit":
        for key, what in (("rss_idle_kib", "1,000 idle clients"), ("rss_idle_again_kib", "1,000 idle clients after one backpressured burst each")):
            ok = mib(key) < 50 and rec["accepted"] >= 1000
            print(f"  sockkit RSS with {what}: {mib(key):.1f} MiB (target < 50 MiB) {'MET' if ok else 'MISSED'}")
if hwm:
    print(f"peak RSS (VmHWM) of the sockkit server over the whole load run: {int(hwm) / 1024:.1f} MiB")
EOF
