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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_table.h"
#include "scenario_loader.h"

void scn_load_calibration(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  const config_setting_t *s = config_setting_get_member(root, "calibration");
  if (s == NULL)
    return;
  if (config_setting_type(s) != CONFIG_TYPE_STRING) {
    scn_wrong_type(ld, s, "calibration", "a file name \"fit.csv\"");
    return;
  }
  const char *path = config_setting_get_string(s);
  char shown[2200], *bytes = NULL;
  size_t len = 0;
  if (scn_read_named_file(ld, s, "calibration", "the fit.csv of salesim calibrate",
                          SALESIM_FIT_MAX_BYTES, 1, shown, sizeof shown, &bytes, &len,
                          sc->calibration_hash) != 0)
    return;
  salesim_fit *fit = NULL;
  long at = 0;
  char why[600];
  int rc = salesim_fit_parse(&fit, bytes, len, &at, why, sizeof why);
  salesim_fit_free(fit); /* the load only checks it: the reports parse their copy */
  if (rc != 0) {
    sc->calibration_hash[0] = '\0';
    if (rc == SALESIM_ENOMEM)
      ld->oom = 1;
    else {
      salesim_diag_add(ld->diag, "%s:%ld: calibration: %s", shown, at, why);
      ld->errors++;
    }
    free(bytes);
    return;
  }
  if ((sc->calibration_path = scn_copy_text(path, strlen(path))) == NULL) {
    ld->oom = 1;
    sc->calibration_hash[0] = '\0';
    free(bytes);
    return;
  }
  sc->calibration = bytes; /* scn_read_file put a NUL after them */
  sc->calibration_len = len;
}
