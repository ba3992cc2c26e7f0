/*
 * engine/output/output_folder.c: a folder of files that is not a run's
 * output (a calibration's fit, a history export) written under the same
 * rules (docs/safety.md): the target checked first (absent, empty or
 * salesim's), every file written into a staging folder with the marker,
 * under the C locale, then exchanged with the target in one step; on any
 * failure the staging folder goes and the previous folder stays as it was.
 *
 * Read next: engine/output/output_fs.c.
 */
#define _GNU_SOURCE /* newlocale, uselocale */
#include <locale.h>
#include <stdlib.h>

#include "output.h"
#include "output_write.h"

int salesim_output_folder(const char *dir, salesim_output_fill fill, void *arg,
                          salesim_diag *diag) {
  int rc = 0, tmp_made = 0;
  char *target = NULL, *tmp = NULL, *old = NULL;
  size_t n0 = diag ? diag->count : 0;
  locale_t c_locale = (locale_t)0, saved = (locale_t)0;
  if ((rc = salesim_output_resolve_target(&target, dir, diag)) != 0 ||
      (rc = salesim_output_check_target(target, dir, diag)) != 0 ||
      (rc = salesim_output_stage(target, &tmp, &old, diag)) != 0)
    goto cleanup;
  tmp_made = 1;
  c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (c_locale != (locale_t)0)
    saved = uselocale(c_locale);
  rc = salesim_output_write_marker(tmp, diag);
  if (rc == 0)
    rc = fill(tmp, arg, diag);
  if (c_locale != (locale_t)0)
    uselocale(saved);
  if (rc != 0)
    goto cleanup;
  if ((rc = salesim_output_swap_in(tmp, target, old, dir, diag)) != 0)
    goto cleanup;
  tmp_made = 0;
cleanup:
  if (tmp_made)
    salesim_output_remove_tree(tmp);
  if (c_locale != (locale_t)0)
    freelocale(c_locale);
  free(target);
  free(tmp);
  free(old);
  return salesim_output_said(rc, diag, n0, dir);
}
