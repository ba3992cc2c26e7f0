/*
 * tests/layers/mechanisms_includes_engine.c: a mechanism may not use the engine's scenario reader.
 * Compiled as code of the mechanisms layer (tests/layers/CMakeLists.txt), this
 * must FAIL to compile: "params.h" is not on the mechanisms layer's include path
 * (cmake/Layers.cmake). Not part of any build; ctest builds it on purpose.
 */
#include "params.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
