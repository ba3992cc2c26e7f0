/*
 * engine/cli/cli.h: helpers shared by the CLI's commands.
 */
#ifndef SALESIM_CLI_H
#define SALESIM_CLI_H

#include <stddef.h>

/** Path of the default scenario: the installed one, else the source tree's. */
const char *salesim_cli_default_scenario(void);

/** Take every `--include-dir DIR` out of argv[2..] and allow that folder
 *  for @include; EXIT_OK or EXIT_INPUT (message printed). */
int salesim_cli_include_dirs(const char *cmd, int *argc, char **argv);
#define SALESIM_CLI_INCLUDE_HELP                                                \
  "  --include-dir DIR    also allow @include of files under DIR (by default\n"  \
  "                       only the scenario's own folder tree; see\n"          \
  "                       docs/input-safety.md)\n"
/** Parse a whole number in [lo, hi]; 0 or -1. */
int salesim_cli_parse_count(const char *s, long lo, long hi, long *out);

/** `s` made safe for a terminal in buf (cut to fit, "..." marking the cut):
 *  control characters, C1 controls and bytes that are not UTF-8 become
 *  \xNN, so a scenario cannot move the cursor or recolour the terminal
 *  (docs/safety.md). Returns buf. */
char *salesim_cli_safe(const char *s, char *buf, size_t size);
#define SALESIM_CLI_SAFE_SIZE 4096

/* engine/cli/study.c: the commands for studies (argc/argv after the command
 * name); each returns the exit status. */
int salesim_cli_report(int argc, char **argv);
int salesim_cli_batch(int argc, char **argv);
int salesim_cli_optimize(int argc, char **argv);

/* engine/scenario/params.c (the scenario loader's tables as markdown) */
#include <stdio.h>
int salesim_scenario_doc_markdown(FILE *fp);

#endif
