/*
 * tests/fuzz/fuzz_report.c: libFuzzer target for the report reader
 * (engine/report/report_data.c) and the report writers it feeds. An input is an
 * output folder packed as text: a line "#### NAME" starts each file, the
 * lines up to the next such line are its bytes (the newline before the
 * next "####" belongs to the separator), e.g.
 *
 *   #### summary.json
 *   {"manifest": {...}, "mechanisms": {...}}
 *   #### monthly.csv
 *   mechanism,month,revenue,...
 *
 * NAME must be a plain file name (letters, digits, '.', '_', '-', at most
 * 64 characters, no leading '.'), otherwise the file is dropped. The files
 * are written into a scratch folder that is emptied first, then
 * salesim_report_build() reads them and writes report.html and report.md
 * there (report.xlsx is left out: libxlsxwriter's zip writing would take
 * most of each execution and formats the same loaded data). Whatever the
 * bytes: no crash, leak, hang or uninitialised read; the build either
 * succeeds or says why in one line per problem, and a failed build leaves
 * no report file behind.
 *
 * tests/fuzz/pack_output.sh packs a real output folder into a seed.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char dir[512];
  if (dir[0] == '\0') {
    salesim_fuzz_tmp_path(dir, sizeof dir, "report");
    if (mkdir(dir, 0700) != 0) {
      struct stat st;
      if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        abort();
    }
  }
  salesim_fuzz_clear_dir(dir);
  salesim_fuzz_unpack(dir, data, size);

  salesim_diag diag = SALESIM_DIAG_INIT;
  int rc = salesim_report_build(dir, SALESIM_REPORT_HTML | SALESIM_REPORT_MD, NULL, &diag);
  if (rc != 0 && diag.count == 0)
    abort(); /* a failure says why */
  for (size_t i = 0; i < diag.count; i++)
    if (diag.lines[i] == NULL || strchr(diag.lines[i], '\n') != NULL)
      abort(); /* one line each */
  if (rc != 0 && (salesim_fuzz_exists(dir, "report.html") || salesim_fuzz_exists(dir, "report.md")))
    abort(); /* no half-written report */
  salesim_diag_clear(&diag);
  return 0;
}
