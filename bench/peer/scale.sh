#!/bin/bash
# bench/peer/scale.sh BUILD [SIZES...]: issue 12's scaling figures in one run.
# (1) ns per agent-month of bench_core on one thread (wall and process CPU)
#     for bench/standard.cfg scaled to each size (50 positions a territory,
#     same people, market and plans); replications chosen so each size runs
#     >= ~1.4 M agent-months; prints max/min over the sizes against the
#     issue's 1.3x;
# (2) salesim run on standard.cfg (10,000 reps, 4 replications, outputs and
#     reports written) with 1 and 2 threads;
# (3) a sweep (standard.cfg, 2,000 reps, 8 LHS points x 2 replications)
#     with 1 and 2 threads; checks sweep.csv is identical.
# (2) and (3) print wall and CPU seconds: a speed-up below 1.8x with CPU(2)
# close to CPU(1) and a load average above 0 means neighbours took the
# second core, not that salesim failed to use it.
# SECTIONS="1 2 3" (default) selects; ARMS=commission runs (1) on the
# commission arm alone (half the agent-months: 1M reps in ~2 min). Timings are comparable within one run only.
set -eu
B=${1:-build}; shift || true
SIZES=${*:-1000 10000 100000}
SECTIONS=${SECTIONS:-1 2 3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/salesim_scale_XXXXXX)
trap 'rm -rf "$T"' EXIT
mk() { # reps replications [extra] -> file
  local n=$1 r=$2 f=$T/s$1_$2.cfg terr=$(( $1 / 50 )); [ $terr -lt 1 ] && terr=1
  sed -e "s/reps = 10000;/reps = $n;/" -e "s/count = 200;/count = $terr;/" \
      -e "s/replications = 20;/replications = $r;/" "$ROOT/bench/standard.cfg" > "$f"
  [ -n "${3:-}" ] && printf '%s\n' "$3" >> "$f"
  [ "${ARMS:-}" = commission ] && sed -i '/type = "target_salary"/d' "$f"
  echo "$f"
}
timed() { # label cmd... : prints "label wall cpu" to $T/times
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S" -o "$T/t1" "$@" > /dev/null
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$T/t1" >> "$T/times"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
case " $SECTIONS " in *" 1 "*)
echo "== (1) bench_core, 1 thread, ns per agent-month by size${ARMS:+ (arms: $ARMS)}"
: > "$T/sizes"
for n in $SIZES; do
  r=$(( 20000 / n )); [ $r -lt 1 ] && r=1
  f=$(mk $n $r)
  "$B/bench/bench_core" "$f" --threads 1 > "$T/core.txt"
  w=$(awk '/^simulation  /{print $(NF-3)}' "$T/core.txt")
  c=$(awk '/^simulation cpu/{print $5}' "$T/core.txt")
  echo "$n $r $w $c" >> "$T/sizes"
done
awk 'NR==1{w0=$3; c0=$4} {w[NR]=$3; c[NR]=$4
     printf "reps %8d  replications %3d  %6s ns/agent-month wall (%.2fx the first)  %6s CPU (%.2fx)\n", $1, $2, $3, $3/w0, $4, $4/c0}
     END{wl=wh=w[1]; cl=ch=c[1]; for(i=1;i<=NR;i++){if(w[i]<wl)wl=w[i]; if(w[i]>wh)wh=w[i]; if(c[i]<cl)cl=c[i]; if(c[i]>ch)ch=c[i]}
     printf "max/min over sizes: %.2f wall, %.2f CPU (issue 12: <= 1.3 from 1k to 1M): %s\n", wh/wl, ch/cl, (ch/cl <= 1.3 ? "PASS" : "FAIL")}' "$T/sizes"
;; esac
case " $SECTIONS " in *" 2 "*)
ARMS=
echo "== (2) salesim run (standard.cfg, 10,000 reps, 4 replications), 1 vs 2 threads"
f=$(mk 10000 4)
: > "$T/times"
for th in 1 2; do timed run$th "$B/salesim" run "$f" -o "$T/run$th" --threads $th -q; done
awk '{w[$1]=$2; c[$1]=$3} END{printf "run: 1 thread %.2f s (CPU %.2f), 2 threads %.2f s (CPU %.2f), speed-up %.2fx (issue 12: >= 1.8)\n", w["run1"], c["run1"], w["run2"], c["run2"], w["run1"]/w["run2"]}' "$T/times"
;; esac
case " $SECTIONS " in *" 3 "*)
echo "== (3) sweep (standard.cfg, 2,000 reps, 8 LHS points x 2 replications), 1 vs 2 threads"
f=$(mk 2000 2 'sweep = { design = "lhs"; points = 8; params = ( { path = "mechanisms.commission.rate"; min = 0.01; max = 0.06; } ); };')
: > "$T/times"
for th in 1 2; do timed sw$th "$B/salesim" run "$f" -o "$T/sw$th" --threads $th -q; done
awk '{w[$1]=$2; c[$1]=$3} END{printf "sweep: 1 thread %.2f s (CPU %.2f), 2 threads %.2f s (CPU %.2f), speed-up %.2fx (issue 12: >= 1.8)\n", w["sw1"], c["sw1"], w["sw2"], c["sw2"], w["sw1"]/w["sw2"]}' "$T/times"
cmp -s "$T/sw1/sweep.csv" "$T/sw2/sweep.csv" && echo "sweep.csv identical at 1 and 2 threads"
;; esac
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
