/*
 * engine/scenario/scenario.c: load and validate a scenario file (the only code that
 * includes libconfig.h).
 *
 * The file is read with libconfig; every group is then walked with its
 * salesim_param_table (engine/scenario/params.c for the scenario's own groups, the
 * mechanism's table for each entry of `mechanisms`). Validation never stops
 * at the first problem: every bad setting adds one line to the diag,
 *
 *   FILE:LINE: SETTING: problem (expected ...)
 *
 * with SETTING the full path (`population.ability.sd`, `mechanisms[1].rate`,
 * indexes from 0) and FILE the file the setting is in, also inside
 * @include'd files. Only a file with no problem at all gives a scenario.
 *
 * One libconfig 1.5 trap is handled here: an integer literal beyond 32 bits
 * without an L suffix (`potential = 3000000000;`) is silently truncated by
 * the parser. The loader scans the source for such literals and reports the
 * settings they wrapped into, rather than simulating with a wrong number.
 *
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
 */
#define _XOPEN_SOURCE 700

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "mechanism.h"
#include "output.h"
#include "params.h"
#include "study.h"

#define NAME_TEXT 320  /* a setting's full path, e.g. territories.list[3].book */
#define LIST_TEXT 1024 /* "expected one of: ..." lists */
#define MAX_CANDIDATES 80
#define QUOTE_MAX 60 /* characters of a source line quoted in a syntax error */

static const char dist_choices[] = "constant|normal|lognormal|uniform";

/* An integer literal libconfig truncated to 32 bits, where it is in the
 * source and the value it became. */
typedef struct wrapped_int {
  char *file; /* libconfig's name of the source file (owned copy) */
  int line;
  int value;
  char text[64];
} wrapped_int;

/* Lines from flat_line on of the inlined text come from files[file],
 * starting at its line `line`. */
typedef struct source_segment {
  int flat_line, file, line;
} source_segment;

typedef struct loader {
  const char *path;   /* the main file, as given */
  char *dir;          /* its folder: @include and included-file names */
  salesim_diag *diag;
  int errors;
  int oom;
  wrapped_int *wraps;
  size_t n_wraps, cap_wraps;
  /* the inlined text (expand_source) and where its lines come from */
  char *flat;
  size_t flat_len, flat_cap;
  int flat_line;          /* line number at the end of `flat` */
  source_segment *segs;
  size_t n_segs, cap_segs;
  char **files;           /* shown names; [0] is the main file */
  size_t n_files, cap_files;
  const char *main_bytes; /* the main file's text (syntax errors quote it) */
  size_t main_len;
  int main_is_link;       /* named through a symbolic link: never quoted */
  char *top_real;         /* realpath of the main file's folder */
  char *chain[SALESIM_INCLUDE_MAX_DEPTH + 1]; /* realpaths being expanded */
  size_t total;           /* bytes of every file read */
  int n_includes;
  int *mech_ok;       /* per mechanism: own settings valid, run its check */
  const config_setting_t **failed; /* settings reported: no cross-checks on them */
  size_t n_failed, cap_failed;
} loader;

/* ---- small helpers ----------------------------------------------------- */

static char *copy_text(const char *s, size_t n) {
  char *c = malloc(n + 1);
  if (c != NULL) {
    memcpy(c, s, n);
    c[n] = '\0';
  }
  return c;
}

/* Setting paths are cut (and end in "...") if absurdly long. */
static void mark_cut(char *buf, size_t size, int written) {
  if (written >= 0 && (size_t)written < size)
    return;
  if (size > 4)
    memcpy(buf + size - 4, "...", 4);
}

static void join_name(char *buf, size_t size, const char *prefix, const char *name) {
  int w;
  if (prefix == NULL || prefix[0] == '\0')
    w = snprintf(buf, size, "%s", name);
  else
    w = snprintf(buf, size, "%s.%s", prefix, name);
  mark_cut(buf, size, w);
}

static void index_name(char *buf, size_t size, const char *prefix, int i) {
  mark_cut(buf, size, snprintf(buf, size, "%s[%d]", prefix, i));
}

static void fnv1a_hex(const char *buf, size_t n, char out[17]) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)buf[i];
    h *= UINT64_C(0x100000001b3);
  }
  snprintf(out, 17, "%016" PRIx64, h);
}

static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    return copy_text(".", 1);
  if (slash == path)
    return copy_text("/", 1);
  return copy_text(path, (size_t)(slash - path));
}

/* The file name without folder and extension, as the default name. */
static void file_stem(const char *path, char *out, size_t size) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = (dot != NULL && dot != base) ? (size_t)(dot - base) : strlen(base);
  if (n >= size)
    n = size - 1;
  memcpy(out, base, n);
  out[n] = '\0';
}

/* Where line `flat` of the inlined text comes from: its file's shown name
 * and (in *line) the line in that file. */
static const char *source_at(const loader *ld, int flat, int *line) {
  size_t lo = 0, hi = ld->n_segs;
  if (flat <= 0 || ld->n_segs == 0) {
    *line = flat > 0 ? flat : 1;
    return ld->path;
  }
  while (hi - lo > 1) { /* the last segment starting at or before `flat` */
    size_t mid = (lo + hi) / 2;
    if (ld->segs[mid].flat_line <= flat)
      lo = mid;
    else
      hi = mid;
  }
  const source_segment *g = &ld->segs[lo];
  *line = g->line + (flat - g->flat_line);
  return ld->files[g->file];
}

/* The file and line a setting was read from. */
static const char *setting_source(const loader *ld, const config_setting_t *s, int *line) {
  return source_at(ld, s ? (int)config_setting_source_line(s) : 0, line);
}

/* Add "FILE:LINE: SETTING: message" for the place of setting `at`. */
static void report(loader *ld, const config_setting_t *at, const char *setting,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void report(loader *ld, const config_setting_t *at, const char *setting,
                   const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line;
  const char *file = setting_source(ld, at, &line);
  if (line <= 0)
    line = 1;
  if (salesim_diag_add(ld->diag, "%s:%d: %s: %s", file, line, setting, msg) != 0)
    ld->oom = 1;
  ld->errors++;
  if (at == NULL)
    return;
  if (ld->n_failed == ld->cap_failed) {
    size_t cap = ld->cap_failed ? 2 * ld->cap_failed : 16;
    const config_setting_t **f = realloc(ld->failed, cap * sizeof *f);
    if (f == NULL) {
      ld->oom = 1;
      return;
    }
    ld->failed = f;
    ld->cap_failed = cap;
  }
  ld->failed[ld->n_failed++] = at;
}

/* Nonzero if a problem was reported at this setting (a cross-check on it
 * would only repeat the problem). */
static int has_failed(const loader *ld, const config_setting_t *root, const char *path) {
  const config_setting_t *s = config_setting_lookup((config_setting_t *)root, path);
  for (size_t i = 0; s != NULL && i < ld->n_failed; i++)
    if (ld->failed[i] == s)
      return 1;
  return 0;
}

/* A user's string as shown in a message: control characters escaped (a
 * message is one line), cut after SHOWN_MAX bytes. */
#define SHOWN_MAX 40
#define SHOWN_SIZE (4 * SHOWN_MAX + 8)
static const char *shown_value(const char *s, char *buf) {
  size_t k = 0, i = 0;
  for (; s[i] != '\0' && i < SHOWN_MAX; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n')
      k += (size_t)snprintf(buf + k, SHOWN_SIZE - k, "\\n");
    else if (c == '"' || c == '\\')
      k += (size_t)snprintf(buf + k, SHOWN_SIZE - k, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      k += (size_t)snprintf(buf + k, SHOWN_SIZE - k, "\\x%02x", c);
    else
      buf[k++] = (char)c;
  }
  if (s[i] != '\0') {
    while (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
      k--; /* do not end inside a UTF-8 character */
    if (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0xC0)
      k--;
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = '\0';
  return buf;
}

/* ---- reading the source: files, sizes, @include ------------------------------ */

/* Folders besides the scenario's own whose files may be included
 * (salesim_scenario_allow_include_dir), as realpaths. */
static char *allowed_dirs[SALESIM_INCLUDE_DIRS_MAX];
static int n_allowed_dirs;

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
  if ((ld->files[ld->n_files] = copy_text(shown, strlen(shown))) == NULL)
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
  const size_t max = SALESIM_FILE_MAX_BYTES;
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
  const char *nul = memchr(buf, '\0', n);
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
                       from, line, shown_value(path, sv));
      return rc;
    }
  shown_value(path, sv);
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
  size_t dl = strlen(ld->dir);
  if (path[0] == '/' || strcmp(ld->dir, ".") == 0)
    snprintf(shown, sizeof shown, "%s", path);
  else
    snprintf(shown, sizeof shown, "%s%s%s", ld->dir, dl > 0 && ld->dir[dl - 1] == '/' ? "" : "/",
             path);
  if ((real = realpath(shown, NULL)) == NULL) {
    int e = errno;
    salesim_diag_add(ld->diag, "%s: cannot read: %s", who, strerror(e));
    return e == ENOMEM ? SALESIM_ENOMEM : SALESIM_ESCENARIO;
  }
  int allowed = is_under(real, ld->top_real);
  for (int i = 0; !allowed && i < n_allowed_dirs; i++)
    allowed = is_under(real, allowed_dirs[i]);
  if (!allowed) {
    char tv[SHOWN_SIZE];
    salesim_diag_add(ld->diag,
                     "%s: outside the scenario's folder %s (expected a file in that folder or "
                     "below it; --include-dir DIR allows another folder)",
                     who, shown_value(ld->top_real, tv));
    goto done;
  }
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

static int is_blank(char c) { return c == ' ' || c == '\t'; }

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
      while (k < n && is_blank(b[k]))
        k++;
      if (n - k > 8 && memcmp(b + k, "@include", 8) == 0 && is_blank(b[k + 8])) {
        size_t q = k + 8;
        while (q < n && is_blank(b[q]))
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
    } else if (is_blank(c) || c == '\r' || c == '\f' || c == '\v') {
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
static int expand_source(loader *ld, char **main_bytes) {
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

int salesim_scenario_allow_include_dir(const char *dir, salesim_diag *diag) {
  struct stat st;
  if (n_allowed_dirs >= SALESIM_INCLUDE_DIRS_MAX) {
    salesim_diag_add(diag, "--include-dir %s: more than %d folders (expected at most %d)", dir,
                     SALESIM_INCLUDE_DIRS_MAX, SALESIM_INCLUDE_DIRS_MAX);
    return SALESIM_EINVAL;
  }
  char *real = realpath(dir, NULL);
  if (real == NULL || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    salesim_diag_add(diag, "--include-dir %s: %s", dir,
                     real == NULL ? strerror(errno) : "not a folder");
    free(real);
    return SALESIM_EINVAL;
  }
  allowed_dirs[n_allowed_dirs++] = real;
  return 0;
}

void salesim_scenario_allow_include_reset(void) {
  for (int i = 0; i < n_allowed_dirs; i++)
    free(allowed_dirs[i]);
  n_allowed_dirs = 0;
}

static const char *type_text(const config_setting_t *s) {
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_GROUP:
    return "a group";
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    return "an integer";
  case CONFIG_TYPE_FLOAT:
    return "a decimal number";
  case CONFIG_TYPE_STRING:
    return "a string";
  case CONFIG_TYPE_BOOL:
    return "a boolean";
  case CONFIG_TYPE_ARRAY:
    return "an array";
  case CONFIG_TYPE_LIST:
    return "a list";
  default:
    return "nothing";
  }
}

static void wrong_type(loader *ld, const config_setting_t *s, const char *name,
                       const char *expected) {
  report(ld, s, name, "wrong type, got %s (expected %s)", type_text(s), expected);
}

static const char *join_list(const char *const *items, size_t n, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; i++) {
    int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", items[i]);
    if (w < 0)
      break;
    used += (size_t)w;
  }
  return buf;
}

static void unknown_setting(loader *ld, const config_setting_t *s, const char *full,
                            const char *const *cands, size_t n) {
  char list[LIST_TEXT];
  const char *name = config_setting_name(s) ? config_setting_name(s) : "";
  const char *guess = salesim_params_suggest(name, cands, n);
  join_list(cands, n, list, sizeof list);
  if (guess != NULL)
    report(ld, s, full, "unknown setting, did you mean '%s'? (expected one of: %s)", guess,
           list);
  else
    report(ld, s, full, "unknown setting (expected one of: %s)", list);
}

/* ---- integers libconfig truncates ---------------------------------------- */

/* libconfig 1.5 reads an integer literal without L as atoi() does: the
 * strtol value cut to its low 32 bits. */
static int as_libconfig_int(long long v) {
  uint32_t u = (uint32_t)(unsigned long long)v;
  return u <= (uint32_t)INT_MAX ? (int)u : (int)(u - UINT32_C(0x80000000)) + INT_MIN;
}

static void add_wrap(loader *ld, const char *file, int line, const char *lit, size_t n) {
  if (ld->n_wraps == ld->cap_wraps) {
    size_t cap = ld->cap_wraps ? 2 * ld->cap_wraps : 8;
    wrapped_int *w = realloc(ld->wraps, cap * sizeof *w);
    if (w == NULL) {
      ld->oom = 1;
      return;
    }
    ld->wraps = w;
    ld->cap_wraps = cap;
  }
  wrapped_int *w = &ld->wraps[ld->n_wraps];
  char num[64];
  size_t k = n < sizeof num - 1 ? n : sizeof num - 1;
  memcpy(num, lit, k);
  num[k] = '\0';
  w->file = copy_text(file, strlen(file));
  if (w->file == NULL) {
    ld->oom = 1;
    return;
  }
  w->line = line;
  w->value = as_libconfig_int(strtoll(num, NULL, 10));
  snprintf(w->text, sizeof w->text, "%s", num);
  ld->n_wraps++;
}

static int is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*';
}
static int is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Find decimal integer literals outside 32 bits (no L suffix) in one source
 * file: the lexical rules follow libconfig's scanner (comments #, //, C
 * style; strings with escapes; names may contain digits and '-'). */
static void scan_wraps(loader *ld, const char *file, const char *b, size_t n) {
  int line = 1;
  size_t i = 0;
  while (i < n) {
    char c = b[i];
    if (c == '\n') {
      line++;
      i++;
    } else if (c == '#' || (c == '/' && i + 1 < n && b[i + 1] == '/')) {
      while (i < n && b[i] != '\n')
        i++;
    } else if (c == '/' && i + 1 < n && b[i + 1] == '*') {
      i += 2;
      while (i < n && !(b[i] == '*' && i + 1 < n && b[i + 1] == '/')) {
        if (b[i] == '\n')
          line++;
        i++;
      }
      i += 2;
    } else if (c == '"') {
      i++;
      while (i < n && b[i] != '"') {
        if (b[i] == '\\' && i + 1 < n)
          i++;
        if (b[i] == '\n')
          line++;
        i++;
      }
      i++;
    } else if (is_name_start(c)) {
      while (i < n && is_name_char(b[i]))
        i++;
    } else if (is_digit(c) || ((c == '-' || c == '+') && i + 1 < n && is_digit(b[i + 1]))) {
      size_t start = i;
      if (!is_digit(c))
        i++;
      if (b[i] == '0' && i + 1 < n && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
        i += 2; /* hexadecimal: rare in a scenario, not checked */
        while (i < n && (is_digit(b[i]) || (b[i] >= 'a' && b[i] <= 'f') ||
                         (b[i] >= 'A' && b[i] <= 'F') || b[i] == 'L'))
          i++;
        continue;
      }
      while (i < n && is_digit(b[i]))
        i++;
      if (i < n && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
        while (i < n && (is_digit(b[i]) || b[i] == '.' || b[i] == 'e' || b[i] == 'E' ||
                         b[i] == '-' || b[i] == '+'))
          i++;
        continue;
      }
      if (i < n && b[i] == 'L') {
        while (i < n && b[i] == 'L')
          i++;
        continue;
      }
      size_t len = i - start;
      /* more than 10 digits, or 10 digits above INT range */
      size_t digits = len - (is_digit(b[start]) ? 0 : 1);
      if (digits >= 10) {
        char num[64];
        size_t k = len < sizeof num - 1 ? len : sizeof num - 1;
        memcpy(num, b + start, k);
        num[k] = '\0';
        errno = 0;
        long long v = strtoll(num, NULL, 10);
        if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
          add_wrap(ld, file, line, b + start, len);
      }
    } else
      i++;
  }
}

/* Nonzero (and reported) if this int setting holds a truncated literal. */
static int check_wrap(loader *ld, const config_setting_t *s, const char *name, int value) {
  int line = (int)config_setting_source_line(s); /* in the inlined text, as the scan's */
  for (size_t i = 0; i < ld->n_wraps; i++) {
    const wrapped_int *w = &ld->wraps[i];
    if (w->line == line && w->value == value) {
      report(ld, s, name,
             "%s does not fit a 32-bit integer and libconfig reads it as %d (expected %s.0 "
             "or %sL)",
             w->text, value, w->text, w->text);
      return 1;
    }
  }
  return 0;
}

/* ---- values ------------------------------------------------------------------ */

/* 0: *v holds the number; 1: not a number (nothing reported); -1: reported. */
static int get_number(loader *ld, const config_setting_t *s, const char *name, double *v) {
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_INT: {
    int i = config_setting_get_int(s);
    if (check_wrap(ld, s, name, i))
      return -1;
    *v = i;
    return 0;
  }
  case CONFIG_TYPE_INT64:
    *v = (double)config_setting_get_int64(s);
    return 0;
  case CONFIG_TYPE_FLOAT:
    *v = config_setting_get_float(s);
    if (!isfinite(*v)) {
      report(ld, s, name, "%g is not a finite number (expected a number)", *v);
      return -1;
    }
    return 0;
  default:
    return 1;
  }
}

/* As get_number, reporting a wrong type too: 0 or -1. */
static int need_number(loader *ld, const config_setting_t *s, const char *name,
                       const char *expected, double *v) {
  int rc = get_number(ld, s, name, v);
  if (rc == 1)
    wrong_type(ld, s, name, expected);
  return rc == 0 ? 0 : -1;
}

static int out_of_range(loader *ld, const config_setting_t *s, const char *name, double v,
                        const salesim_param_spec *spec) {
  char num[32], expect[256];
  report(ld, s, name, "%s out of range (expected %s)",
         salesim_params_number_text(v, num, sizeof num),
         salesim_params_expect_text(spec, expect, sizeof expect));
  return -1;
}

/* The choices of "a|b|c" as separate strings, for suggestions. */
static size_t split_choices(const char *choices, char store[][SALESIM_NAME_MAX],
                            const char **ptrs, size_t max) {
  size_t n = 0;
  for (const char *p = choices; p != NULL && n < max; n++) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len >= SALESIM_NAME_MAX)
      len = SALESIM_NAME_MAX - 1;
    memcpy(store[n], p, len);
    store[n][len] = '\0';
    ptrs[n] = store[n];
    p = bar ? bar + 1 : NULL;
  }
  return n;
}

/* A string that must be one of `choices`; returns its index or -1. */
static int read_choice(loader *ld, const config_setting_t *s, const char *name,
                       const char *choices) {
  char store[16][SALESIM_NAME_MAX], list[LIST_TEXT], expect[LIST_TEXT + 16];
  const char *ptrs[16];
  size_t n = split_choices(choices, store, ptrs, 16);
  join_list(ptrs, n, list, sizeof list);
  snprintf(expect, sizeof expect, "one of: %s", list);
  if (config_setting_type(s) != CONFIG_TYPE_STRING) {
    wrong_type(ld, s, name, expect);
    return -1;
  }
  const char *v = config_setting_get_string(s);
  char sv[SHOWN_SIZE];
  int idx = salesim_params_choice_index(choices, v);
  if (idx < 0) {
    const char *guess = salesim_params_suggest(v, ptrs, n);
    if (guess != NULL)
      report(ld, s, name, "unknown value \"%s\", did you mean '%s'? (expected %s)",
             shown_value(v, sv), guess, expect);
    else
      report(ld, s, name, "unknown value \"%s\" (expected %s)", shown_value(v, sv), expect);
  }
  return idx;
}

/* A distribution: a plain number (constant) or a group
 * { dist = "constant"|"normal"|"lognormal"|"uniform"; mean; sd; min; max; }.
 * The spec's range applies to the mean, and to min and max where given;
 * unset min/max default to the spec's range (draws are clamped to them). */
static int read_dist(loader *ld, const config_setting_t *s, const char *name,
                     const salesim_param_spec *spec, salesim_dist *out) {
  enum { K_DIST, K_MEAN, K_SD, K_MIN, K_MAX, K_COUNT };
  static const char *const keys[K_COUNT] = {"dist", "mean", "sd", "min", "max"};
  /* which keys each kind uses (1) and requires (2) */
  static const int use[4][K_COUNT] = {
      {2, 2, 0, 0, 0}, /* constant */
      {2, 2, 2, 1, 1}, /* normal */
      {2, 2, 2, 1, 1}, /* lognormal */
      {2, 0, 0, 2, 2}, /* uniform */
  };
  char expect[256], full[NAME_TEXT], kinds[128], num[32], num2[32];
  const config_setting_t *m[K_COUNT] = {NULL, NULL, NULL, NULL, NULL};
  double val[K_COUNT] = {0, 0, 0, 0, 0};
  double v;
  int bad = 0, kind = -1;

  int rc = get_number(ld, s, name, &v);
  if (rc < 0)
    return -1;
  if (rc == 0) {
    if (!salesim_params_in_range(spec, v))
      return out_of_range(ld, s, name, v, spec);
    salesim_dist d = {SALESIM_DIST_CONSTANT, v, 0, v, v};
    *out = d;
    return 0;
  }
  if (!config_setting_is_group(s)) {
    wrong_type(ld, s, name, salesim_params_expect_text(spec, expect, sizeof expect));
    return -1;
  }
  for (int i = 0; i < config_setting_length(s); i++) {
    const config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
    const char *cn = config_setting_name(c);
    int k = 0;
    while (k < K_COUNT && strcmp(keys[k], cn) != 0)
      k++;
    join_name(full, sizeof full, name, cn);
    if (k == K_COUNT) {
      unknown_setting(ld, c, full, keys, K_COUNT);
      bad = 1;
    } else
      m[k] = c;
  }
  salesim_params_choice_text(dist_choices, -1, kinds, sizeof kinds);
  join_name(full, sizeof full, name, "dist");
  if (m[K_DIST] == NULL) {
    report(ld, s, full, "missing (expected one of: %s)", kinds);
    bad = 1;
  } else if ((kind = read_choice(ld, m[K_DIST], full, dist_choices)) < 0)
    bad = 1;
  for (int k = K_MEAN; k < K_COUNT; k++) {
    if (m[k] == NULL)
      continue;
    join_name(full, sizeof full, name, keys[k]);
    if (need_number(ld, m[k], full, "a number", &val[k]) != 0)
      bad = 1;
  }
  if (kind < 0)
    return -1;
  for (int k = K_MEAN; k < K_COUNT; k++) {
    join_name(full, sizeof full, name, keys[k]);
    if (m[k] != NULL && use[kind][k] == 0) {
      char used[96] = "";
      size_t u = 0;
      for (int j = K_MEAN; j < K_COUNT; j++)
        if (use[kind][j])
          u += (size_t)snprintf(used + u, sizeof used - u, "%s%s", u ? ", " : "", keys[j]);
      report(ld, m[k], full, "not used by dist \"%s\" (expected only %s)",
             salesim_params_choice_text(dist_choices, kind, kinds, sizeof kinds), used);
      bad = 1;
    } else if (m[k] == NULL && use[kind][k] == 2) {
      report(ld, s, full, "missing for dist \"%s\" (expected a number)",
             salesim_params_choice_text(dist_choices, kind, kinds, sizeof kinds));
      bad = 1;
    }
  }
  if (bad)
    return -1;

  salesim_dist d = {(salesim_dist_kind)kind, val[K_MEAN], val[K_SD], spec->min, spec->max};
  if (kind != SALESIM_DIST_UNIFORM) {
    join_name(full, sizeof full, name, "mean");
    if (!salesim_params_in_range(spec, d.mean))
      bad = out_of_range(ld, m[K_MEAN], full, d.mean, spec);
    else if (kind == SALESIM_DIST_LOGNORMAL && !(d.mean > 0)) {
      report(ld, m[K_MEAN], full, "%s out of range (expected > 0 for a lognormal)",
             salesim_params_number_text(d.mean, num, sizeof num));
      bad = -1;
    }
  }
  if (kind == SALESIM_DIST_CONSTANT) {
    d.min = d.max = d.mean;
  } else if (kind == SALESIM_DIST_NORMAL || kind == SALESIM_DIST_LOGNORMAL) {
    join_name(full, sizeof full, name, "sd");
    if (!(d.sd >= 0)) {
      report(ld, m[K_SD], full, "%s out of range (expected >= 0)",
             salesim_params_number_text(d.sd, num, sizeof num));
      bad = -1;
    }
    /* draws are clamped to [min, max]: an open end of the range must be
     * closed by an explicit bound the draws cannot reach */
    int lo_open = (spec->flags & SALESIM_PF_MIN_EXCL) && isfinite(spec->min) &&
                  !(kind == SALESIM_DIST_LOGNORMAL && spec->min <= 0);
    int hi_open = (spec->flags & SALESIM_PF_MAX_EXCL) && isfinite(spec->max);
    for (int k = K_MIN; k <= K_MAX; k++) {
      int open = k == K_MIN ? lo_open : hi_open;
      join_name(full, sizeof full, name, keys[k]);
      if (m[k] != NULL) {
        if (!salesim_params_in_range(spec, val[k]))
          bad = out_of_range(ld, m[k], full, val[k], spec);
        else if (k == K_MIN)
          d.min = val[k];
        else
          d.max = val[k];
      } else if (open) {
        char range[96];
        report(ld, s, full,
               "missing: a %s can reach the end of the range and draws are clamped to it "
               "(expected an explicit %s, %s)",
               salesim_params_choice_text(dist_choices, kind, kinds, sizeof kinds), keys[k],
               salesim_params_range_text(spec, range, sizeof range));
        bad = -1;
      }
    }
    if (bad == 0 && d.min > d.max) {
      join_name(full, sizeof full, name, "max");
      report(ld, m[K_MAX] ? m[K_MAX] : s, full, "%s is below min %s (expected min <= max)",
             salesim_params_number_text(d.max, num, sizeof num),
             salesim_params_number_text(d.min, num2, sizeof num2));
      bad = -1;
    } else if (bad == 0 && (d.mean < d.min || d.mean > d.max)) {
      join_name(full, sizeof full, name, "mean");
      report(ld, m[K_MEAN], full, "%s is outside [min, max] = [%s, %s] (expected a mean inside)",
             salesim_params_number_text(d.mean, num, sizeof num),
             salesim_params_number_text(d.min, num2, sizeof num2),
             salesim_params_number_text(d.max, expect, sizeof expect));
      bad = -1;
    }
  } else { /* uniform */
    for (int k = K_MIN; k <= K_MAX; k++) {
      join_name(full, sizeof full, name, keys[k]);
      if (!salesim_params_in_range(spec, val[k]))
        bad = out_of_range(ld, m[k], full, val[k], spec);
    }
    if (bad == 0 && !(val[K_MIN] < val[K_MAX])) {
      join_name(full, sizeof full, name, "max");
      report(ld, m[K_MAX], full, "%s is not above min %s (expected min < max)",
             salesim_params_number_text(val[K_MAX], num, sizeof num),
             salesim_params_number_text(val[K_MIN], num2, sizeof num2));
      bad = -1;
    }
    d.min = val[K_MIN];
    d.max = val[K_MAX];
    d.mean = (d.min + d.max) / 2;
    d.sd = (d.max - d.min) / sqrt(12.0);
  }
  if (bad)
    return -1;
  *out = d;
  return 0;
}

static int is_sequence(const config_setting_t *s) {
  return config_setting_is_list(s) || config_setting_is_array(s);
}

/* Points: ( (x, y), (x, y), ... ), each pair a list or an array. */
static int read_points(loader *ld, const config_setting_t *s, const char *name,
                       const salesim_param_spec *spec, salesim_points *out) {
  char expect[256], full[NAME_TEXT], a[32], b[32], range[96];
  salesim_params_expect_text(spec, expect, sizeof expect);
  if (!is_sequence(s)) {
    wrong_type(ld, s, name, expect);
    return -1;
  }
  int n = config_setting_length(s), bad = 0;
  if (n > SALESIM_MAX_POINTS) {
    report(ld, s, name, "%d points (expected at most %d)", n, SALESIM_MAX_POINTS);
    return -1;
  }
  salesim_points p;
  memset(&p, 0, sizeof p);
  p.n = n;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    index_name(full, sizeof full, name, i);
    if (!is_sequence(e) || config_setting_length(e) != 2) {
      report(ld, e, full, "not an (x, y) pair, got %s (expected %s)", type_text(e), expect);
      bad = 1;
      continue;
    }
    if (need_number(ld, config_setting_get_elem(e, 0), full, "a number", &p.x[i]) != 0 ||
        need_number(ld, config_setting_get_elem(e, 1), full, "a number", &p.y[i]) != 0)
      bad = 1;
  }
  if (bad)
    return -1;
  salesim_params_range_text(spec, range, sizeof range);
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    index_name(full, sizeof full, name, i);
    if ((spec->flags & SALESIM_PF_INCREASING) && i > 0 && !(p.x[i] > p.x[i - 1])) {
      report(ld, e, full, "x = %s is not above the previous x = %s (expected x strictly "
                          "increasing)",
             salesim_params_number_text(p.x[i], a, sizeof a),
             salesim_params_number_text(p.x[i - 1], b, sizeof b));
      bad = 1;
    }
    if (!salesim_params_in_range(spec, p.y[i])) {
      report(ld, e, full, "y = %s out of range (expected y %s)",
             salesim_params_number_text(p.y[i], a, sizeof a), range);
      bad = 1;
    }
  }
  if (bad)
    return -1;
  *out = p;
  return 0;
}

/* A vector: [1, 2, 3] or (1, 2.5, 3). */
static int read_vector(loader *ld, const config_setting_t *s, const char *name,
                       const salesim_param_spec *spec, salesim_vector *out) {
  char expect[256], full[NAME_TEXT], a[32], b[32], range[96];
  salesim_params_expect_text(spec, expect, sizeof expect);
  if (!is_sequence(s)) {
    wrong_type(ld, s, name, expect);
    return -1;
  }
  int n = config_setting_length(s), bad = 0;
  if (n == 0 || n > SALESIM_MAX_POINTS) {
    report(ld, s, name, "%d values (expected 1 to %d)", n, SALESIM_MAX_POINTS);
    return -1;
  }
  salesim_vector v;
  memset(&v, 0, sizeof v);
  v.n = n;
  salesim_params_range_text(spec, range, sizeof range);
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    index_name(full, sizeof full, name, i);
    if (need_number(ld, e, full, "a number", &v.v[i]) != 0) {
      bad = 1;
      continue;
    }
    if (!salesim_params_in_range(spec, v.v[i])) {
      report(ld, e, full, "%s out of range (expected %s)",
             salesim_params_number_text(v.v[i], a, sizeof a), range);
      bad = 1;
    } else if ((spec->flags & SALESIM_PF_INCREASING) && i > 0 && !(v.v[i] > v.v[i - 1])) {
      report(ld, e, full, "%s is not above the previous value %s (expected strictly "
                          "increasing values)",
             salesim_params_number_text(v.v[i], a, sizeof a),
             salesim_params_number_text(v.v[i - 1], b, sizeof b));
      bad = 1;
    }
  }
  if (bad)
    return -1;
  *out = v;
  return 0;
}

/* Read one setting into its field; 0 or -1 (reported). */
static int read_value(loader *ld, const config_setting_t *s, const char *name,
                      const salesim_param_spec *spec, void *field) {
  char expect[256];
  double v;
  salesim_params_expect_text(spec, expect, sizeof expect);
  switch (spec->kind) {
  case SALESIM_P_DOUBLE:
    if (need_number(ld, s, name, expect, &v) != 0)
      return -1;
    if (!salesim_params_in_range(spec, v))
      return out_of_range(ld, s, name, v, spec);
    *(double *)field = v;
    return 0;
  case SALESIM_P_INT: {
    long long i;
    if (config_setting_type(s) == CONFIG_TYPE_INT) {
      int small = config_setting_get_int(s);
      if (check_wrap(ld, s, name, small))
        return -1;
      i = small;
    } else if (config_setting_type(s) == CONFIG_TYPE_INT64)
      i = config_setting_get_int64(s);
    else {
      wrong_type(ld, s, name, expect);
      return -1;
    }
    if (!salesim_params_in_range(spec, (double)i)) {
      report(ld, s, name, "%lld out of range (expected %s)", i, expect);
      return -1;
    }
    *(int *)field = (int)i;
    return 0;
  }
  case SALESIM_P_BOOL:
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
      wrong_type(ld, s, name, expect);
      return -1;
    }
    *(int *)field = config_setting_get_bool(s) ? 1 : 0;
    return 0;
  case SALESIM_P_CHOICE: {
    int idx = read_choice(ld, s, name, spec->choices);
    if (idx < 0)
      return -1;
    *(int *)field = idx;
    return 0;
  }
  case SALESIM_P_STRING: {
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
      wrong_type(ld, s, name, expect);
      return -1;
    }
    const char *str = config_setting_get_string(s);
    size_t len = strlen(str);
    if (len >= SALESIM_NAME_MAX) {
      report(ld, s, name, "%zu characters (expected at most %d)", len, SALESIM_NAME_MAX - 1);
      return -1;
    }
    memcpy(field, str, len + 1);
    return 0;
  }
  case SALESIM_P_DIST:
    return read_dist(ld, s, name, spec, field);
  case SALESIM_P_POINTS:
    return read_points(ld, s, name, spec, field);
  case SALESIM_P_VECTOR:
    return read_vector(ld, s, name, spec, field);
  }
  return -1;
}

static int spec_index(const salesim_param_table *t, const char *name) {
  for (size_t i = 0; i < t->count; i++)
    if (strcmp(t->specs[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Fill `out` from group `g` with table `t` (defaults must be in `out`
 * already). Names in `skip` are the caller's to read. Every setting not in
 * the table or `skip` is an error. *present gets a bit per spec found.
 * Returns 0 or -1 (reported). */
static int read_table(loader *ld, const config_setting_t *g, const char *prefix,
                      const salesim_param_table *t, void *out, const char *const *skip,
                      size_t n_skip, uint64_t *present) {
  const char *cands[MAX_CANDIDATES];
  char full[NAME_TEXT], expect[256];
  size_t nc = 0;
  uint64_t seen = 0;
  int bad = 0;
  assert(t->count <= 64);
  for (size_t i = 0; i < t->count && nc < MAX_CANDIDATES; i++)
    cands[nc++] = t->specs[i].name;
  for (size_t i = 0; i < n_skip && nc < MAX_CANDIDATES; i++)
    if (spec_index(t, skip[i]) < 0)
      cands[nc++] = skip[i];
  for (int i = 0; i < config_setting_length(g); i++) {
    const config_setting_t *c = config_setting_get_elem(g, (unsigned)i);
    const char *name = config_setting_name(c);
    size_t k = 0;
    while (k < n_skip && strcmp(skip[k], name) != 0)
      k++;
    if (k < n_skip)
      continue; /* the caller's */
    join_name(full, sizeof full, prefix, name);
    int j = spec_index(t, name);
    if (j < 0) {
      unknown_setting(ld, c, full, cands, nc);
      bad = 1;
      continue;
    }
    seen |= UINT64_C(1) << j;
    if (read_value(ld, c, full, &t->specs[j], (char *)out + t->specs[j].offset) != 0)
      bad = 1;
  }
  for (size_t j = 0; j < t->count; j++)
    if ((t->specs[j].flags & SALESIM_PF_REQUIRED) && !(seen & (UINT64_C(1) << j))) {
      join_name(full, sizeof full, prefix, t->specs[j].name);
      report(ld, g, full, "missing (expected %s)",
             salesim_params_expect_text(&t->specs[j], expect, sizeof expect));
      bad = 1;
    }
  if (present != NULL)
    *present = seen;
  return bad ? -1 : 0;
}

/* ---- the scenario's parts ------------------------------------------------ */

static const config_setting_t *group_member(loader *ld, const config_setting_t *root,
                                            const char *name) {
  const config_setting_t *g = config_setting_get_member(root, name);
  if (g != NULL && !config_setting_is_group(g)) {
    char expect[128];
    snprintf(expect, sizeof expect, "a group %s = { ... };", name);
    wrong_type(ld, g, name, expect);
    return NULL;
  }
  return g;
}

static void read_territories(loader *ld, const config_setting_t *g, salesim_territories *t) {
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  const salesim_param_table *et = &tables[SALESIM_TABLE_TERRITORY];
  static const char *const skip[] = {"list"};
  const char *expect = "a list of groups ( { potential = ...; book = ...; }, ... )";
  char full[NAME_TEXT];
  uint64_t present = 0;
  read_table(ld, g, "territories", &tables[SALESIM_TABLE_TERRITORIES], t, skip, 1, &present);
  const config_setting_t *list = config_setting_get_member(g, "list");
  if (list == NULL)
    return;
  if (!config_setting_is_list(list)) {
    wrong_type(ld, list, "territories.list", expect);
    return;
  }
  int count_bit = spec_index(&tables[SALESIM_TABLE_TERRITORIES], "count");
  if (present & (UINT64_C(1) << count_bit))
    report(ld, config_setting_get_member(g, "count"), "territories.count",
           "set together with territories.list (expected one of the two: with a list, "
           "count is its length)");
  int n = config_setting_length(list);
  if (n == 0) {
    report(ld, list, "territories.list", "empty list (expected %s)", expect);
    return;
  }
  t->list = calloc((size_t)n, sizeof *t->list);
  if (t->list == NULL) {
    ld->oom = 1;
    return;
  }
  t->list_count = n;
  t->count = n;
  int book = spec_index(et, "book"), prospects = spec_index(et, "prospects");
  int difficulty = spec_index(et, "difficulty");
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    salesim_territory_spec *ts = &t->list[i];
    index_name(full, sizeof full, "territories.list", i);
    salesim_params_defaults(et, ts);
    if (!config_setting_is_group(e)) {
      wrong_type(ld, e, full, "a group { potential = ...; }");
      continue;
    }
    read_table(ld, e, full, et, ts, NULL, 0, &present);
    if (!(present & (UINT64_C(1) << book)))
      ts->book = t->book.mean;
    if (!(present & (UINT64_C(1) << prospects)))
      ts->prospects = t->prospects.mean;
    if (!(present & (UINT64_C(1) << difficulty)))
      ts->difficulty = t->difficulty.mean;
  }
}

/* The optional `sweep` group: its settings from the sweep table, then each
 * entry of `params` from the sweep.params table; paths are checked against
 * the loaded scenario (salesim_scenario_get) once the mechanisms exist. */
static void read_sweep(loader *ld, const config_setting_t *g, salesim_scenario *sc) {
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  const salesim_param_table *pt = &tables[SALESIM_TABLE_SWEEP_PARAM];
  static const char *const skip[] = {"params"};
  const char *expect = "a list of groups ( { path = \"...\"; min = ...; max = ...; }, ... )";
  char full[NAME_TEXT];
  uint64_t present = 0;
  salesim_sweep *sw = calloc(1, sizeof *sw);
  if (sw == NULL) {
    ld->oom = 1;
    return;
  }
  sc->sweep = sw;
  read_table(ld, g, "sweep", &tables[SALESIM_TABLE_SWEEP], sw, skip, 1, NULL);
  const config_setting_t *list = config_setting_get_member(g, "params");
  if (list == NULL) {
    report(ld, g, "sweep.params", "missing (expected %s)", expect);
    return;
  }
  if (!config_setting_is_list(list) || config_setting_length(list) == 0) {
    wrong_type(ld, list, "sweep.params", expect);
    return;
  }
  int n = config_setting_length(list);
  sw->params = calloc((size_t)n, sizeof *sw->params);
  if (sw->params == NULL) {
    ld->oom = 1;
    return;
  }
  sw->n_params = n;
  int steps_bit = spec_index(pt, "steps"), values_bit = spec_index(pt, "values");
  int min_bit = spec_index(pt, "min"), max_bit = spec_index(pt, "max");
  double grid_points = 1;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    salesim_sweep_param *p = &sw->params[i];
    index_name(full, sizeof full, "sweep.params", i);
    salesim_params_defaults(pt, p);
    setting_source(ld, e, &p->line);
    if (!config_setting_is_group(e)) {
      wrong_type(ld, e, full, "a group { path = \"...\"; min = ...; max = ...; }");
      continue;
    }
    if (read_table(ld, e, full, pt, p, NULL, 0, &present) != 0)
      continue;
    int has_range = (present & (UINT64_C(1) << min_bit)) && (present & (UINT64_C(1) << max_bit));
    int has_values = (present & (UINT64_C(1) << values_bit)) != 0;
    char sub[NAME_TEXT];
    if (sw->design == SALESIM_SWEEP_GRID && has_values) {
      grid_points *= p->values.n;
      if (p->values.n == 0) {
        join_name(sub, sizeof sub, full, "values");
        report(ld, e, sub, "empty (expected at least one value)");
      }
    } else if (!has_range) {
      report(ld, e, full, "min and max missing (expected both%s)",
             sw->design == SALESIM_SWEEP_GRID ? ", or values" : "");
    } else if (!(p->max > p->min) &&
               !(sw->design == SALESIM_SWEEP_GRID && p->steps == 1 && p->max >= p->min)) {
      join_name(sub, sizeof sub, full, "max");
      report(ld, e, sub, "%g is not above min %g (expected max > min)", p->max, p->min);
    } else if (sw->design == SALESIM_SWEEP_GRID) {
      grid_points *= p->steps;
    }
    if (sw->design != SALESIM_SWEEP_GRID &&
        ((present & (UINT64_C(1) << steps_bit)) || has_values)) {
      join_name(sub, sizeof sub, full, has_values ? "values" : "steps");
      report(ld, e, sub, "only for design = \"grid\" (expected min and max)");
    }
  }
  if (sw->design == SALESIM_SWEEP_GRID && grid_points > 100000)
    report(ld, g, "sweep.params", "the grid has %.0f points (expected at most 100000)",
           grid_points);
}

/* After the mechanisms are read: every swept path names a number. */
static void check_sweep_paths(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  const config_setting_t *g = config_setting_get_member(root, "sweep");
  const config_setting_t *list = g ? config_setting_get_member(g, "params") : NULL;
  if (sc->sweep == NULL || list == NULL)
    return;
  for (int i = 0; i < sc->sweep->n_params; i++) {
    salesim_sweep_param *p = &sc->sweep->params[i];
    if (p->path[0] == '\0')
      continue; /* reported as missing */
    salesim_diag one = SALESIM_DIAG_INIT;
    if (isnan(salesim_scenario_get(sc, p->path, &one))) {
      char full[NAME_TEXT], sub[NAME_TEXT];
      const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
      index_name(full, sizeof full, "sweep.params", i);
      join_name(sub, sizeof sub, full, "path");
      const config_setting_t *at = e ? config_setting_get_member(e, "path") : NULL;
      report(ld, at ? at : e, sub, "%s", one.count ? one.lines[0] : "no such number");
    } else {
      /* every value the design can take must be allowed: try the ends */
      salesim_scenario *copy = salesim_scenario_copy(sc);
      double ends[SALESIM_MAX_POINTS + 2];
      int n = 0;
      if (p->values.n > 0 && sc->sweep->design == SALESIM_SWEEP_GRID)
        for (int k = 0; k < p->values.n; k++)
          ends[n++] = p->values.v[k];
      else {
        ends[n++] = p->min;
        ends[n++] = p->max;
      }
      for (int k = 0; copy != NULL && k < n; k++) {
        salesim_diag_clear(&one);
        if (salesim_scenario_set(copy, p->path, ends[k], &one) != 0) {
          char full[NAME_TEXT];
          index_name(full, sizeof full, "sweep.params", i);
          report(ld, config_setting_get_elem(list, (unsigned)i), full, "%s",
                 one.count ? one.lines[0] : "value out of range");
          break;
        }
      }
      if (copy == NULL)
        ld->oom = 1;
      salesim_scenario_free(copy);
    }
    salesim_diag_clear(&one);
  }
  /* every point of the design together: a combination may break a
   * cross-check its values pass alone (the grid is at most 100000 points;
   * lhs and sobol points with the file's seed, run checks them again with
   * the seed it uses) */
  if (ld->errors == 0 && !ld->oom) {
    char what[600];
    salesim_diag problem = SALESIM_DIAG_INIT;
    int rc = salesim_sweep_check(sc, sc->seed, what, sizeof what, &problem);
    if (rc == SALESIM_ENOMEM)
      ld->oom = 1;
    else if (rc != 0)
      report(ld, config_setting_get_elem(list, 0), "sweep.params", "%s: %s", what,
             problem.count ? problem.lines[0] : "fails the scenario's checks");
    salesim_diag_clear(&problem);
  }
}

static int label_ok(const char *s) {
  if (*s == '\0' || *s == '.' || *s == '-') /* a folder or CSV text: docs/safety.md */
    return 0;
  for (; *s; s++)
    if (!(is_name_char(*s) || *s == '.') || *s == '*')
      return 0;
  return 1;
}

static void read_mechanisms(loader *ld, const config_setting_t *root, salesim_scenario *sc) {
  const char *const *names = salesim_mechanism_names();
  static const char *const skip[] = {"type", "name"};
  size_t n_names = 0;
  char list[LIST_TEXT], where[NAME_TEXT], full[NAME_TEXT];
  while (names[n_names] != NULL)
    n_names++;
  join_list(names, n_names, list, sizeof list);

  const config_setting_t *ms = config_setting_get_member(root, "mechanisms");
  if (ms == NULL) {
    report(ld, root, "mechanisms",
           "missing (expected a list of mechanisms, e.g. mechanisms = ( { type = \"%s\"; } ); "
           "types: %s)",
           names[0] ? names[0] : "commission", list);
    return;
  }
  if (!config_setting_is_list(ms)) {
    wrong_type(ld, ms, "mechanisms", "a list ( { type = \"...\"; ... }, ... )");
    return;
  }
  int n = config_setting_length(ms);
  if (n == 0) {
    report(ld, ms, "mechanisms", "empty list (expected at least one mechanism; types: %s)",
           list);
    return;
  }
  sc->mechanisms = calloc((size_t)n, sizeof *sc->mechanisms);
  ld->mech_ok = calloc((size_t)n, sizeof *ld->mech_ok);
  if (sc->mechanisms == NULL || ld->mech_ok == NULL) {
    ld->oom = 1;
    return;
  }
  sc->n_mechanisms = n;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(ms, (unsigned)i);
    salesim_mechanism_spec *m = &sc->mechanisms[i];
    index_name(where, sizeof where, "mechanisms", i);
    setting_source(ld, e, &m->line);
    if (!config_setting_is_group(e)) {
      wrong_type(ld, e, where, "a group { type = \"...\"; ... }");
      continue;
    }
    const config_setting_t *ts = config_setting_get_member(e, "type");
    join_name(full, sizeof full, where, "type");
    if (ts == NULL)
      report(ld, e, full, "missing (expected one of: %s)", list);
    else if (config_setting_type(ts) != CONFIG_TYPE_STRING) {
      char expect[LIST_TEXT + 16];
      snprintf(expect, sizeof expect, "one of: %s", list);
      wrong_type(ld, ts, full, expect);
    } else {
      const char *tn = config_setting_get_string(ts);
      char sv[SHOWN_SIZE];
      m->type = salesim_mechanism_find(tn);
      if (m->type == NULL) {
        const char *guess = salesim_params_suggest(tn, names, n_names);
        if (guess != NULL)
          report(ld, ts, full,
                 "unknown mechanism \"%s\", did you mean '%s'? (expected one of: %s)",
                 shown_value(tn, sv), guess, list);
        else
          report(ld, ts, full, "unknown mechanism \"%s\" (expected one of: %s)",
                 shown_value(tn, sv), list);
      }
    }
    const config_setting_t *ns = config_setting_get_member(e, "name");
    join_name(full, sizeof full, where, "name");
    if (ns != NULL) {
      char sv[SHOWN_SIZE];
      if (config_setting_type(ns) != CONFIG_TYPE_STRING)
        wrong_type(ld, ns, full, "a string");
      else {
        const char *label = config_setting_get_string(ns);
        if (strlen(label) >= SALESIM_NAME_MAX)
          report(ld, ns, full, "%zu characters (expected at most %d)", strlen(label),
                 SALESIM_NAME_MAX - 1);
        else if (!label_ok(label))
          report(ld, ns, full,
                 "\"%s\" (expected letters, digits, '_', '-' or '.', not empty, not "
                 "starting with '.' or '-')",
                 shown_value(label, sv));
        else
          snprintf(m->name, sizeof m->name, "%s", label);
      }
    } else if (m->type != NULL)
      snprintf(m->name, sizeof m->name, "%s", m->type->name);
    if (m->type == NULL)
      continue;
    const salesim_param_table *t = m->type->params;
    m->params = calloc(1, t->struct_size ? t->struct_size : 1);
    if (m->params == NULL) {
      ld->oom = 1;
      continue;
    }
    salesim_params_defaults(t, m->params);
    /* the type's own settings, then the overlays every entry accepts; each
     * pass leaves the other's names alone */
    const salesim_param_table *ov = &salesim_scenario_tables(NULL)[SALESIM_TABLE_OVERLAYS];
    const char *pass_skip[2 + 64 + 16];
    size_t np = 0;
    pass_skip[np++] = skip[0];
    pass_skip[np++] = skip[1];
    for (size_t k = 0; k < ov->count; k++)
      pass_skip[np++] = ov->specs[k].name;
    ld->mech_ok[i] = read_table(ld, e, where, t, m->params, pass_skip, np, NULL) == 0;
    /* second pass: every member that is not an overlay was judged above */
    np = 0;
    for (int k = 0; k < config_setting_length(e) && np < sizeof pass_skip / sizeof pass_skip[0];
         k++) {
      const char *member = config_setting_name(config_setting_get_elem(e, (unsigned)k));
      if (spec_index(ov, member) < 0)
        pass_skip[np++] = member;
    }
    salesim_params_defaults(ov, &m->overlays);
    if (read_table(ld, e, where, ov, &m->overlays, pass_skip, np, NULL) != 0)
      ld->mech_ok[i] = 0;
  }
  /* labels are unique */
  for (int j = 1; j < n; j++) {
    if (sc->mechanisms[j].name[0] == '\0')
      continue;
    for (int i = 0; i < j; i++)
      if (strcmp(sc->mechanisms[i].name, sc->mechanisms[j].name) == 0) {
        const config_setting_t *e = config_setting_get_elem(ms, (unsigned)j);
        const config_setting_t *ns = config_setting_get_member(e, "name");
        index_name(where, sizeof where, "mechanisms", j);
        join_name(full, sizeof full, where, "name");
        report(ld, ns ? ns : e, full,
               "\"%s\" is also the name of mechanisms[%d] on line %d (expected unique names: "
               "set name = \"...\")",
               sc->mechanisms[j].name, i, sc->mechanisms[i].line);
        break;
      }
  }
}

/* The setting that best locates a cross-check: the first that exists. */
static const config_setting_t *locate(const config_setting_t *root, const char *a,
                                      const char *b) {
  const config_setting_t *s = NULL;
  if (a != NULL)
    s = config_setting_lookup((config_setting_t *)root, a);
  if (s == NULL && b != NULL)
    s = config_setting_lookup((config_setting_t *)root, b);
  return s != NULL ? s : root;
}

static void cross_checks(loader *ld, const config_setting_t *root, salesim_scenario *sc,
                         const salesim_scenario_top *top) {
  char num[32], where[NAME_TEXT + 4200];
  /* baseline names a mechanism */
  sc->baseline_index = 0;
  if (sc->n_mechanisms > 0) {
    if (top->baseline[0] != '\0') {
      const char *labels[256];
      char list[LIST_TEXT], sv[SHOWN_SIZE];
      int n = sc->n_mechanisms < 256 ? sc->n_mechanisms : 256, found = -1;
      for (int i = 0; i < n; i++) {
        labels[i] = sc->mechanisms[i].name;
        if (found < 0 && strcmp(labels[i], top->baseline) == 0)
          found = i;
      }
      if (found < 0) {
        const char *guess = salesim_params_suggest(top->baseline, labels, (size_t)n);
        join_list(labels, (size_t)n, list, sizeof list);
        if (guess != NULL)
          report(ld, locate(root, "baseline", NULL), "baseline",
                 "no mechanism is named \"%s\", did you mean '%s'? (expected one of: %s)",
                 shown_value(top->baseline, sv), guess, list);
        else
          report(ld, locate(root, "baseline", NULL), "baseline",
                 "no mechanism is named \"%s\" (expected one of: %s)",
                 shown_value(top->baseline, sv), list);
      } else
        sc->baseline_index = found;
    }
    snprintf(sc->baseline, sizeof sc->baseline, "%s", sc->mechanisms[sc->baseline_index].name);
  }
  /* each territory needs at least one position */
  int territories = sc->territories.list ? sc->territories.list_count : sc->territories.count;
  if (sc->population.reps < territories && !has_failed(ld, root, "population.reps") &&
      !has_failed(ld, root, "territories.count"))
    report(ld, locate(root, "population.reps", "territories.count"), "population.reps",
           "%d reps for %d territories (expected at least one rep per territory)",
           sc->population.reps, territories);
  /* a fixed target must be given */
  if (sc->firm.target_rule == SALESIM_TARGET_FIXED && !(sc->firm.fixed_target > 0) &&
      !has_failed(ld, root, "firm.fixed_target"))
    report(ld, locate(root, "firm.fixed_target", "firm.target_rule"), "firm.fixed_target",
           "%s with target_rule = \"fixed\" (expected a number > 0)",
           config_setting_lookup((config_setting_t *)root, "firm.fixed_target")
               ? salesim_params_number_text(sc->firm.fixed_target, num, sizeof num)
               : "missing");
  /* bounded work (docs/limits.md): in pipeline mode, leads per position and
   * month at unit hunting effort are potential / (positions * 12 * 0.2 *
   * deal value), and the effort people choose grows as effort_cost shrinks
   * against the money a position can sell */
  if (sc->production.mode == SALESIM_MODE_PIPELINE && territories > 0 &&
      !has_failed(ld, root, "production.deal_value") &&
      !has_failed(ld, root, "population.effort_cost")) {
    salesim_limit_check lc;
    salesim_params_limit_check(sc, &lc);
    char num2[32], num3[32];
    if (lc.leads_unit > SALESIM_LIMIT_LEADS_UNIT)
      report(ld, locate(root, "production.deal_value", "territories.potential"),
             "production.deal_value",
             "mean %s makes %s new opportunities a month per position at unit hunting effort "
             "(expected a mean of at least %s, for at most %d a month; docs/limits.md)",
             salesim_params_number_text(lc.deal_mean, num, sizeof num),
             salesim_params_number_text(lc.leads_unit, num2, sizeof num2),
             salesim_params_number_text(lc.deal_min, num3, sizeof num3),
             SALESIM_LIMIT_LEADS_UNIT);
    if (lc.effort_cost_mean < lc.effort_cost_min)
      report(ld, locate(root, "population.effort_cost", "population"), "population.effort_cost",
             "mean %s is too cheap for positions that can sell %s a month (expected a mean of "
             "at least %s, 1/%d of it; docs/limits.md)",
             salesim_params_number_text(lc.effort_cost_mean, num, sizeof num),
             salesim_params_number_text(lc.sales_month, num2, sizeof num2),
             salesim_params_number_text(lc.effort_cost_min, num3, sizeof num3),
             SALESIM_LIMIT_EFFORT_RATIO);
  }
  /* each mechanism's own cross-setting checks */
  const config_setting_t *ms = config_setting_get_member(root, "mechanisms");
  for (int i = 0; i < sc->n_mechanisms && ld->mech_ok != NULL; i++) {
    const salesim_mechanism_spec *m = &sc->mechanisms[i];
    if (!ld->mech_ok[i] || m->type == NULL || m->type->check == NULL)
      continue;
    const config_setting_t *e = config_setting_get_elem(ms, (unsigned)i);
    int line;
    const char *file = setting_source(ld, e, &line);
    snprintf(where, sizeof where, "%s:%d: mechanisms[%d]", file, line, i);
    if (m->type->check(m->params, sc, where, ld->diag) != 0)
      ld->errors++;
  }
}

/* Walk the whole tree into `sc`, reporting every problem. */
static void load_tree(loader *ld, const config_t *cf, salesim_scenario *sc) {
  static const char *const top_skip[] = {"description", "production", "population",
                                         "territories", "firm",       "mechanisms",
                                         "sweep"};
  const salesim_param_table *tables = salesim_scenario_tables(NULL);
  const config_setting_t *root = config_root_setting(cf);
  const config_setting_t *s;
  salesim_scenario_top top;
  char sv[SHOWN_SIZE];

  salesim_params_defaults(&tables[SALESIM_TABLE_TOP], &top);
  salesim_params_defaults(&tables[SALESIM_TABLE_PRODUCTION], &sc->production);
  salesim_params_defaults(&tables[SALESIM_TABLE_POPULATION], &sc->population);
  salesim_params_defaults(&tables[SALESIM_TABLE_TERRITORIES], &sc->territories);
  salesim_params_defaults(&tables[SALESIM_TABLE_FIRM], &sc->firm);

  read_table(ld, root, "", &tables[SALESIM_TABLE_TOP], &top, top_skip,
             sizeof top_skip / sizeof top_skip[0], NULL);
  if ((s = config_setting_get_member(root, "description")) != NULL) {
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
      wrong_type(ld, s, "description", "a string");
    else {
      const char *d = config_setting_get_string(s);
      if ((sc->description = copy_text(d, strlen(d))) == NULL)
        ld->oom = 1;
    }
  }
  if ((s = group_member(ld, root, "production")) != NULL)
    read_table(ld, s, "production", &tables[SALESIM_TABLE_PRODUCTION], &sc->production, NULL,
               0, NULL);
  if ((s = group_member(ld, root, "population")) != NULL)
    read_table(ld, s, "population", &tables[SALESIM_TABLE_POPULATION], &sc->population, NULL,
               0, NULL);
  if ((s = group_member(ld, root, "territories")) != NULL)
    read_territories(ld, s, &sc->territories);
  if ((s = group_member(ld, root, "firm")) != NULL)
    read_table(ld, s, "firm", &tables[SALESIM_TABLE_FIRM], &sc->firm, NULL, 0, NULL);
  read_mechanisms(ld, root, sc);
  if ((s = group_member(ld, root, "sweep")) != NULL)
    read_sweep(ld, s, sc);

  /* The name becomes a folder name (out/<name>): docs/safety.md. A name taken
   * from the file name is made safe; a written one must be. */
  const char *bad_name = top.name[0] ? salesim_output_name_problem(top.name) : NULL;
  if (top.name[0] == '\0') {
    file_stem(ld->path, top.name, sizeof top.name);
    salesim_output_name_sanitize(top.name, sizeof top.name);
  } else if (bad_name != NULL)
    report(ld, locate(root, "name", NULL), "name", "\"%s\" %s (expected %s)",
           shown_value(top.name, sv), bad_name, SALESIM_OUTPUT_NAME_EXPECT);
  snprintf(sc->name, sizeof sc->name, "%s", top.name);
  if (strlen(top.currency) >= sizeof sc->currency)
    report(ld, locate(root, "currency", NULL), "currency",
           "\"%s\" has %zu characters (expected at most %zu)", shown_value(top.currency, sv),
           strlen(top.currency), sizeof sc->currency - 1);
  else
    snprintf(sc->currency, sizeof sc->currency, "%s", top.currency);
  sc->seed = (uint64_t)top.seed;
  sc->replications = top.replications;
  sc->months = top.months;
  sc->months_per_year = top.months_per_year;
  sc->mode = top.mode;
  sc->budget = top.budget;
  cross_checks(ld, root, sc, &top);
  if (ld->errors == 0 && !ld->oom)
    check_sweep_paths(ld, root, sc);
}

/* The n-th line of a buffer, trimmed, cut to QUOTE_MAX bytes, control
 * characters replaced. */
static int quote_line(const char *buf, size_t len, int line, char *out, size_t size) {
  size_t i = 0;
  for (int l = 1; l < line && i < len; i++)
    if (buf[i] == '\n')
      l++;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
    i++;
  size_t end = i;
  while (end < len && buf[end] != '\n' && buf[end] != '\r')
    end++;
  while (end > i && (buf[end - 1] == ' ' || buf[end - 1] == '\t'))
    end--;
  if (end == i || size < QUOTE_MAX + 4)
    return 0;
  size_t n = end - i, k = 0;
  int cut = n > QUOTE_MAX;
  if (cut) {
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)buf[i + n] & 0xC0) == 0x80)
      n--; /* do not split a UTF-8 character */
  }
  for (; k < n; k++) {
    unsigned char c = (unsigned char)buf[i + k];
    out[k] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
  }
  if (cut)
    out[k++] = '.', out[k++] = '.', out[k++] = '.';
  out[k] = '\0';
  return 1;
}

/* A syntax error: FILE:LINE and libconfig's text (a fixed phrase). A line
 * is quoted only from the main file, the one the user named, and not when
 * that name is a symbolic link (`salesim batch FOLDER` finds names the user
 * did not type): an included file that does not parse may not be a scenario
 * at all, and nothing of it is echoed (docs/input-safety.md). */
static int parse_error(loader *ld, const config_t *cf) {
  const char *text = config_error_text(cf) ? config_error_text(cf) : "unknown error";
  int line;
  const char *file = source_at(ld, config_error_line(cf), &line);
  char quote[QUOTE_MAX + 8];
  if (file == ld->files[0] && !ld->main_is_link && quote_line(ld->main_bytes, ld->main_len, line, quote, sizeof quote))
    salesim_diag_add(ld->diag, "%s:%d: syntax error: %s, in: %s", file, line, text, quote);
  else
    salesim_diag_add(ld->diag, "%s:%d: syntax error: %s", file, line, text);
  return SALESIM_ESCENARIO;
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
  free(ld->chain[0]);
}

/* ---- the resolved text (provenance copy) ------------------------------------ */

/* Skip blanks, newlines and comments from i on. */
static size_t skip_space(const char *t, size_t n, size_t i) {
  for (;;) {
    while (i < n && (is_blank(t[i]) || t[i] == '\n' || t[i] == '\r' || t[i] == '\f' ||
                     t[i] == '\v'))
      i++;
    if (i < n && (t[i] == '#' || (t[i] == '/' && i + 1 < n && t[i + 1] == '/'))) {
      while (i < n && t[i] != '\n')
        i++;
    } else if (i + 1 < n && t[i] == '/' && t[i + 1] == '*') {
      for (i += 2; i < n && !(t[i] == '*' && i + 1 < n && t[i + 1] == '/'); i++)
        ;
      i = i < n ? i + 2 : n;
    } else
      return i;
  }
}

static size_t skip_string(const char *t, size_t n, size_t i) {
  for (i++; i < n && t[i] != '"'; i++)
    if (t[i] == '\\' && i + 1 < n)
      i++;
  return i < n ? i + 1 : n;
}

/* The top-level setting `name` in the text: [*start, *end) from its name to
 * after its terminator, its value in [*vs, *ve). 0 if found. */
static int find_top_setting(const char *t, size_t n, const char *name, size_t *start,
                            size_t *end, size_t *vs, size_t *ve) {
  size_t i = 0, nl = strlen(name);
  int depth = 0;
  while ((i = skip_space(t, n, i)) < n) {
    char c = t[i];
    if (c == '"') {
      i = skip_string(t, n, i);
    } else if (c == '{' || c == '(' || c == '[') {
      depth++, i++;
    } else if (c == '}' || c == ')' || c == ']') {
      depth--, i++;
    } else if (is_name_start(c)) {
      size_t s0 = i;
      while (i < n && is_name_char(t[i]))
        i++;
      if (depth != 0 || i - s0 != nl || memcmp(t + s0, name, nl) != 0)
        continue;
      size_t k = skip_space(t, n, i);
      if (k >= n || (t[k] != '=' && t[k] != ':'))
        continue;
      k = skip_space(t, n, k + 1);
      *vs = k;
      if (k < n && t[k] == '"') {
        do {
          k = skip_string(t, n, k);
          *ve = k;
          k = skip_space(t, n, k);
        } while (k < n && t[k] == '"');
        k = *ve;
      } else {
        while (k < n && !is_blank(t[k]) && t[k] != '\n' && t[k] != '\r' && t[k] != ';' &&
               t[k] != ',' && t[k] != '#' && t[k] != '/')
          k++;
        *ve = k;
      }
      size_t e = k;
      while (e < n && is_blank(t[e]))
        e++;
      *start = s0;
      *end = e < n && (t[e] == ';' || t[e] == ',') ? e + 1 : k;
      return 0;
    } else
      i++;
  }
  return -1;
}

int salesim_scenario_resolved_text(const salesim_scenario *sc, uint64_t seed, int replications,
                                   char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (sc == NULL || sc->source == NULL)
    return SALESIM_EINVAL;
  salesim_scenario_top def;
  salesim_params_defaults(&salesim_scenario_tables(NULL)[SALESIM_TABLE_TOP], &def);
  const char *mode = sc->mode == SALESIM_STUDY_COSTING ? "costing" : "comparison";
  struct {
    const char *name;
    long long want, dflt; /* numbers; for mode, 0/1 is the choice */
    size_t start, end;    /* the setting in the text, or start = SIZE_MAX */
    int change;
  } set[] = {
      {"seed", (long long)seed, def.seed, SIZE_MAX, 0, 0},
      {"replications", replications, def.replications, SIZE_MAX, 0, 0},
      {"months", sc->months, def.months, SIZE_MAX, 0, 0},
      {"mode", sc->mode == SALESIM_STUDY_COSTING, def.mode == SALESIM_STUDY_COSTING, SIZE_MAX, 0, 0},
  };
  const size_t n_set = sizeof set / sizeof set[0];
  const char *t = sc->source;
  size_t n = sc->source_len, vs, ve;
  for (size_t k = 0; k < n_set; k++) {
    long long have = set[k].dflt;
    if (find_top_setting(t, n, set[k].name, &set[k].start, &set[k].end, &vs, &ve) == 0) {
      if (strcmp(set[k].name, "mode") == 0)
        have = ve - vs == 9 && memcmp(t + vs, "\"costing\"", 9) == 0;
      else {
        char num[64];
        size_t l = ve - vs < sizeof num - 1 ? ve - vs : sizeof num - 1;
        memcpy(num, t + vs, l);
        num[l] = '\0';
        const char *digits = num + (num[0] == '-' || num[0] == '+');
        int hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
        have = strtoll(num, NULL, hex ? 16 : 10); /* libconfig: 010 is ten */
      }
    } else
      set[k].start = SIZE_MAX;
    set[k].change = have != set[k].want;
  }
  /* the text without the changed settings, then the block of new values */
  size_t cap = n + 512, at = 0;
  char *o = malloc(cap);
  if (o == NULL)
    return SALESIM_ENOMEM;
  size_t pos = 0;
  for (;;) {
    size_t next = SIZE_MAX, which = 0;
    for (size_t k = 0; k < n_set; k++)
      if (set[k].change && set[k].start != SIZE_MAX && set[k].start >= pos &&
          set[k].start < next)
        next = set[k].start, which = k;
    if (next == SIZE_MAX)
      break;
    memcpy(o + at, t + pos, next - pos);
    at += next - pos;
    pos = set[which].end;
  }
  memcpy(o + at, t + pos, n - pos);
  at += n - pos;
  int header = 0;
  for (size_t k = 0; k < n_set; k++) {
    if (!set[k].change)
      continue;
    if (!header) {
      at += (size_t)snprintf(o + at, cap - at, "%s\n# Set by the run that wrote this folder "
                                               "(moved here from above or added):\n",
                             at > 0 && o[at - 1] != '\n' ? "\n" : "");
      header = 1;
    }
    if (strcmp(set[k].name, "mode") == 0)
      at += (size_t)snprintf(o + at, cap - at, "mode = \"%s\";\n", mode);
    else
      at += (size_t)snprintf(o + at, cap - at, "%s = %lld%s;\n", set[k].name, set[k].want,
                             set[k].want > INT_MAX ? "L" : "");
  }
  o[at] = '\0';
  *out = o;
  *len = at;
  return 0;
}

/* ---- public ------------------------------------------------------------------ */

int salesim_scenario_load(salesim_scenario **out, const char *path, salesim_diag *diag) {
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
  rc = expand_source(&ld, &bytes);
  if (rc != 0)
    goto cleanup;
  /* libconfig reads the inlined text from memory; an @include it still
   * found (there should be none) would open a path under /dev/null: fails */
  config_set_include_dir(&cf, "/dev/null");
  if (!config_read_string(&cf, ld.flat)) {
    rc = parse_error(&ld, &cf);
    goto cleanup;
  }
  sc = calloc(1, sizeof *sc);
  if (sc == NULL || (sc->path = copy_text(path, strlen(path))) == NULL ||
      (sc->source = copy_text(ld.flat, ld.flat_len)) == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  sc->source_len = ld.flat_len;
  fnv1a_hex(ld.flat, ld.flat_len, sc->hash);
  scan_wraps(&ld, "", ld.flat, ld.flat_len); /* wrapped integers, by line of the text */
  load_tree(&ld, &cf, sc);
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
  free(sc);
}
