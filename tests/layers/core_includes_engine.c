/*
 * tests/layers/core_includes_engine.c: the models may include no engine
 * header but those of engine/base/; here the core includes the output
 * writer's. Compiled as code of the core layer (tests/layers/CMakeLists.txt),
 * this must FAIL to compile: "output.h" is not on the core layer's include
 * path (cmake/Layers.cmake). Not part of any build; ctest builds it on purpose.
 */
#include "output.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
