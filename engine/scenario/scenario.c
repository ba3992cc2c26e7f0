/*
 * engine/scenario/scenario.c: load and validate a scenario file: the steps of one
 * load (engine/scenario/scenario*.c and engine/scenario/data_load.c are the only code
 * that includes libconfig.h).
 *
 * A load reads the file itself and inlines its @include'd files
 * (engine/scenario/scenario_source.c), lets libconfig parse that text from memory,
 * scans it for integers libconfig truncated to 32 bits
 * (engine/scenario/scenario_wrap.c) and walks every group with its
 * salesim_param_table (engine/scenario/scenario_groups.c, engine/scenario/params.c for the
 * scenario's own groups, the mechanism's table for each entry of
 * `mechanisms`; the `data` group's CSV files in engine/scenario/data_load.c).
 * Validation never stops at the first problem: every bad setting adds one
 * line to the diag,
 *
 *   FILE:LINE: SETTING: problem (expected ...)
 *
 * with SETTING the full path (`population.ability.sd`, `mechanisms[1].rate`,
 * indexes from 0) and FILE the file the setting is in, also inside
 * @include'd files. Only a file with no problem at all gives a scenario.
 *
 * All state of a load is in one `loader` (engine/scenario/scenario_loader.h), also
 * the folders its options allow for @include: loads on several threads at
 * once are independent. docs/input-safety.md has the rules for the files.
 *
 * The scenario's hash (sc->hash, summary.json's scenario_hash) is the
 * FNV-1a 64 of the resolved text; with a `data` group the hash goes on over
 * each data file's own hash, so a changed data file changes it too, and with
 * a `calibration` setting over its fit.csv's hash.
 *
 * Read next: engine/scenario/scenario_loader.h (the loader's state and its files),
 * then engine/scenario/scenario_source.c.
 */
#define _XOPEN_SOURCE 700

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_loader.h"

static uint64_t fnv1a(uint64_t h, const char *buf, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)buf[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

/* The resolved text's hash, then each data file's name and hash, then the
 * calibration's (the `calibration` setting's fit.csv) when there is one. */
static void scenario_hash(const salesim_scenario *sc, const char *text, size_t n, char out[17]) {
  uint64_t h = fnv1a(UINT64_C(0xcbf29ce484222325), text, n);
  for (int f = 0; sc->data != NULL && f < SALESIM_DATA_FILES; f++) {
    if (sc->data->path[f] == NULL)
      continue;
    const char *name = salesim_data_file_name((salesim_data_file)f);
    h = fnv1a(h, name, strlen(name) + 1);
    h = fnv1a(h, sc->data->hash[f], strlen(sc->data->hash[f]) + 1);
  }
  if (sc->calibration != NULL) { /* only with the setting: other hashes stay */
    h = fnv1a(h, "calibration", sizeof "calibration");
    h = fnv1a(h, sc->calibration_hash, strlen(sc->calibration_hash) + 1);
  }
  snprintf(out, 17, "%016" PRIx64, h);
}

static void loader_free(loader *ld) {
  for (size_t i = 0; i < ld->n_wraps; i++)
    free(ld->wraps[i].file);
  free(ld->wraps);
  free(ld->mech_ok);
  free(ld->failed);
  free(ld->dir);
  free(ld->flat);
  free(ld->segs);
  for (size_t i = 0; i < ld->n_files; i++)
    free(ld->files[i]);
  free(ld->files);
  free(ld->top_real);
  for (int i = 0; i < ld->n_allowed; i++)
    free(ld->allowed[i]);
  free(ld->chain[0]);
}

/* --redact: the data replaced by its copy with names as ids (the numbers,
 * paths and file hashes unchanged, so the scenario's hash is too). */
static int redact_data(salesim_scenario *sc) {
  salesim_data *c = salesim_data_redacted(sc->data);
  if (c == NULL)
    return SALESIM_ENOMEM;
  salesim_data_free(sc->data);
  sc->data = c;
  return 0;
}

/* ---- public ------------------------------------------------------------------ */

int salesim_scenario_load(salesim_scenario **out, const char *path, salesim_diag *diag) {
  return salesim_scenario_load_with(out, path, NULL, diag);
}

int salesim_scenario_load_with(salesim_scenario **out, const char *path,
                               const salesim_load_options *opt, salesim_diag *diag) {
  loader ld;
  config_t cf;
  char *bytes = NULL;
  salesim_scenario *sc = NULL;
  int rc = 0;

  if (out != NULL)
    *out = NULL;
  if (out == NULL || path == NULL)
    return SALESIM_EINVAL;
  memset(&ld, 0, sizeof ld);
  ld.path = path;
  ld.diag = diag;

  config_init(&cf);
  rc = scn_allow_dirs(&ld, opt);
  if (rc == 0)
    rc = scn_expand_source(&ld, &bytes);
  if (rc != 0)
    goto cleanup;
  /* libconfig reads the inlined text from memory; an @include it still
   * found (there should be none) would open a path under /dev/null: fails */
  config_set_include_dir(&cf, "/dev/null");
  if (!config_read_string(&cf, ld.flat)) {
    rc = scn_parse_error(&ld, &cf);
    goto cleanup;
  }
  sc = calloc(1, sizeof *sc);
  if (sc == NULL || (sc->path = scn_copy_text(path, strlen(path))) == NULL ||
      (sc->source = scn_copy_text(ld.flat, ld.flat_len)) == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  sc->source_len = ld.flat_len;
  scn_scan_wraps(&ld, "", ld.flat, ld.flat_len); /* wrapped integers, by line of the text */
  scn_load_tree(&ld, &cf, sc);
  scenario_hash(sc, ld.flat, ld.flat_len, sc->hash);
  if (ld.oom)
    rc = SALESIM_ENOMEM;
  else if (ld.errors > 0)
    rc = SALESIM_ESCENARIO;
  else if (opt != NULL && opt->redact && sc->data != NULL &&
           (rc = redact_data(sc)) != 0)
    ; /* out of memory, said below */
  else {
    *out = sc;
    sc = NULL;
  }

cleanup:
  if (rc == SALESIM_ENOMEM) /* failures are reported, never only returned */
    salesim_diag_add(diag, "%s: out of memory while loading", path);
  salesim_scenario_free(sc);
  config_destroy(&cf);
  loader_free(&ld);
  free(bytes);
  return rc;
}

void salesim_scenario_free(salesim_scenario *sc) {
  if (sc == NULL)
    return;
  for (int i = 0; i < sc->n_mechanisms; i++)
    free(sc->mechanisms[i].params);
  free(sc->mechanisms);
  free(sc->territories.list);
  if (sc->sweep != NULL)
    free(sc->sweep->params);
  free(sc->sweep);
  free(sc->description);
  free(sc->path);
  free(sc->source);
  salesim_data_free(sc->data);
  free(sc->calibration_path);
  free(sc->calibration);
  free(sc);
}
