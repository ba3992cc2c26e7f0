/*
 * engine/scenario/scenario_loader.h: the scenario loader's state and the functions
 * its files share (internal: only engine/scenario/scenario*.c include it; the only
 * header besides them that names libconfig).
 *
 * One load of a scenario is one `loader`: everything a load reads, inlines,
 * allows and reports lives in it, nothing in static or global state, so
 * loads on several threads at once do not meet (the folders allowed for
 * @include are the load's own, from salesim_load_options). The loader is
 * split by job, in reading order:
 *
 *   scenario.c         salesim_scenario_load: the steps of one load, free
 *   scenario_source.c  reading the files, @include and its allowed folders
 *   scenario_wrap.c    libconfig 1.5's 32-bit integer trap
 *   scenario_diag.c    where a setting came from; one line per problem
 *   scenario_values.c  one setting: numbers, choices, distributions,
 *                      points, vectors, a whole table of settings
 *   scenario_groups.c  the scenario's parts: territories, mechanisms,
 *                      sweep, the cross-checks between settings
 *   scenario_text.c    the self-contained text of a run (scenario.cfg)
 *   data_load.c        the `data` group: a company's CSV files (issue 13)
 *   calibration_load.c the `calibration` setting: a calibration's fit.csv
 *
 * Functions shared between these files carry the prefix scn_.
 * Read next: engine/scenario/scenario.c.
 */
#ifndef SALESIM_ENGINE_SCENARIO_LOADER_H
#define SALESIM_ENGINE_SCENARIO_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>
#include <salesim/scenario.h>

#include "params.h"

#define NAME_TEXT 320  /* a setting's full path, e.g. territories.list[3].book */
#define LIST_TEXT 1024 /* "expected one of: ..." lists */
#define MAX_CANDIDATES 80
#define QUOTE_MAX 60 /* characters of a source line quoted in a syntax error */

/* A user's string as shown in a message (scn_shown_value): control
 * characters escaped, cut after SHOWN_MAX bytes, in a SHOWN_SIZE buffer. */
#define SHOWN_MAX 40
#define SHOWN_SIZE (4 * SHOWN_MAX + 8)

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

/* The state of one load (zeroed, then filled by scenario.c). */
typedef struct loader {
  const char *path;   /* the main file, as given */
  char *dir;          /* its folder: @include and included-file names */
  salesim_diag *diag;
  int errors;
  int oom;
  wrapped_int *wraps;
  size_t n_wraps, cap_wraps;
  /* the inlined text (scn_expand_source) and where its lines come from */
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
  /* folders besides top_real whose files may be included (this load's
   * salesim_load_options.include_dirs), as realpaths, owned */
  char *allowed[SALESIM_INCLUDE_DIRS_MAX];
  int n_allowed;
  char *chain[SALESIM_INCLUDE_MAX_DEPTH + 1]; /* realpaths being expanded */
  size_t total;           /* bytes of every file read */
  int n_includes;
  int *mech_ok;       /* per mechanism: own settings valid, run its check */
  const config_setting_t **failed; /* settings reported: no cross-checks on them */
  size_t n_failed, cap_failed;
} loader;

/* Character classes of libconfig 1.5's scanner. */
static inline int scn_is_blank(char c) { return c == ' ' || c == '\t'; }
static inline int scn_is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*';
}
static inline int scn_is_name_char(char c) {
  return scn_is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
static inline int scn_is_digit(char c) { return c >= '0' && c <= '9'; }

/* ---- engine/scenario/scenario_source.c ---- */

/* Resolve the load's allowed folders (opt may be NULL: none) into
 * ld->allowed; 0 or SALESIM_EINVAL/SALESIM_ENOMEM with a line in ld->diag. */
int scn_allow_dirs(loader *ld, const salesim_load_options *opt);
/* Read the main file and everything it includes into ld->flat. */
int scn_expand_source(loader *ld, char **main_bytes);
/* `path` (relative to the main file's folder, or absolute) as a file this
 * load may read: its name for messages in shown[0..size) (the folder joined
 * with the path) and its realpath in *real (malloc'd), which must lie in the
 * scenario's folder tree or one of the load's allowed folders. 0, or
 * SALESIM_ESCENARIO / SALESIM_ENOMEM with one line "WHO: ..." in the diag.
 * @include and the data files (engine/scenario/data_load.c) share it. */
int scn_confine(loader *ld, const char *path, const char *who, char *shown, size_t size,
                char **real);
/* Read the file at `path` (opened with O_NOFOLLOW if no_follow): a regular
 * file of at most `max` bytes (and, if no_nul, without NUL bytes) into a
 * malloc'd, NUL-terminated *out of *len bytes. `who` names it in messages,
 * `shown` in the NUL message. 0 or a SALESIM_ code with one line. */
int scn_read_file(loader *ld, const char *path, const char *who, const char *shown,
                  int no_follow, size_t max, int no_nul, char **out, size_t *len);
/* The file that string setting `s` (called `name` in messages) names,
 * relative to the scenario's folder: the path checked (not empty, no
 * backslash or control character; `expected` says what it should name),
 * confined like @include (scn_confine) and read (scn_read_file, not
 * following a link, at most `max` bytes, without NUL bytes if no_nul). 0
 * with *out (malloc'd, a NUL after its *len bytes), its name for messages
 * in shown[0..size) and its FNV-1a 64 hash in hex in hash; otherwise one
 * line is reported, ld->errors or ld->oom set, and nonzero returned. The
 * data files (engine/scenario/data_load.c) and `calibration`
 * (engine/scenario/calibration_load.c) share it. */
int scn_read_named_file(loader *ld, const config_setting_t *s, const char *name,
                        const char *expected, size_t max, int no_nul, char *shown, size_t size,
                        char **out, size_t *len, char hash[17]);

/* ---- engine/scenario/scenario_wrap.c ---- */

/* Find decimal integer literals outside 32 bits in one source text. */
void scn_scan_wraps(loader *ld, const char *file, const char *b, size_t n);
/* Nonzero (and reported) if this int setting holds a truncated literal. */
int scn_check_wrap(loader *ld, const config_setting_t *s, const char *name, int value);

/* ---- engine/scenario/scenario_diag.c ---- */

/* A malloc'd copy of s[0..n) with a NUL; NULL if out of memory. */
char *scn_copy_text(const char *s, size_t n);
/* "prefix.name" and "prefix[i]" (cut with "..." if absurdly long). */
void scn_join_name(char *buf, size_t size, const char *prefix, const char *name);
void scn_index_name(char *buf, size_t size, const char *prefix, int i);
/* The file and line a setting was read from. */
const char *scn_setting_source(const loader *ld, const config_setting_t *s, int *line);
/* Add "FILE:LINE: SETTING: message" for the place of setting `at`. */
void scn_report(loader *ld, const config_setting_t *at, const char *setting, const char *fmt,
                ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Nonzero if a problem was reported at the setting at `path` under root. */
int scn_has_failed(const loader *ld, const config_setting_t *root, const char *path);
/* `s` as shown in a message, in buf (SHOWN_SIZE bytes); returns buf. */
const char *scn_shown_value(const char *s, char *buf);
/* "an integer", "a group", ...: the type of a setting in words. */
const char *scn_type_text(const config_setting_t *s);
void scn_wrong_type(loader *ld, const config_setting_t *s, const char *name,
                    const char *expected);
/* items joined by ", " into buf; returns buf. */
const char *scn_join_list(const char *const *items, size_t n, char *buf, size_t size);
/* An unknown setting, with a did-you-mean from `cands`. */
void scn_unknown_setting(loader *ld, const config_setting_t *s, const char *full,
                         const char *const *cands, size_t n);
/* A syntax error libconfig found: one line in ld->diag; SALESIM_ESCENARIO. */
int scn_parse_error(loader *ld, const config_t *cf);

/* ---- engine/scenario/scenario_values.c ---- */

/* Index of setting `name` in table t, or -1. */
int scn_spec_index(const salesim_param_table *t, const char *name);
/* Fill `out` from group `g` with table `t` (defaults must be in `out`
 * already). Names in `skip` are the caller's to read. Every setting not in
 * the table or `skip` is an error. *present gets a bit per spec found.
 * Returns 0 or -1 (reported). */
int scn_read_table(loader *ld, const config_setting_t *g, const char *prefix,
                   const salesim_param_table *t, void *out, const char *const *skip,
                   size_t n_skip, uint64_t *present);

/* ---- engine/scenario/data_load.c ---- */

/* A data file (docs/data-format.md) may have at most this many bytes
 * (docs/limits.md, docs/input-safety.md). */
#define SALESIM_DATA_FILE_MAX_BYTES ((size_t)1 << 30)

/* The optional top-level `data` group: read its files into sc->data, check
 * them, and set what they decide (territories.count, population.reps).
 * Every problem is reported (ld->errors, ld->oom). */
void scn_load_data(loader *ld, const config_setting_t *root, salesim_scenario *sc);

/* ---- engine/scenario/calibration_load.c ---- */

/* The optional top-level `calibration = "fit.csv";`: the file confined like
 * the data files, read (at most SALESIM_FIT_MAX_BYTES) and checked as fit.csv
 * (engine/base/fit_table.h) into sc->calibration*; one line per problem. */
void scn_load_calibration(loader *ld, const config_setting_t *root, salesim_scenario *sc);

/* ---- engine/scenario/scenario_groups.c ---- */

/* Read setting `ns` (path `full`) as a mechanism's label or an item's name
 * into out: a string of letters, digits, '_', '-' or '.', not empty, not
 * starting with '.' or '-', shorter than SALESIM_NAME_MAX. 0, or -1 with the
 * problem reported and out unchanged. */
int scn_read_label(loader *ld, const config_setting_t *ns, const char *full,
                   char out[SALESIM_NAME_MAX]);
/* Walk the whole tree into `sc`, reporting every problem. */
void scn_load_tree(loader *ld, const config_t *cf, salesim_scenario *sc);

#endif
