/*
 * engine/scenario/scenario_source.c: the scenario's text, read by the loader itself
 * before libconfig sees anything.
 *
 * scn_expand_source reads the main file (a regular file of bounded size
 * without NUL bytes), finds its `@include` directives with libconfig's
 * lexical rules, checks each (inside the scenario's folder tree or one of
 * this load's allowed folders, a regular file, bounded size, depth, count,
 * no cycle) and inlines it. libconfig then parses that one text from memory
 * and never opens a file of its own; a table of segments maps each line of
 * the text back to its file and line for messages. The allowed folders are
 * the load's own (salesim_load_options.include_dirs, resolved by
 * scn_allow_dirs into the loader): two loads at once, on two threads, each
 * see only their own. docs/input-safety.md has the rules.
 *
 * Read next: engine/scenario/scenario_wrap.c (the 32-bit scan of the same text).
 */
#define _XOPEN_SOURCE 700

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario_loader.h"

static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    return scn_copy_text(".", 1);
  if (slash == path)
    return scn_copy_text("/", 1);
  return scn_copy_text(path, (size_t)(slash - path));
}

/* ---- reading the source: files, sizes, @include ------------------------------ */

static void flat_put(loader *ld, const char *s, size_t n) {
  if (ld->oom || n == 0)
    return;
  if (ld->flat_len + n + 1 > ld->flat_cap) {
    size_t cap = ld->flat_cap ? ld->flat_cap : 4096;
    while (ld->flat_len + n + 1 > cap)
      cap *= 2;
    char *g = realloc(ld->flat, cap);
    if (g == NULL) {
      ld->oom = 1;
      return;
    }
    ld->flat = g;
    ld->flat_cap = cap;
  }
  memcpy(ld->flat + ld->flat_len, s, n);
  ld->flat_len += n;
  ld->flat[ld->flat_len] = '\0';
  for (size_t i = 0; i < n; i++)
    ld->flat_line += s[i] == '\n';
}

/* From the current end of the inlined text on, lines come from `file`
 * starting at `line`. */
static void add_segment(loader *ld, int file, int line) {
  if (ld->n_segs > 0 && ld->segs[ld->n_segs - 1].flat_line == ld->flat_line) {
    ld->segs[ld->n_segs - 1].file = file;
    ld->segs[ld->n_segs - 1].line = line;
    return;
  }
  if (ld->n_segs == ld->cap_segs) {
    size_t cap = ld->cap_segs ? 2 * ld->cap_segs : 16;
    source_segment *g = realloc(ld->segs, cap * sizeof *g);
    if (g == NULL) {
      ld->oom = 1;
      return;
    }
    ld->segs = g;
    ld->cap_segs = cap;
  }
  ld->segs[ld->n_segs++] = (source_segment){ld->flat_line, file, line};
}

static int add_file(loader *ld, const char *shown) {
  if (ld->n_files == ld->cap_files) {
    size_t cap = ld->cap_files ? 2 * ld->cap_files : 8;
    char **g = realloc(ld->files, cap * sizeof *g);
    if (g == NULL)
      return -1;
    ld->files = g;
    ld->cap_files = cap;
  }
  if ((ld->files[ld->n_files] = scn_copy_text(shown, strlen(shown))) == NULL)
    return -1;
  return (int)ld->n_files++;
}

/* Read one source file opened as `path`: a regular file of at most
 * SALESIM_FILE_MAX_BYTES without NUL bytes; `who` names it in messages
 * ("FILE" or "FILE:LINE: @include \"PATH\""), `shown` is its own name.
 * The bytes are never quoted. Returns 0 or a SALESIM_ code (one line in
 * the diag). */
static int read_source(loader *ld, const char *path, const char *who, const char *shown,
                       int no_follow, char **out, size_t *len) {
  return scn_read_file(ld, path, who, shown, no_follow, SALESIM_FILE_MAX_BYTES, 1, out, len);
}

int scn_read_file(loader *ld, const char *path, const char *who, const char *shown,
                  int no_follow, size_t max, int no_nul, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
  if (fd < 0) {
    int e = errno;
    salesim_diag_add(ld->diag, "%s: cannot read: %s", who, strerror(e));
    return e == ENOMEM ? SALESIM_ENOMEM : SALESIM_EIO;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    salesim_diag_add(ld->diag, "%s: not a regular file", who);
    close(fd);
    return SALESIM_ESCENARIO;
  }
  if (st.st_size > (off_t)max) {
    salesim_diag_add(ld->diag, "%s: larger than %zu bytes (expected at most %zu)", who, max, max);
    close(fd);
    return SALESIM_ESCENARIO;
  }
  size_t cap = (size_t)st.st_size + 2, n = 0; /* room to see that it grew */
  char *buf = malloc(cap);
  int err = 0;
  while (buf != NULL) {
    ssize_t got = read(fd, buf + n, cap - 1 - n);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      err = errno ? errno : EIO;
      break;
    }
    if (got == 0)
      break;
    n += (size_t)got;
    if (n > max)
      break;
    if (n == cap - 1) {
      char *g = realloc(buf, cap * 2 > max + 2 ? max + 2 : cap * 2);
      if (g == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
      buf = g;
    }
  }
  close(fd);
  if (buf == NULL) {
    salesim_diag_add(ld->diag, "%s: out of memory", who);
    return SALESIM_ENOMEM;
  }
  if (err != 0) {
    free(buf);
    salesim_diag_add(ld->diag, "%s: cannot read: %s", who, strerror(err));
    return SALESIM_EIO;
  }
  if (n > max) {
    free(buf);
    salesim_diag_add(ld->diag, "%s: larger than %zu bytes (expected at most %zu)", who, max, max);
    return SALESIM_ESCENARIO;
  }
  buf[n] = '\0';
  const char *nul = no_nul ? memchr(buf, '\0', n) : NULL;
  if (nul != NULL) {
    int line = 1;
    for (const char *c = buf; c < nul; c++)
      line += *c == '\n';
    salesim_diag_add(ld->diag, "%s:%d: a NUL byte (expected text without NUL bytes)", shown, line);
    free(buf);
    return SALESIM_ESCENARIO;
  }
  *out = buf;
  *len = n;
  return 0;
}

/* Nonzero if realpath `real` is `dir` or below it. */
static int is_under(const char *real, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/')
    return 1;
  return strncmp(real, dir, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

int scn_confine(loader *ld, const char *path, const char *who, char *shown, size_t size,
                char **real) {
  size_t dl = strlen(ld->dir);
  *real = NULL;
  if (path[0] == '/' || strcmp(ld->dir, ".") == 0)
    snprintf(shown, size, "%s", path);
  else
    snprintf(shown, size, "%s%s%s", ld->dir, dl > 0 && ld->dir[dl - 1] == '/' ? "" : "/", path);
  if ((*real = realpath(shown, NULL)) == NULL) {
    int e = errno;
    salesim_diag_add(ld->diag, "%s: cannot read: %s", who, strerror(e));
    return e == ENOMEM ? SALESIM_ENOMEM : SALESIM_ESCENARIO;
  }
  int allowed = is_under(*real, ld->top_real);
  for (int i = 0; !allowed && i < ld->n_allowed; i++)
    allowed = is_under(*real, ld->allowed[i]);
  if (!allowed) {
    char tv[SHOWN_SIZE];
    salesim_diag_add(ld->diag,
                     "%s: outside the scenario's folder %s (expected a file in that folder or "
                     "below it; --include-dir DIR allows another folder)",
                     who, scn_shown_value(ld->top_real, tv));
    free(*real);
    *real = NULL;
    return SALESIM_ESCENARIO;
  }
  return 0;
}

static int expand_file(loader *ld, int file, const char *b, size_t n, int depth);

/* One `@include "PATH"` at `line` of files[parent]: check it and inline the
 * file. PATH is relative to the main file's folder (as libconfig's include
 * folder is), or absolute. */
static int include_file(loader *ld, int parent, int line, const char *p, size_t plen, int depth) {
  char path[1024], shown[2200], who[4400], sv[SHOWN_SIZE], *real = NULL, *bytes = NULL;
  const char *from = ld->files[parent];
  size_t len = 0;
  int rc = SALESIM_ESCENARIO;
  if (plen >= sizeof path) {
    salesim_diag_add(ld->diag, "%s:%d: @include: path of %zu bytes (expected at most %zu)", from,
                     line, plen, sizeof path - 1);
    return rc;
  }
  memcpy(path, p, plen);
  path[plen] = '\0';
  for (size_t i = 0; i < plen; i++)
    if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f || path[i] == '\\') {
      salesim_diag_add(ld->diag,
                       "%s:%d: @include \"%s\": a backslash or control character in the path "
                       "(expected a plain file path)",
                       from, line, scn_shown_value(path, sv));
      return rc;
    }
  scn_shown_value(path, sv);
  snprintf(who, sizeof who, "%s:%d: @include \"%s\"", from, line, sv);
  if (plen == 0) {
    salesim_diag_add(ld->diag, "%s: empty path (expected a file name)", who);
    return rc;
  }
  if (depth + 1 > SALESIM_INCLUDE_MAX_DEPTH) {
    salesim_diag_add(ld->diag, "%s: nested more than %d levels deep (expected at most %d)", who,
                     SALESIM_INCLUDE_MAX_DEPTH, SALESIM_INCLUDE_MAX_DEPTH);
    return rc;
  }
  if (++ld->n_includes > SALESIM_INCLUDE_MAX_COUNT) {
    salesim_diag_add(ld->diag, "%s: more than %d @include directives in all (expected at most %d)",
                     who, SALESIM_INCLUDE_MAX_COUNT, SALESIM_INCLUDE_MAX_COUNT);
    return rc;
  }
  if ((rc = scn_confine(ld, path, who, shown, sizeof shown, &real)) != 0)
    return rc;
  rc = SALESIM_ESCENARIO;
  for (int k = 0; k <= depth; k++)
    if (ld->chain[k] != NULL && strcmp(ld->chain[k], real) == 0) {
      salesim_diag_add(ld->diag, "%s: includes itself through %s (expected no include cycle)",
                       who, from);
      goto done;
    }
  if ((rc = read_source(ld, real, who, shown, 1, &bytes, &len)) != 0)
    goto done;
  rc = SALESIM_ESCENARIO;
  ld->total += len;
  if (ld->total > SALESIM_SOURCE_MAX_BYTES) {
    salesim_diag_add(ld->diag,
                     "%s: with its includes larger than %d bytes (expected at most %d in all)",
                     ld->path, SALESIM_SOURCE_MAX_BYTES, SALESIM_SOURCE_MAX_BYTES);
    goto done;
  }
  int idx = add_file(ld, shown);
  if (idx < 0) {
    rc = SALESIM_ENOMEM;
    goto done;
  }
  ld->chain[depth + 1] = real;
  rc = expand_file(ld, idx, bytes, len, depth + 1);
  ld->chain[depth + 1] = NULL;

done:
  free(bytes);
  free(real);
  return rc;
}

/* Copy one source file into the inlined text, replacing each @include
 * directive by the file it names. The lexical rules are libconfig 1.5's: a
 * directive is `@include "PATH"` at the start of a line (after blanks),
 * outside comments (#, //, C style) and strings. Also refused here: a
 * string (with the strings adjacent to it) longer than
 * SALESIM_STRING_MAX_BYTES (libconfig's lexer is quadratic in it), and a
 * comment or string still open at the end of a file. */
static int expand_file(loader *ld, int file, const char *b, size_t n, int depth) {
  const char *name = ld->files[file];
  size_t i = 0, copied = 0, run = 0;
  int line = 1, bol = 1, after_string = 0;
  add_segment(ld, file, 1);
  while (i < n && !ld->oom) {
    char c = b[i];
    if (bol) {
      size_t k = i;
      bol = 0;
      while (k < n && scn_is_blank(b[k]))
        k++;
      if (n - k > 8 && memcmp(b + k, "@include", 8) == 0 && scn_is_blank(b[k + 8])) {
        size_t q = k + 8;
        while (q < n && scn_is_blank(b[q]))
          q++;
        if (q < n && b[q] == '"') {
          size_t ps = q + 1, pe = ps;
          while (pe < n && b[pe] != '"' && b[pe] != '\n')
            pe++;
          if (pe >= n || b[pe] != '"') {
            salesim_diag_add(ld->diag,
                             "%s:%d: @include: path not closed (expected @include \"FILE\")",
                             name, line);
            return SALESIM_ESCENARIO;
          }
          flat_put(ld, b + copied, i - copied);
          int rc = include_file(ld, file, line, b + ps, pe - ps, depth);
          if (rc != 0)
            return rc;
          if (ld->flat_len > 0 && ld->flat[ld->flat_len - 1] != '\n')
            flat_put(ld, "\n", 1); /* libconfig ends a token at a file's end */
          add_segment(ld, file, line);
          i = copied = pe + 1;
          after_string = 0;
          continue;
        }
      }
      i = k;
      continue;
    }
    if (c == '\n') {
      line++;
      bol = 1;
      i++;
    } else if (scn_is_blank(c) || c == '\r' || c == '\f' || c == '\v') {
      i++;
    } else if (c == '#' || (c == '/' && i + 1 < n && b[i + 1] == '/')) {
      while (i < n && b[i] != '\n')
        i++;
    } else if (c == '/' && i + 1 < n && b[i + 1] == '*') {
      int from = line;
      for (i += 2; i < n && !(b[i] == '*' && i + 1 < n && b[i + 1] == '/'); i++)
        line += b[i] == '\n';
      if (i >= n) {
        salesim_diag_add(ld->diag, "%s:%d: comment not closed (expected */ in the same file)",
                         name, from);
        return SALESIM_ESCENARIO;
      }
      i += 2;
    } else if (c == '"') {
      int from = line;
      size_t start = ++i;
      while (i < n && b[i] != '"') {
        if (b[i] == '\\' && i + 1 < n)
          i++;
        line += b[i] == '\n';
        i++;
      }
      if (i >= n) {
        salesim_diag_add(ld->diag, "%s:%d: string not closed (expected \" in the same file)",
                         name, from);
        return SALESIM_ESCENARIO;
      }
      run = (after_string ? run : 0) + (i - start);
      after_string = 1;
      i++;
      if (run > SALESIM_STRING_MAX_BYTES) {
        salesim_diag_add(ld->diag, "%s:%d: a string of more than %d bytes (expected at most %d)",
                         name, from, SALESIM_STRING_MAX_BYTES, SALESIM_STRING_MAX_BYTES);
        return SALESIM_ESCENARIO;
      }
    } else {
      after_string = 0;
      i++;
    }
  }
  flat_put(ld, b + copied, n - copied);
  return ld->oom ? SALESIM_ENOMEM : 0;
}

/* Read the main file and everything it includes into ld->flat. */
int scn_expand_source(loader *ld, char **main_bytes) {
  size_t len = 0;
  int rc = read_source(ld, ld->path, ld->path, ld->path, 0, main_bytes, &len);
  if (rc != 0)
    return rc;
  struct stat st;
  ld->main_bytes = *main_bytes;
  ld->main_len = len;
  ld->main_is_link = lstat(ld->path, &st) == 0 && S_ISLNK(st.st_mode);
  ld->total = len;
  ld->flat_line = 1;
  if ((ld->dir = folder_of(ld->path)) == NULL || add_file(ld, ld->path) != 0)
    return SALESIM_ENOMEM;
  if ((ld->top_real = realpath(ld->dir, NULL)) == NULL ||
      (ld->chain[0] = realpath(ld->path, NULL)) == NULL) {
    int e = errno;
    salesim_diag_add(ld->diag, "%s: cannot read: %s", ld->path, strerror(e));
    return e == ENOMEM ? SALESIM_ENOMEM : SALESIM_EIO;
  }
  rc = expand_file(ld, 0, *main_bytes, len, 0);
  if (rc == 0 && ld->flat == NULL && (ld->flat = calloc(1, 1)) == NULL)
    rc = SALESIM_ENOMEM;
  return rc;
}

/* `dir` as a realpath in *real (malloc'd) if it is a folder; else a line in
 * diag and SALESIM_EINVAL. */
static int include_dir_real(const char *dir, char **real, salesim_diag *diag) {
  struct stat st;
  *real = realpath(dir, NULL);
  if (*real == NULL || stat(*real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    salesim_diag_add(diag, "--include-dir %s: %s", dir,
                     *real == NULL ? strerror(errno) : "not a folder");
    free(*real);
    *real = NULL;
    return SALESIM_EINVAL;
  }
  return 0;
}

int salesim_scenario_check_include_dir(const char *dir, salesim_diag *diag) {
  char *real = NULL;
  int rc = dir == NULL ? SALESIM_EINVAL : include_dir_real(dir, &real, diag);
  free(real);
  return rc;
}

int scn_allow_dirs(loader *ld, const salesim_load_options *opt) {
  if (opt == NULL || opt->n_include_dirs == 0)
    return 0;
  if (opt->n_include_dirs < 0 || opt->n_include_dirs > SALESIM_INCLUDE_DIRS_MAX ||
      opt->include_dirs == NULL) {
    salesim_diag_add(ld->diag, "--include-dir: %d folders (expected 0 to %d)",
                     opt->n_include_dirs, SALESIM_INCLUDE_DIRS_MAX);
    return SALESIM_EINVAL;
  }
  for (int i = 0; i < opt->n_include_dirs; i++) {
    if (opt->include_dirs[i] == NULL) {
      salesim_diag_add(ld->diag, "--include-dir: folder %d is NULL (expected a path)", i);
      return SALESIM_EINVAL;
    }
    int rc = include_dir_real(opt->include_dirs[i], &ld->allowed[ld->n_allowed], ld->diag);
    if (rc != 0)
      return rc;
    ld->n_allowed++;
  }
  return 0;
}

int scn_read_named_file(loader *ld, const config_setting_t *s, const char *name,
                        const char *expected, size_t max, int no_nul, char *shown, size_t size,
                        char **out, size_t *len, char hash[17]) {
  char who[4400], *real = NULL;
  int line;
  const char *src = scn_setting_source(ld, s, &line);
  const char *path = config_setting_get_string(s);
  *out = NULL;
  *len = 0;
  hash[0] = '\0';
  if (path[0] == '\0') {
    char why[400];
    snprintf(why, sizeof why, "empty path (expected %s, relative to the scenario's folder)",
             expected);
    scn_report(ld, s, name, why);
    return SALESIM_ESCENARIO;
  }
  for (const char *c = path; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\') {
      scn_report(ld, s, name, "a backslash or control character in the path (expected a plain "
                              "file path)");
      return SALESIM_ESCENARIO;
    }
  snprintf(who, sizeof who, "%s:%d: %s", src, line, name);
  int rc = scn_confine(ld, path, who, shown, size, &real);
  if (rc == 0)
    rc = scn_read_file(ld, real, who, shown, 1, max, no_nul, out, len);
  free(real);
  if (rc != 0) {
    if (rc == SALESIM_ENOMEM)
      ld->oom = 1;
    ld->errors++;
    return rc;
  }
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < *len; i++) {
    h ^= (unsigned char)(*out)[i];
    h *= UINT64_C(0x100000001b3);
  }
  snprintf(hash, 17, "%016" PRIx64, h);
  return 0;
}
