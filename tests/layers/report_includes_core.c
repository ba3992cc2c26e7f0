/*
 * tests/layers/report_includes_core.c: the reports read data, not the model's pay schedules (only engine/report/report_data.c has a temporary exception, per file).
 * Compiled as code of the report layer (tests/layers/CMakeLists.txt), this
 * must FAIL to compile: "schedule.h" is not on the report layer's include path
 * (cmake/Layers.cmake). Not part of any build; ctest builds it on purpose.
 */
#include "schedule.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
