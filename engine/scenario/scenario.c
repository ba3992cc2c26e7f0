/*
<<<<<<< HEAD:engine/scenario/scenario.c
 * engine/scenario/scenario.c: load and validate a scenario file: the steps of one
 * load (engine/scenario/scenario*.c are the only code that includes libconfig.h).
 *
 * A load reads the file itself and inlines its @include'd files
 * (engine/scenario/scenario_source.c), lets libconfig parse that text from memory,
 * scans it for integers libconfig truncated to 32 bits
 * (engine/scenario/scenario_wrap.c) and walks every group with its
 * salesim_param_table (engine/scenario/scenario_groups.c, engine/scenario/params.c for the
 * scenario's own groups, the mechanism's table for each entry of
 * `mechanisms`). Validation never stops at the first problem: every bad
 * setting adds one line to the diag,
=======
 * engine/scenario/scenario.c: load and validate a scenario file (the only code that
 * includes libconfig.h).
 *
 * The file is read with libconfig; every group is then walked with its
 * salesim_param_table (engine/scenario/params.c for the scenario's own groups, the
 * mechanism's table for each entry of `mechanisms`). Validation never stops
 * at the first problem: every bad setting adds one line to the diag,
>>>>>>> issue10-layers:engine/scenario/scenario.c
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
<<<<<<< HEAD:engine/scenario/scenario.c
 * Read next: engine/scenario/scenario_loader.h (the loader's state and its files),
 * then engine/scenario/scenario_source.c.
=======
 * Before libconfig sees anything, the loader reads the file itself
 * (expand_source): a regular file of bounded size without NUL bytes, its
 * `@include` directives found with libconfig's lexical rules, each checked
 * (inside the scenario's folder tree or a folder allowed with
 * salesim_scenario_allow_include_dir, a regular file, bounded size, depth,
 * count, no cycle) and inlined. libconfig then parses that one text from
 * memory with its include folder pointing nowhere, so it never opens a file
 * of its own; a table of segments maps each line of the text back to its
 * file and line for messages. docs/input-safety.md has the rules.
 *
 * Read next: engine/scenario/params.c (the tables), models/core/mechanism.h.
>>>>>>> issue10-layers:engine/scenario/scenario.c
 */
#define _XOPEN_SOURCE 700

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_loader.h"

static void fnv1a_hex(const char *buf, size_t n, char out[17]) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)buf[i];
    h *= UINT64_C(0x100000001b3);
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
  fnv1a_hex(ld.flat, ld.flat_len, sc->hash);
  scn_scan_wraps(&ld, "", ld.flat, ld.flat_len); /* wrapped integers, by line of the text */
  scn_load_tree(&ld, &cf, sc);
  if (ld.oom)
    rc = SALESIM_ENOMEM;
  else if (ld.errors > 0)
    rc = SALESIM_ESCENARIO;
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
  free(sc);
}
