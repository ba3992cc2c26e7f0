/*
 * tests/layers/core_includes_engine.c: models/ include no engine header (models/core/sim.c has a temporary exception; this file has none).
 * Compiled as code of the core layer (tests/layers/CMakeLists.txt), this
 * must FAIL to compile: "stats.h" is not on the core layer's include path
 * (cmake/Layers.cmake). Not part of any build; ctest builds it on purpose.
 */
#include "stats.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
