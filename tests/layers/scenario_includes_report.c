/*
 * tests/layers/scenario_includes_report.c: the scenario reader may not use the reports.
 * Compiled as code of the scenario layer (tests/layers/CMakeLists.txt), this
 * must FAIL to compile: "report.h" is not on the scenario layer's include path
 * (cmake/Layers.cmake). Not part of any build; ctest builds it on purpose.
 */
#include "report.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
