/*
 * engine/base/fs.c: file-system helpers (engine/base/fs.h).
 *
 * Read next: engine/base/fs.h.
 */
#include <stdlib.h>
#include <string.h>

#include "fs.h"

char *salesim_fs_join(const char *dir, const char *name) {
  size_t na = strlen(dir), nb = strlen(name);
  char *p = malloc(na + nb + 2);
  if (p == NULL)
    return NULL;
  memcpy(p, dir, na);
  p[na] = '/';
  memcpy(p + na + 1, name, nb + 1);
  return p;
}
