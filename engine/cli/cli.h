/*
 * engine/cli/cli.h: helpers shared by the CLI's commands.
 */
#ifndef SALESIM_CLI_H
#define SALESIM_CLI_H

#include <stddef.h>

#include <salesim/scenario.h>

/** Path of the default scenario: the installed one, else the source tree's. */
const char *salesim_cli_default_scenario(void);

/** Take every `--include-dir DIR` out of argv[2..] into load->include_dirs
 *  (pointers into argv; `dirs` holds SALESIM_INCLUDE_DIRS_MAX) after
 *  checking it is a folder, and, for run, batch, optimize and calibrate,
 *  every `--redact` into load->redact; EXIT_OK or EXIT_INPUT (message
 *  printed). */
int salesim_cli_include_dirs(const char *cmd, int *argc, char **argv, const char **dirs,
                             salesim_load_options *load);
#define SALESIM_CLI_INCLUDE_HELP                                                \
  "  --include-dir DIR    also allow @include of files under DIR (by default\n"  \
  "                       only the scenario's own folder tree; see\n"          \
  "                       docs/input-safety.md)\n"
#define SALESIM_CLI_REDACT_HELP                                                 \
  "  --redact             every name of the company's data (people, territories,\n" \
  "                       regions, accounts) replaced by its id in every output\n" \
  "                       (pay data is personal data; docs/data-format.md)\n"
/** Parse a whole number in [lo, hi]; 0 or -1. */
int salesim_cli_parse_count(const char *s, long lo, long hi, long *out);

/** `s` made safe for a terminal in buf (cut to fit, "..." marking the cut):
 *  control characters, C1 controls and bytes that are not UTF-8 become
 *  \xNN, so a scenario cannot move the cursor or recolour the terminal
 *  (docs/safety.md). Returns buf. */
char *salesim_cli_safe(const char *s, char *buf, size_t size);
#define SALESIM_CLI_SAFE_SIZE 4096

/** Under MPI, the line rank 0 writes if a SIGTERM arrives: mpirun sends
 *  it to every rank when one rank died, just before it kills them, so the
 *  normal "interrupted" path is never reached; the line says what is kept
 *  and how to go on. Set it before the work starts (no-op on other ranks
 *  and without MPI); salesim_cli_mpi_signal(sig) from a signal handler. */
void salesim_cli_mpi_hint(const char *fmt, const char *a, const char *b);
void salesim_cli_mpi_signal(int sig);
/** 1 once the hint was written (the normal message is then not repeated). */
int salesim_cli_mpi_hinted(void);

/* engine/cli/study.c: the commands for studies (argc/argv after the command
 * name); each returns the exit status. */
int salesim_cli_report(int argc, char **argv);
int salesim_cli_batch(int argc, char **argv, const salesim_load_options *load);
int salesim_cli_optimize(int argc, char **argv, const salesim_load_options *load);
int salesim_cli_calibrate(int argc, char **argv, const salesim_load_options *load);


#endif
