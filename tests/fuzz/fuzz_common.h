/*
 * tests/fuzz/fuzz_common.h: helpers shared by the fuzz targets and by
 * tests/test_fuzz_regressions.c, which replays saved inputs through the
 * same code paths: a per-process scratch path, writing bytes to a file, and
 * the cut-down of a loaded scenario to one tiny run.
 */
#ifndef SALESIM_FUZZ_COMMON_H
#define SALESIM_FUZZ_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <salesim/salesim.h>

/* "$TMPDIR/salesim-fuzz-<pid>-<stem>" */
static inline void salesim_fuzz_tmp_path(char *buf, size_t size, const char *stem) {
  const char *dir = getenv("TMPDIR");
  snprintf(buf, size, "%s/salesim-fuzz-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(),
           stem);
}

static inline void salesim_fuzz_write(const char *path, const uint8_t *data, size_t size);

/* A private folder "$TMPDIR/salesim-fuzz-<pid>-<stem>/" holding the
 * input as main.cfg beside part.cfg, a small valid fragment, so inputs may
 * use @include: salesim confines includes to the scenario's folder, so an
 * input reaches only these two files (any other path is refused, which
 * the targets exercise too). Writes the input's path into `path`. */
static inline void salesim_fuzz_scenario_file(char *path, size_t size, const char *stem,
                                              const uint8_t *data, size_t n) {
  static char dir[512];
  if (dir[0] == '\0') {
    salesim_fuzz_tmp_path(dir, sizeof dir, stem);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
      abort();
    char part[600];
    snprintf(part, sizeof part, "%s/part.cfg", dir);
    static const char fragment[] = "months = 6;\npopulation = { reps = 4; };\n";
    salesim_fuzz_write(part, (const uint8_t *)fragment, sizeof fragment - 1);
  }
  snprintf(path, size, "%s/main.cfg", dir);
  salesim_fuzz_write(path, data, n);
}

static inline void salesim_fuzz_write(const char *path, const uint8_t *data, size_t size) {
  FILE *fp = fopen(path, "wb");
  if (fp == NULL)
    abort();
  if (size > 0 && fwrite(data, 1, size, fp) != size)
    abort();
  if (fclose(fp) != 0)
    abort();
}

/* Remove every plain file of `dir` (the scratch folder of fuzz_report). */
static inline void salesim_fuzz_clear_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL)
    abort();
  struct dirent *e;
  char path[1024];
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    remove(path);
  }
  closedir(d);
}

static inline int salesim_fuzz_exists(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, F_OK) == 0;
}

/* A plain file name: [A-Za-z0-9._-], 1..64 characters, no leading '.'. */
static inline int salesim_fuzz_plain_name(const char *s, size_t n) {
  if (n == 0 || n > 64 || s[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

/* Unpack "#### NAME\n<bytes>\n#### NAME\n<bytes>..." into files of `dir`
 * (fuzz_report.c describes the framing). Bytes before the first header are
 * ignored; a file named twice keeps its last bytes. */
static inline void salesim_fuzz_unpack(const char *dir, const uint8_t *data, size_t size) {
  static const char mark[] = "#### ";
  const size_t mlen = sizeof mark - 1;
  size_t i = 0;
  /* find the first header at the start of a line */
  for (;;) {
    if (i + mlen > size)
      return;
    if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, mark, mlen) == 0)
      break;
    i++;
  }
  while (i < size) {
    size_t name = i + mlen, eol = name;
    while (eol < size && data[eol] != '\n')
      eol++;
    size_t body = eol < size ? eol + 1 : size, end = body;
    /* the body runs to the next "\n#### " (that newline is the separator's) */
    while (end < size && !(data[end] == '\n' && end + 1 + mlen <= size &&
                           memcmp(data + end + 1, mark, mlen) == 0))
      end++;
    size_t next = end < size ? end + 1 : size;
    if (body + mlen <= size && memcmp(data + body, mark, mlen) == 0)
      end = next = body; /* an empty file */
    if (salesim_fuzz_plain_name((const char *)data + name, eol - name)) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%.*s", dir, (int)(eol - name), (const char *)data + name);
      salesim_fuzz_write(path, data + body, end - body);
    }
    i = next;
  }
}

/* Load `path` and abort unless the loader keeps its contract: a scenario
 * and no diagnostics on success, no scenario and at least one on failure. */
static inline int salesim_fuzz_load(salesim_scenario **sc, const char *path,
                                    salesim_diag *diag) {
  int rc = salesim_scenario_load(sc, path, diag);
  if ((rc == 0) != (*sc != NULL) || (rc == 0 && diag->count != 0) ||
      (rc != 0 && diag->count == 0))
    abort();
  return rc;
}

/* Abort unless every diagnostic is one line. */
static inline void salesim_fuzz_check_lines(const salesim_diag *diag) {
  for (size_t i = 0; i < diag->count; i++)
    if (diag->lines[i] == NULL || strchr(diag->lines[i], '\n') != NULL)
      abort();
}

/* Limits of the tiny run (every execution must take well under a second). */
enum { SALESIM_FUZZ_MONTHS = 12, SALESIM_FUZZ_REPS = 8, SALESIM_FUZZ_TERRITORIES = 8 };

/* Cut a loaded scenario down to one tiny run: one replication, at most 12
 * months, 8 reps and 8 generated territories (an explicit list of more
 * territories keeps its size and the reps it needs), no sweep. Every value
 * stays inside what validation accepts. */
static inline void salesim_fuzz_shrink(salesim_scenario *sc) {
  sc->replications = 1;
  if (sc->months > SALESIM_FUZZ_MONTHS)
    sc->months = SALESIM_FUZZ_MONTHS;
  if (sc->territories.list == NULL && sc->territories.count > SALESIM_FUZZ_TERRITORIES)
    sc->territories.count = SALESIM_FUZZ_TERRITORIES;
  int need = sc->territories.list ? sc->territories.list_count : sc->territories.count;
  int reps = need > SALESIM_FUZZ_REPS ? need : SALESIM_FUZZ_REPS;
  if (sc->population.reps > reps)
    sc->population.reps = reps;
}

#endif
