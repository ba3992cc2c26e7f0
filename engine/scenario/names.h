/*
 * engine/scenario/names.h: the rule for names that become file or folder
 * names (a scenario's `name`, mechanism labels, stems taken from file
 * names; docs/safety.md). The loader refuses a bad `name` with it and the
 * output writer (engine/output/output.c) and batch use it before anything
 * becomes a path, so it sits in the scenario layer both may use.
 * Read next: engine/scenario/names.c.
 */
#ifndef SALESIM_NAMES_H
#define SALESIM_NAMES_H

#include <stddef.h>

/* Names that become file or folder names (the scenario `name`, mechanism
 * labels): 1 to SALESIM_OUTPUT_NAME_MAX characters. */
#define SALESIM_OUTPUT_NAME_MAX 63
#define SALESIM_OUTPUT_NAME_EXPECT                                                        \
  "1 to 63 letters, digits, '-', '_' or '.', not starting with '.' and not ending in " \
  "'.tmp.N' or '.old.N'"

/** NULL if `name` may become a file or folder name, else what is wrong with
 *  it (a static string such as "contains '/'"). */
const char *salesim_output_name_problem(const char *name);

/** Turn `name` (a NUL-terminated string in a buffer of `size` > 1 bytes) into
 *  one salesim_output_name_problem accepts: every other byte becomes '_',
 *  leading '.' become '_', an empty name becomes "scenario", the text is cut
 *  to SALESIM_OUTPUT_NAME_MAX characters and a '.tmp.N'/'.old.N' ending
 *  loses its dots. Used for names taken from file names. */
void salesim_output_name_sanitize(char *name, size_t size);

/** Length of a ".tmp.<digits>" or ".old.<digits>" ending of `s` (the
 *  names of salesim's staging folders), else 0. */
size_t salesim_name_temp_suffix(const char *s);

#endif
