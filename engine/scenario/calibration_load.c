/*
 * engine/scenario/calibration_load.c: the optional top-level setting
 *
 *   calibration = "fit.csv";
 *
 * the fit.csv a `salesim calibrate` wrote (issue 13, docs/calibration.md),
 * which `salesim calibrate` itself writes into calibrated.cfg. The path is
 * relative to the scenario's folder and confined exactly like the data
 * files (scn_confine: the folder's tree or the load's --include-dir
 * folders), a regular file of at most SALESIM_FIT_MAX_BYTES without NUL
 * bytes, checked as fit.csv by the one parser of engine/base/fit_table.c.
 * A problem of the path is one line "SCENARIO:LINE: calibration: ..."; a
 * problem of the file's content one line "FITCSV:LINE: calibration:
 * problem (expected ...)" at the file's line; either fails the load (exit 2,
 * nothing written). A good file's bytes and FNV-1a hash go into
 * sc->calibration*: the run copies them into its output folder as
 * calibration.csv (engine/output/output.c), summary.json names the hash and
 * the scenario's hash covers it (engine/scenario/scenario.c).
 *
 * Read next: engine/base/fit_table.h, engine/report/report_calib.c.
 */
#define _XOPEN_SOURCE 700

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_table.h"
#include "scenario_loader.h"

static void fnv1a_hex(const char *buf, size_t n, char out[17]) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)buf[i];
    h *= UINT64_C(0x100000001b3);
  }
  snprintf(out, 17, "%016" PRIx64, h);
}

void scn_load_calibration(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  const config_setting_t *s = config_setting_get_member(root, "calibration");
  if (s == NULL)
    return;
  if (config_setting_type(s) != CONFIG_TYPE_STRING) {
    scn_wrong_type(ld, s, "calibration", "a file name \"fit.csv\"");
    return;
  }
  const char *path = config_setting_get_string(s);
  if (path[0] == '\0') {
    scn_report(ld, s, "calibration", "empty path (expected the fit.csv of salesim calibrate, "
                                     "relative to the scenario's folder)");
    return;
  }
  for (const char *c = path; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') {
      scn_report(ld, s, "calibration", "a backslash or control character in the path (expected "
                                       "a plain file path)");
      return;
    }
  char who[4400], shown[2200], *real = NULL, *bytes = NULL;
  int line;
  size_t len = 0;
  const char *src = scn_setting_source(ld, s, &line);
  snprintf(who, sizeof who, "%s:%d: calibration", src, line);
  int rc = scn_confine(ld, path, who, shown, sizeof shown, &real);
  if (rc == 0)
    rc = scn_read_file(ld, real, who, shown, 1, SALESIM_FIT_MAX_BYTES, 1, &bytes, &len);
  free(real);
  if (rc != 0) {
    if (rc == SALESIM_ENOMEM)
      ld->oom = 1;
    ld->errors++;
    return;
  }
  salesim_fit *fit = NULL;
  long at = 0;
  char why[600];
  rc = salesim_fit_parse(&fit, bytes, len, &at, why, sizeof why);
  salesim_fit_free(fit); /* the load only checks it: the reports parse their copy */
  if (rc != 0) {
    if (rc == SALESIM_ENOMEM)
      ld->oom = 1;
    else {
      salesim_diag_add(ld->diag, "%s:%ld: calibration: %s", shown, at, why);
      ld->errors++;
    }
    free(bytes);
    return;
  }
  fnv1a_hex(bytes, len, sc->calibration_hash);
  if ((sc->calibration_path = scn_copy_text(path, strlen(path))) == NULL) {
    ld->oom = 1;
    free(bytes);
    return;
  }
  sc->calibration = bytes; /* scn_read_file put a NUL after them */
  sc->calibration_len = len;
}
