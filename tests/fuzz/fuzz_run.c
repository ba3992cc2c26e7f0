/*
 * tests/fuzz/fuzz_run.c: libFuzzer target for load + validate + one tiny
 * run. Each input is written to a temporary file and loaded as a scenario
 * (engine/scenario/scenario.c); when it loads, the size of the run is cut down
 * (one replication, at most 8 reps and territories, at most 12 months,
 * no sweep) so that every execution is quick, and salesim_run() simulates
 * every mechanism of the scenario once. Whatever the bytes, nothing may
 * crash, leak, read memory it did not set (ASan, UBSan) or hang (-timeout).
 *
 * Build and run: `make fuzz` (docs/fuzzing.md), or by hand
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSALESIM_FUZZ=ON \
 *         -DSALESIM_OPENMP=OFF -DSALESIM_BUILD_TESTS=OFF -DSALESIM_BUILD_BENCH=OFF
 *   cmake --build build-fuzz -j2 --target fuzz_run
 *   LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp build-fuzz/tests/fuzz/fuzz_run \
 *       -timeout=10 -dict=tests/fuzz/scenario.dict CORPUS_DIR scenarios
 */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[512];
  salesim_scenario *sc = NULL;
  salesim_results *res = NULL;
  salesim_diag diag = SALESIM_DIAG_INIT;

  /* the input is main.cfg in a private folder beside part.cfg: @include
   * reaches only those (salesim confines includes to the folder) */
  salesim_fuzz_scenario_file(path, sizeof path, "run", data, size);

  int rc = salesim_fuzz_load(&sc, path, &diag);
  if (rc == 0) {
    salesim_fuzz_shrink(sc);
    salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
    opt.threads = 1;
    opt.replications = 1;
    rc = salesim_run(&res, sc, &opt, &diag);
    if ((rc == 0) != (res != NULL))
      abort();
    if (rc != 0 && diag.count == 0)
      abort(); /* a failed run says why */
  }
  salesim_fuzz_check_lines(&diag);
  salesim_results_free(res);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  return 0;
}
