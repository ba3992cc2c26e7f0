/*
 * engine/output/output_fs.c: the safety rules of docs/safety.md for every
 * folder salesim writes (salesim_output_check, salesim_output_claim and the
 * staging and exchange steps of salesim_output_write).
 *
 * Every folder written carries the marker file .salesim-output; an existing
 * folder is replaced only if it carries it or is empty. A write goes into
 * "<dir>.tmp.<pid>" beside the target and is exchanged with an existing
 * <dir> in one step (renameat2 RENAME_EXCHANGE; without it: <dir> moved
 * aside to "<dir>.old.<pid>", the new folder renamed in) and the old one
 * removed. Temporary folders of a killed run are removed (or, for an
 * "<dir>.old.<pid>" with no <dir>, put back) by the next run into the same
 * place. Paths are built with engine/base/fs.h. Read next:
 * engine/output/output_file.c.
 */
#define _GNU_SOURCE /* renameat2 (RENAME_EXCHANGE), realpath */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "fs.h"
#include "names.h"
#include "output.h"
#include "output_write.h"

/* ---- folders -------------------------------------------------------------------- */

/* Remove a file or a folder with everything in it (best effort; returns 0
 * or -1 with errno set by the first failure). A folder's marker file goes
 * last, so a process killed half-way leaves a folder the next run still
 * knows as salesim's (docs/safety.md). */
int salesim_output_remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode))
    return unlink(path);
  DIR *d = opendir(path);
  if (d == NULL)
    return -1;
  int rc = 0, err = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
        strcmp(e->d_name, SALESIM_OUTPUT_MARKER) == 0)
      continue;
    char *child = salesim_fs_join(path, e->d_name);
    if (child == NULL || salesim_output_remove_tree(child) != 0) {
      if (rc == 0)
        err = child ? errno : ENOMEM;
      rc = -1;
    }
    free(child);
  }
  closedir(d);
  char *marker = salesim_fs_join(path, SALESIM_OUTPUT_MARKER);
  if (marker == NULL || (unlink(marker) != 0 && errno != ENOENT)) {
    if (rc == 0)
      err = marker ? errno : ENOMEM;
    rc = -1;
  }
  free(marker);
  if (rmdir(path) != 0 && rc == 0) {
    rc = -1;
    err = errno;
  }
  if (rc != 0)
    errno = err;
  return rc;
}

/* mkdir -p: create `path` and its missing parents. On failure returns
 * SALESIM_EIO with a message naming the folder that could not be made. */
static int make_dirs(const char *path, salesim_diag *diag) {
  int rc = 0;
  char *p = salesim_fs_concat(path, "", "");
  if (p == NULL)
    return SALESIM_ENOMEM;
  size_t n = strlen(p);
  for (size_t i = 1; i <= n; i++) {
    if (p[i] != '/' && p[i] != '\0')
      continue;
    if (p[i - 1] == '/')
      continue; /* "a//b" */
    char saved = p[i];
    p[i] = '\0';
    if (mkdir(p, 0777) != 0) {
      int err = errno;
      struct stat st;
      if (err != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (err == EEXIST)
          err = ENOTDIR;
        salesim_diag_add(diag, "%s: cannot create folder: %s", p, strerror(err));
        rc = SALESIM_EIO;
        goto cleanup;
      }
    }
    p[i] = saved;
  }
cleanup:
  free(p);
  return rc;
}

/* ---- names, the marker, checks before a run (docs/safety.md) ------------------- */

int salesim_output_has_marker(const char *dir) {
  char *path = salesim_fs_join(dir, SALESIM_OUTPUT_MARKER);
  struct stat st;
  int ok = 0;
  if (path != NULL && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    FILE *fp = fopen(path, "rb");
    char head[sizeof SALESIM_OUTPUT_MARKER_TAG] = {0};
    if (fp != NULL) {
      ok = fread(head, 1, sizeof head - 1, fp) == sizeof head - 1 &&
           memcmp(head, SALESIM_OUTPUT_MARKER_TAG, sizeof head - 1) == 0;
      fclose(fp);
    }
  }
  free(path);
  return ok;
}

/* The marker file, written first into every folder salesim makes. */
int salesim_output_write_marker(const char *dir, salesim_diag *diag) {
  char *path = salesim_fs_join(dir, SALESIM_OUTPUT_MARKER);
  if (path == NULL)
    return SALESIM_ENOMEM;
  FILE *fp = fopen(path, "w");
  int rc = 0;
  if (fp == NULL ||
      fprintf(fp, "%s\nversion %s\nsalesim replaces this folder as a whole on its next run into "
                  "it; delete this file to keep salesim out.\n",
              SALESIM_OUTPUT_MARKER_TAG, salesim_version()) < 0 ||
      fflush(fp) != 0) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno ? errno : EIO));
    rc = SALESIM_EIO;
  }
  if (fp != NULL && fclose(fp) != 0 && rc == 0) {
    salesim_diag_add(diag, "%s: %s", path, strerror(errno ? errno : EIO));
    rc = SALESIM_EIO;
  }
  free(path);
  return rc;
}

/* 1 if `dir` is a folder with nothing in it; with `marker_ok`, also one
 * that holds nothing but a file named like the marker (a run killed while
 * it wrote the marker, its first file). */
static int dir_is_empty_but(const char *dir, int marker_ok) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return 0;
  struct dirent *e;
  int empty = 1;
  while (empty && (e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
        !(marker_ok && strcmp(e->d_name, SALESIM_OUTPUT_MARKER) == 0))
      empty = 0;
  closedir(d);
  return empty;
}

static int dir_is_empty(const char *dir) { return dir_is_empty_but(dir, 0); }

/* May salesim replace or write into `target` (symbolic links resolved)? */
static int check_replaceable(const char *target, const char *shown, salesim_diag *diag) {
  struct stat st;
  if (lstat(target, &st) != 0) {
    if (errno == ENOENT)
      return 0;
    salesim_diag_add(diag, "%s: %s", shown, strerror(errno));
    return SALESIM_EIO;
  }
  if (!S_ISDIR(st.st_mode)) {
    salesim_diag_add(diag, "%s: exists and is not a folder; nothing was changed (choose "
                           "another output folder)", shown);
    return SALESIM_EIO;
  }
  if (salesim_output_has_marker(target) || dir_is_empty(target))
    return 0;
  salesim_diag_add(diag, "%s: exists and is not a salesim output folder (no %s file); nothing "
                         "was changed (delete it or choose another output folder)",
                   shown, SALESIM_OUTPUT_MARKER);
  return SALESIM_EIO;
}

/* The nearest existing folder at or above `parent` must be a folder we can
 * write into (so the missing ones can be made and the output renamed in). */
static int check_writable(const char *parent, salesim_diag *diag) {
  char *p = salesim_fs_concat(parent, "", "");
  if (p == NULL)
    return SALESIM_ENOMEM;
  int rc = 0;
  struct stat st;
  for (;;) {
    if (stat(p, &st) == 0)
      break;
    if (errno != ENOENT) {
      salesim_diag_add(diag, "%s: cannot create an output folder here: %s", p, strerror(errno));
      rc = SALESIM_EIO;
      goto cleanup;
    }
    char *slash = strrchr(p, '/');
    while (slash != NULL && slash > p && slash[-1] == '/')
      slash--;
    if (slash == NULL)
      snprintf(p, strlen(p) + 1, ".");
    else if (slash == p)
      p[1] = '\0';
    else
      *slash = '\0';
  }
  if (!S_ISDIR(st.st_mode)) {
    salesim_diag_add(diag, "%s: cannot hold an output folder: %s", p, strerror(ENOTDIR));
    rc = SALESIM_EIO;
  } else if (access(p, W_OK | X_OK) != 0) {
    salesim_diag_add(diag, "%s: cannot write an output folder here: %s", p, strerror(errno));
    rc = SALESIM_EIO;
  }
cleanup:
  free(p);
  return rc;
}

/* Remove "<base>.tmp.<pid>" and "<base>.old.<pid>" in `parent` left by a
 * salesim process that is gone: only folders (not links) that carry the
 * marker or are empty. A live process's folders are left alone. */
static void clean_stale(const char *parent, const char *base) {
  DIR *d = opendir(parent);
  if (d == NULL)
    return;
  size_t nb = strlen(base);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *s = e->d_name;
    if (strncmp(s, base, nb) != 0 || strlen(s) - nb != salesim_name_temp_suffix(s))
      continue;
    const char *digits = s + nb + 5;
    if (strlen(digits) > 9)
      continue; /* not a pid */
    pid_t pid = (pid_t)strtol(digits, NULL, 10);
    if (pid != getpid() && (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH))
      continue; /* that process still runs (or cannot be asked) */
    char *path = salesim_fs_join(parent, s);
    char *target = salesim_fs_join(parent, base);
    struct stat st;
    if (path != NULL && target != NULL && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
        (salesim_output_has_marker(path) || dir_is_empty_but(path, 1))) {
      /* A run killed between moving the previous output aside and putting
       * the new one in place: the previous output goes back, never lost. */
      if (strncmp(s + nb, ".old.", 5) == 0 && lstat(target, &st) != 0 && errno == ENOENT &&
          salesim_output_has_marker(path) && rename(path, target) == 0) {
        free(path);
        free(target);
        continue;
      }
      salesim_output_remove_tree(path);
    }
    free(path);
    free(target);
  }
  closedir(d);
}

/* `dir` without trailing slashes, a symbolic link to a folder resolved;
 * refuses "/", "." and ".." and names ending in them. */
int salesim_output_resolve_target(char **out, const char *dir, salesim_diag *diag) {
  *out = NULL;
  if (dir == NULL || dir[0] == '\0') {
    salesim_diag_add(diag, "output: empty folder name");
    return SALESIM_EINVAL;
  }
  char *target = salesim_fs_concat(dir, "", "");
  if (target == NULL)
    return SALESIM_ENOMEM;
  for (size_t n = strlen(target); n > 1 && target[n - 1] == '/'; n--)
    target[n - 1] = '\0';
  const char *last = strrchr(target, '/');
  last = last ? last + 1 : target;
  if (strcmp(target, "/") == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
    salesim_diag_add(diag, "%s: cannot be replaced as an output folder", dir);
    free(target);
    return SALESIM_EINVAL;
  }
  struct stat st;
  if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode) && stat(target, &st) == 0 &&
      S_ISDIR(st.st_mode)) {
    char *resolved = realpath(target, NULL);
    if (resolved == NULL) {
      salesim_diag_add(diag, "%s: %s", target, strerror(errno));
      free(target);
      return SALESIM_EIO;
    }
    free(target);
    target = resolved;
  }
  *out = target;
  return 0;
}

/* The folder holding `target` ("." for a bare name); malloc'd. */
static char *parent_of(const char *target) {
  const char *slash = strrchr(target, '/');
  if (slash == NULL)
    return salesim_fs_concat(".", "", "");
  char *p = salesim_fs_concat(target, "", "");
  if (p != NULL)
    p[slash == target ? 1 : (size_t)(slash - target)] = '\0';
  return p;
}

int salesim_output_check_target(const char *target, const char *shown, salesim_diag *diag) {
  char *parent = parent_of(target);
  if (parent == NULL)
    return SALESIM_ENOMEM;
  int rc = check_writable(parent, diag);
  if (rc == 0) {
    const char *base = strrchr(target, '/');
    clean_stale(parent, base ? base + 1 : target);
    rc = check_replaceable(target, shown, diag);
  }
  free(parent);
  return rc;
}

/* Every failure says something: a failure that left no line of its own
 * (out of memory on the way) gets "DIR: <reason>". */
int salesim_output_said(int rc, salesim_diag *diag, size_t lines_before, const char *dir) {
  if (rc != 0 && diag != NULL && diag->count == lines_before)
    salesim_diag_add(diag, "%s: %s", dir ? dir : "output", salesim_strerror(rc));
  return rc;
}

int salesim_output_check(const char *dir, salesim_diag *diag) {
  size_t n0 = diag ? diag->count : 0;
  char *target = NULL;
  int rc = salesim_output_resolve_target(&target, dir, diag);
  if (rc == 0)
    rc = salesim_output_check_target(target, dir, diag);
  free(target);
  return salesim_output_said(rc, diag, n0, dir);
}

int salesim_output_claim(const char *dir, salesim_diag *diag) {
  size_t n0 = diag ? diag->count : 0;
  char *target = NULL;
  int rc = salesim_output_resolve_target(&target, dir, diag);
  if (rc == 0)
    rc = salesim_output_check_target(target, dir, diag);
  if (rc == 0)
    rc = make_dirs(target, diag);
  if (rc == 0 && !salesim_output_has_marker(target))
    rc = salesim_output_write_marker(target, diag);
  free(target);
  return salesim_output_said(rc, diag, n0, dir);
}

/* ---- staging folder and atomic exchange (salesim_output_write) ---------------- */

/* The staging folder of a write into `target` (as resolved): the missing
 * parents made, then "<target>.tmp.<pid>" created; *tmp and *old (the name
 * "<target>.old.<pid>" the previous output is moved aside to where the
 * exchange is missing) are malloc'd for the caller to free. 0 only when the
 * staging folder was made (the caller removes it on a later failure). */
int salesim_output_stage(const char *target, char **tmp, char **old, salesim_diag *diag) {
  int rc = 0;
  char *parent = NULL;
  const char *slash;
  char pid[32];

  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  *tmp = salesim_fs_concat(target, ".tmp.", pid);
  *old = salesim_fs_concat(target, ".old.", pid);
  if (*tmp == NULL || *old == NULL) {
    rc = SALESIM_ENOMEM;
    goto cleanup;
  }
  slash = strrchr(target, '/');
  if (slash != NULL && slash != target) {
    parent = salesim_fs_concat(target, "", "");
    if (parent == NULL) {
      rc = SALESIM_ENOMEM;
      goto cleanup;
    }
    parent[slash - target] = '\0';
    if ((rc = make_dirs(parent, diag)) != 0)
      goto cleanup;
  }

  /* A leftover with our pid was removed by salesim_output_check_target if it was ours;
   * anything else of that name is not touched (mkdir fails). */
  if (mkdir(*tmp, 0777) != 0) {
    salesim_diag_add(diag, "%s: cannot create folder: %s", *tmp, strerror(errno));
    rc = SALESIM_EIO;
    goto cleanup;
  }
cleanup:
  free(parent);
  return rc;
}

/* Put the complete staging folder `tmp` in place of `target` (`shown` is the
 * name the user gave). 0: the new output is in place and `tmp` is gone (or,
 * after an exchange, holds only a previous output that could not be
 * removed, with a warning); else `tmp` is left for the caller to remove and
 * the previous output is where it was. */
int salesim_output_swap_in(const char *tmp, const char *target, const char *old,
                           const char *shown, salesim_diag *diag) {
  int rc = 0, had_old = 0;
  struct stat st;

  /* Swap: move an existing output aside, put the new one in place. Checked
   * again: the folder may have changed while the run went on. */
  if ((rc = check_replaceable(target, shown, diag)) != 0)
    goto cleanup;
  if (lstat(target, &st) == 0) {
    /* One atomic exchange where the file system has it: at every instant
     * the target holds either the previous output or the new one, and a
     * kill after the exchange leaves the previous output in "<dir>.tmp.<pid>",
     * which the next run removes. */
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE) == 0) {
      if (salesim_output_remove_tree(tmp) != 0)
        salesim_diag_add(diag, "%s: warning: could not remove the previous output: %s",
                         tmp, strerror(errno));
      return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
      salesim_diag_add(diag, "%s: cannot put the new output in place: %s", target,
                       strerror(errno));
      rc = SALESIM_EIO;
      goto cleanup;
    }
    /* Without the exchange: move aside, rename in. A kill between the two
     * leaves no target and "<dir>.old.<pid>", which the next run puts back. */
    if (rename(target, old) != 0) {
      salesim_diag_add(diag, "%s: cannot move aside to %s: %s", target, old,
                       strerror(errno));
      rc = SALESIM_EIO;
      goto cleanup;
    }
    had_old = 1;
  }
  if (rename(tmp, target) != 0) {
    salesim_diag_add(diag, "%s: cannot rename %s into place: %s", target, tmp,
                     strerror(errno));
    if (had_old)
      rename(old, target);
    rc = SALESIM_EIO;
    goto cleanup;
  }
  if (had_old && salesim_output_remove_tree(old) != 0)
    salesim_diag_add(diag, "%s: warning: could not remove the previous output: %s",
                     old, strerror(errno));

cleanup:
  return rc;
}
