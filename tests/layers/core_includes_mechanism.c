/*
 * tests/layers/core_includes_mechanism.c: the core (world, loop) may not use a mechanism's header.
 * Compiled as code of the core layer (tests/layers/CMakeLists.txt), this
 * must FAIL to compile: "tender.h" is not on the core layer's include path
 * (cmake/Layers.cmake). Not part of any build; ctest builds it on purpose.
 */
#include "tender.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
