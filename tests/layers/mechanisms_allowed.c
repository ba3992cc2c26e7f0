/*
 * tests/layers/mechanisms_allowed.c: the control for the probes beside it.
 * Compiled as code of the mechanisms layer, this MUST compile: a mechanism
 * may use the core (world, interface, decisions) and the algorithms. If it
 * did not, the failing probes would prove nothing.
 */
#include "decision.h"
#include "matching.h"
#include "mechanism.h"

int salesim_layer_probe(void);
int salesim_layer_probe(void) { return 0; }
