/*
 * bench/bench_clock.h: the clocks every benchmark reads: the wall clock
 * (monotonic) and the process's CPU time over all its threads, which on a
 * machine shared with other jobs moves less than the wall clock
 * (bench/peer/compare.sh uses it). Seconds as a double.
 */
#ifndef SALESIM_BENCH_CLOCK_H
#define SALESIM_BENCH_CLOCK_H

#include <time.h>

static inline double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
