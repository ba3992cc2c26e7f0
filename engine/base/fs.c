/*
 * engine/base/fs.c: file-system helpers (engine/base/fs.h).
 *
 * Read next: engine/base/fs.h.
 */
#include <stdlib.h>
#include <string.h>

#include "fs.h"

char *salesim_fs_concat(const char *a, const char *sep, const char *b) {
  size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
  char *p = malloc(na + ns + nb + 1);
  if (p == NULL)
    return NULL;
  memcpy(p, a, na);
  memcpy(p + na, sep, ns);
  memcpy(p + na + ns, b, nb + 1);
  return p;
}

char *salesim_fs_join(const char *dir, const char *name) {
  return salesim_fs_concat(dir, "/", name);
}
