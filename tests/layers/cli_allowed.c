/*
 * tests/layers/cli_allowed.c: the control for the engine probes. Compiled as
 * code of the cli layer, this MUST compile: the CLI may use the run, output,
 * report and base layers.
 */
#include "output.h"
#include "report.h"
#include "stats.h"
#include "study.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
