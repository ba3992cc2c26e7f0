/*
 * tests/fuzz/fuzz_scenario.c: libFuzzer target for the scenario loader
 * (engine/scenario/scenario.c). Each input is written to a temporary file and
 * loaded; whatever the bytes, the loader must not crash, leak or read out
 * of bounds, and must keep its contract: a scenario and no diagnostics on
 * success, no scenario and at least one diagnostic on failure.
 *
 * Build (clang only):
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSALESIM_FUZZ=ON \
 *         -DSALESIM_BUILD_TESTS=OFF -DSALESIM_BUILD_BENCH=OFF
 *   cmake --build build-fuzz -j2 --target fuzz_scenario
 * Run (the corpus folder receives new inputs; seed it with the files of
 * scenarios/ copied into it):
 *   LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp \
 *   build-fuzz/tests/fuzz/fuzz_scenario -max_total_time=60 \
 *       -dict=tests/fuzz/scenario.dict CORPUS_DIR
 * The suppression covers a leak inside libconfig 1.5 itself (see lsan.supp).
 */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <salesim/scenario.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[512];
  salesim_scenario *sc = NULL;
  salesim_diag diag = SALESIM_DIAG_INIT;

  /* the input is main.cfg in a private folder beside part.cfg: @include
   * reaches only those (salesim confines includes to the folder) */
  salesim_fuzz_scenario_file(path, sizeof path, "scenario", data, size);

  salesim_fuzz_load(&sc, path, &diag);
  salesim_fuzz_check_lines(&diag);
  salesim_scenario_free(sc);
  salesim_diag_clear(&diag);
  return 0;
}
