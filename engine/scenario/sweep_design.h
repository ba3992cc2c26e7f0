/*
 * engine/scenario/sweep_design.h: the points of a declared sweep and their
 * check (internal; engine/scenario/sweep_design.c). The loader checks every
 * point of a sweep it reads; engine/run/sweep.c runs them.
 */
#ifndef SALESIM_SWEEP_DESIGN_H
#define SALESIM_SWEEP_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include <salesim/scenario.h>

/** The design points of a sweep: *out is n x sw->n_params values (malloc'd),
 *  grid in row-major order (the first parameter varies slowest), Latin
 *  hypercube from a GSL taus2 stream seeded with `seed`, Sobol from
 *  gsl_qrng_sobol (at most 40 parameters). */
int salesim_sweep_points(const salesim_sweep *sw, uint64_t seed, double **out, int *n,
                         salesim_diag *diag);

/** Check every point of sc->sweep's design (with `seed`) against the
 *  settings' ranges and every cross-check, on a copy of the scenario. On
 *  the first point that fails: SALESIM_ESCENARIO, `what` holds
 *  "point K of N (PATH = V, ...)" and `problem` the check's line. 0 if all
 *  pass; SALESIM_ENOMEM. */
int salesim_sweep_check(const salesim_scenario *sc, uint64_t seed, char *what, size_t size,
                        salesim_diag *problem);

#endif
