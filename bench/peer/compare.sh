#!/bin/bash
# bench/peer/compare.sh BUILD [REPS] [REPLICATIONS] [MECHS]: salesim against the
# numpy peer (bench/peer/peer.py) on bench/standard.cfg (both arms, target
# salary and commission, or MECHS=commission for one) scaled to REPS
# positions (50 a territory), in one run:
#  1. salesim (bench_core, one thread) and the peer time the same scenario:
#     ns per agent-month of each and the ratio peer / salesim;
#  2. the check: salesim run's summary.csv against the peer's metrics, each
#     difference in units of its standard error (|z| < 3 passes).
# ROUNDS=n (default 1) alternates salesim and peer timings n times and
# reports the median of each round's ratio (neighbours on a shared machine
# move wall time by 2x from one minute to the next).
# Needs python3-numpy (Debian); uses /usr/bin/python3.
set -eu
B=${1:-build}; REPS=${2:-2000}; NR=${3:-10}; MECHS=${4:-target_salary,commission}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
T=$(mktemp -d /tmp/salesim_peer_XXXXXX)
trap 'rm -rf "$T"' EXIT
TERR=$(( REPS / 50 )); [ $TERR -lt 1 ] && TERR=1
sed -e "s/reps = 10000;/reps = $REPS;/" -e "s/count = 200;/count = $TERR;/" \
    -e "s/replications = 20;/replications = $NR;/" "$ROOT/bench/standard.cfg" > "$T/comm.cfg"
case ",$MECHS," in *,target_salary,*) ;; *) sed -i '/type = "target_salary"/d' "$T/comm.cfg" ;; esac
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
ROUNDS=${ROUNDS:-1}
for r in $(seq 1 $ROUNDS); do
  "$B/bench/bench_core" "$T/comm.cfg" --threads 1 > "$T/core.txt"
  awk '/^simulation  /{w=$(NF-3)} /^simulation cpu/{c=$5} END{print w, c}' "$T/core.txt" >> "$T/core_ns"
  $PY "$ROOT/bench/peer/peer.py" $REPS $TERR $NR --mech "$MECHS" --json > "$T/peer.json"
  $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ns_per_agent_month"], d["cpu_ns_per_agent_month"])' "$T/peer.json" >> "$T/peer_ns"
done
"$B/salesim" run "$T/comm.cfg" -o "$T/out" -q --threads 1
$PY - "$T/peer.json" "$T/out/summary.csv" "$T/core_ns" "$T/peer_ns" <<'PYEOF'
import csv, json, math, sys
peer = json.load(open(sys.argv[1]))
import statistics
core = [tuple(map(float, l.split())) for l in open(sys.argv[3])]
pns = [tuple(map(float, l.split())) for l in open(sys.argv[4])]
rows = {(r["mechanism"], r["metric"]): r for r in csv.DictReader(open(sys.argv[2]))}
print(f"scenario: bench/standard.cfg ({', '.join(peer['metrics'])}), {peer['agent_months']} agent-months")
for i, ((cw, cc), (pw, pc)) in enumerate(zip(core, pns)):
    print(f"round {i + 1}: salesim {cw:6.0f} ns/agent-month wall {cc:6.0f} CPU (bench_core, 1 thread); "
          f"peer {pw:6.0f} wall {pc:6.0f} CPU; ratio peer/salesim {pw / cw:.2f} wall {pc / cc:.2f} CPU")
rw = statistics.median(p[0] / c[0] for c, p in zip(core, pns))
rc = statistics.median(p[1] / c[1] for c, p in zip(core, pns))
print(f"ratio peer / salesim (median of {len(core)}): {rw:.2f} wall, {rc:.2f} CPU  (issue 12 target: >= 8)")
bad = 0
print(f"{'mechanism':14s} {'metric':16s} {'salesim':>14s} {'peer':>14s} {'z':>6s}")
for mech, met in peer["metrics"].items():
    for k, (m, se) in met.items():
        r = rows[(mech, k)]
        n = float(r["n"]); sm = float(r["mean"]); sse = float(r["sd"]) / math.sqrt(n)
        z = (m - sm) / math.sqrt(se * se + sse * sse) if se + sse > 0 else 0.0
        bad += abs(z) >= 3
        print(f"{mech:14s} {k:16s} {sm:14.6g} {m:14.6g} {z:6.2f}")
nrep = int(float(next(iter(rows.values()))["n"]))
if nrep < 5:
    print(f"check: not judged ({nrep} replications: standard errors need at least 5; "
          f"{bad} metrics with |z| >= 3)")
    sys.exit(0)
print("check: " + ("PASS (every |z| < 3)" if bad == 0 else f"FAIL ({bad} metrics with |z| >= 3)"))
sys.exit(1 if bad else 0)
PYEOF
