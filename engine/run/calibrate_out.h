/*
 * engine/run/calibrate_out.h: the folder `salesim calibrate -o DIR` writes
 * (fit.csv, calibration.md, calibrated.cfg, data/; docs/calibration.md).
 * Read next: engine/run/calibrate_out.c.
 */
#ifndef SALESIM_ENGINE_CALIBRATE_OUT_H
#define SALESIM_ENGINE_CALIBRATE_OUT_H

#include <salesim/salesim.h>

#include "calibrate.h"

/** Write the calibration `r` of `sc` (warnings `warn`, may be NULL) into
 *  `dir` atomically (docs/safety.md). Returns 0 or a negative code with one
 *  line in `diag`; on failure `dir` is as it was. */
int salesim_calibrate_write(const salesim_scenario *sc, const salesim_calibrate_result *r,
                            const salesim_diag *warn, const char *dir, salesim_diag *diag);

#endif
