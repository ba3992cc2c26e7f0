/*
 * engine/base/fs.h: file-system helpers the engine's files share (internal).
 *
 * Paths are built here once rather than in each writer and reader. The
 * safety rules for what salesim writes (markers, staging folders, names)
 * stay in engine/output/output_fs.c; this file only builds paths.
 *
 * Read next: engine/output/output_fs.c.
 */
#ifndef SALESIM_ENGINE_FS_H
#define SALESIM_ENGINE_FS_H

/** "<a><sep><b>", malloc'd (caller frees); NULL if out of memory. With
 *  empty `sep` and `b`, a copy of `a`; "<dir>.tmp.<pid>" is
 *  salesim_fs_concat(dir, ".tmp.", pid). */
char *salesim_fs_concat(const char *a, const char *sep, const char *b);

/** "dir/name", malloc'd (caller frees); NULL if out of memory. `dir` is
 *  used as given: no slash is removed or added besides the one between. */
char *salesim_fs_join(const char *dir, const char *name);

#endif
