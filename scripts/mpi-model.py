#!/usr/bin/env python3
"""scripts/mpi-model.py: strong-scaling model of salesim under MPI (docs/cluster.md, "How it scales").
time(N) = L + S + sum over exchanges of [ ceil(T_g / (N*h)) * t + lat*log2(N) + T_g*b/bw + T_g*u ]
  T_g: tasks of one exchange (a run: all its tasks; a sweep: one group of points,
       G = min(64, max(1, ceil(16*N*h / T_point))) points, as engine/run/sweep.c)
  t: seconds a task, h: threads a rank (1 here), b: bytes a task returns,
  u: seconds to unpack a task on every rank, lat/bw: network; L: launch, S: serial part.
Constants measured on this machine (docs/cluster.md); the network is assumed."""
import math
L, S = 0.5, 0.13            # mpirun start + MPI_Init/Finalize; load, statistics, reports on rank 0 (S2)
lat, bw = 5e-6, 1.25e9      # 5 us, 10 Gbit/s (assumed cluster network)
u = 10e-6                   # unpack per task (fastest measured exchange: 60 tasks in 0.58 ms)
cases = {
  "run": dict(T=600, t=7.9e-3, b=5.4e3, points=1),             # default.cfg 36 months, 200 reps x 3
  "sweep": dict(T=60, t=2.6e-3, b=2.5e3, points=200),           # 200 points x (20 reps x 3), 12 months
  "big": dict(T=300, t=7.9e-3, b=5.4e3, points=500),            # 500 points x (100 reps x 3), 36 months
}
def time(case, N, h=1):
    c = cases[case]
    Tp, P = c["T"], c["points"]
    if P == 1:
        groups = [Tp]
    else:
        G = min(64, max(1, math.ceil(16 * N * h / Tp)))
        groups = [Tp * min(G, P - i) for i in range(0, P, G)]
    tot = L + S
    for Tg in groups:
        tot += math.ceil(Tg / (N * h)) * c["t"] + (lat * math.log2(N) if N > 1 else 0) \
               + (Tg * c["b"] / bw + Tg * u if N > 1 else 0)
    return tot, len(groups)
print("| ranks | run T=600 | speed-up | sweep 200 x 60 | speed-up | exchanges | sweep 500 x 300 | speed-up | exchanges |")
print("|------:|------:|------:|------:|------:|------:|------:|------:|------:|")
r1, _ = time("run", 1); s1, _ = time("sweep", 1); b1, _ = time("big", 1)
for N in (1, 2, 4, 8, 16, 32, 64):
    r, _ = time("run", N); s, g = time("sweep", N); b, gb = time("big", N)
    print(f"| {N} | {r:.2f} s | {r1/r:.1f}x | {s:.1f} s | {s1/s:.1f}x | {g} | {b:.0f} s | {b1/b:.1f}x | {gb} |")
