#!/usr/bin/env bash
# sockkit http get beside `curl -s -o /dev/null` on 1 GiB bodies from a local server (the tests'
# own, examples/http_testd): Content-Length, chunked in many small chunks (1 KiB) and in few
# large ones (1 MiB). hyperfine runs both in one go; the ratio is curl's time / sockkit's time
# (above 1: sockkit is faster). Then max RSS (/usr/bin/time -v) at two body sizes, to show that
# memory stays flat in the body size. On demand only, never in CI; loopback only.
#
#   bench/http.sh              # 1 GiB bodies, 5 runs each
#   SIZE=268435456 RUNS=3 bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-1073741824}
RUNS=${RUNS:-5}
for tool in hyperfine curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/http.sh: needs $tool" >&2; exit 2; }
done

cargo build --release --quiet --bin sockkit --example http_testd
SOCKKIT=$PWD/target/release/sockkit
SERVER=$PWD/target/release/examples/http_testd

work=$(mktemp -d /tmp/skhttp-bench.XXXXXX)
"$SERVER" 127.0.0.1:0 >"$work/server.out" 2>&1 &
server_pid=$!
trap 'rc=$?; kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$work"; exit $rc' EXIT

# Wait (bounded) for the server's ready line.
for _ in $(seq 1 200); do
  grep -q '^listening on ' "$work/server.out" && break
  sleep 0.05
done
addr=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$addr" ] || { echo "bench/http.sh: server did not start" >&2; exit 3; }

echo "sockkit $("$SOCKKIT" --version | cut -d' ' -f2) vs $(curl --version | head -1 | cut -d' ' -f1-2), body $((SIZE >> 20)) MiB, $RUNS runs, server http://$addr"
echo "(shared machine: other builds may be running, so figures are noisy)"
echo

cases=("content-length:len/$SIZE" "chunked-1KiB:chunked/$SIZE/1024" "chunked-1MiB:chunked/$SIZE/1048576")
for case in "${cases[@]}"; do
  name=${case%%:*}
  url="http://$addr/${case#*:}"
  hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$work/$name.json" \
    -n "sockkit $name" "$SOCKKIT http get -o /dev/null $url" \
    -n "curl $name" "curl -s -o /dev/null $url" >"$work/$name.txt"
done

python3 - "$work" "$SIZE" "${cases[@]}" <<'EOF'
import json, sys
work, size, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"{'body':<16}{'sockkit':>16}{'curl':>16}{'GiB/s':>8}{'GiB/s':>7}{'ratio':>8}"
      f"{'CPU sockkit':>13}{'CPU curl':>10}{'CPU ratio':>11}")
for case in cases:
    name = case.split(":")[0]
    results = {r["command"].split()[0]: r for r in json.load(open(f"{work}/{name}.json"))["results"]}
    ours, theirs = results["sockkit"], results["curl"]
    gib = size / 2**30
    cpu = lambda r: r["user"] + r["system"]
    print(f"{name:<16}{ours['mean']:>9.3f} s ±{ours['stddev']:.2f}{theirs['mean']:>9.3f} s ±{theirs['stddev']:.2f}"
          f"{gib / ours['mean']:>8.2f}{gib / theirs['mean']:>7.2f}{theirs['mean'] / ours['mean']:>7.2f}x"
          f"{cpu(ours):>11.3f} s{cpu(theirs):>8.3f} s{cpu(theirs) / cpu(ours):>10.2f}x")
print("ratio: curl's time / sockkit's (above 1: sockkit is faster); CPU: user + system time of the client")
EOF

echo
echo "max RSS (KiB), Content-Length and chunked bodies of two sizes:"
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
printf '%-28s%12s%12s\n' "body" "sockkit" "curl"
for path in "len/$((SIZE / 16))" "len/$SIZE" "chunked/$((SIZE / 16))/1024" "chunked/$SIZE/1024"; do
  url="http://$addr/$path"
  printf '%-28s%12s%12s\n' "$path" "$(rss "$SOCKKIT" http get -o /dev/null "$url")" "$(rss curl -s -o /dev/null "$url")"
done
