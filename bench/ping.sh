#!/usr/bin/env bash
# Benchmark `sockkit ping` beside iputils ping and fping, on loopback only (run as root).
#
#   bench/ping.sh            # defaults: N=20000 flood probes, 250 targets x 5 probes
#   N=50000 HOSTS=250 COUNT=5 RUNS=5 bench/ping.sh
#
# 1. Flood: `sockkit ping -f -c N` vs `ping -f -c N`, and `-i 0 -q -c N` on both:
#    packets per second (N / wall time) and loss.
# 2. Many targets: HOSTS addresses of 127.0.0.0/8, COUNT probes each at 200 ms, in one
#    `sockkit ping` vs `fping -c COUNT -p 200` (default -i 10 ms, and -i 1) vs one iputils
#    ping per host, all started at once.
# Ratios are sockkit's speed over the peer's (above 1: sockkit is faster). The machine may be
# shared: figures are noisy, run it more than once.
set -euo pipefail

N=${N:-20000}
HOSTS=${HOSTS:-250}
COUNT=${COUNT:-5}
RUNS=${RUNS:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/skping-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ "$(id -u)" = 0 ] || { echo "bench/ping.sh: flood and -i 0 need root" >&2; exit 2; }
for tool in ping fping hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "bench/ping.sh: $tool is not installed" >&2; exit 2; }
done
(cd "$here" && cargo build --release --quiet)
sk="$here/target/release/sockkit"

hosts=()
for i in $(seq 1 "$HOSTS"); do hosts+=("127.0.$((i / 250 + 1)).$((i % 250 + 1))"); done
printf '%s\n' "${hosts[@]}" >"$tmp/hosts"
cat >"$tmp/per-host.sh" <<SH
#!/usr/bin/env bash
while read -r h; do ping -q -c $COUNT -i 0.2 "\$h" >/dev/null & done <"$tmp/hosts"
wait
SH
chmod +x "$tmp/per-host.sh"

loss() { grep -o '[0-9.]*% packet loss' | head -1; }

echo "== flood on loopback: $N probes"
echo "loss: sockkit -f $("$sk" ping -f -c "$N" 127.0.0.1 | loss), iputils -f $(ping -f -c "$N" 127.0.0.1 | loss)"
echo "loss: sockkit -i 0 $("$sk" ping -i 0 -q -c "$N" 127.0.0.1 | loss), iputils -i 0 $(ping -i 0 -q -c "$N" 127.0.0.1 | loss)"
hyperfine -N --warmup 1 --runs "$RUNS" --style basic --export-json "$tmp/flood.json" \
    -n "sockkit -f" "$sk ping -f -c $N 127.0.0.1" \
    -n "iputils -f" "ping -f -c $N 127.0.0.1" \
    -n "sockkit -i 0 -q" "$sk ping -i 0 -q -c $N 127.0.0.1" \
    -n "iputils -i 0 -q" "ping -i 0 -q -c $N 127.0.0.1" >/dev/null

echo "== $HOSTS targets in 127.0.0.0/8, $COUNT probes each, 200 ms apart"
sk_line=$("$sk" ping -q -c "$COUNT" -i 0.2 "${hosts[@]}" | grep -c ' 0% packet loss' || true)
fp_line=$(fping -q -c "$COUNT" -p 200 -i 1 "${hosts[@]}" 2>&1 | grep -c '/0%' || true)
echo "hosts with no loss: sockkit $sk_line/$HOSTS, fping -i 1 $fp_line/$HOSTS"
hyperfine -N --runs 3 --style basic --export-json "$tmp/many.json" \
    -n "sockkit" "$sk ping -q -c $COUNT -i 0.2 $(tr '\n' ' ' <"$tmp/hosts")" \
    -n "fping -i 10" "fping -q -c $COUNT -p 200 $(tr '\n' ' ' <"$tmp/hosts")" \
    -n "fping -i 1" "fping -q -c $COUNT -p 200 -i 1 $(tr '\n' ' ' <"$tmp/hosts")" \
    -n "ping per host" "$tmp/per-host.sh" >/dev/null || true

python3 - "$tmp/flood.json" "$tmp/many.json" "$N" <<'PY'
import json, sys
flood = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
many = {r["command"]: r for r in json.load(open(sys.argv[2]))["results"]}
n = int(sys.argv[3])
print(f"\n{'run':<18}{'mean s':>9}{'± s':>8}{'pkt/s':>11}")
for name, r in flood.items():
    print(f"{name:<18}{r['mean']:>9.3f}{r['stddev'] or 0:>8.3f}{n / r['mean']:>11.0f}")
for name, r in many.items():
    print(f"{name:<18}{r['mean']:>9.3f}{r['stddev'] or 0:>8.3f}")
print("\nratios (peer time / sockkit time; above 1 means sockkit is faster):")
print(f"  flood  -f        : {flood['iputils -f']['mean'] / flood['sockkit -f']['mean']:.2f}x iputils")
print(f"  flood  -i 0 -q   : {flood['iputils -i 0 -q']['mean'] / flood['sockkit -i 0 -q']['mean']:.2f}x iputils")
for peer in ("fping -i 10", "fping -i 1", "ping per host"):
    if peer in many:
        print(f"  many targets     : {many[peer]['mean'] / many['sockkit']['mean']:.2f}x {peer}")
PY
