/*
 * salesim/scenario.h: the scenario: everything a run needs, as loaded from
 * a libconfig file (engine/scenario/scenario*.c are the only code that reads libconfig).
 *
 * Settings are described by tables of salesim_param_spec (name, kind, unit,
 * default, range, doc). The loader fills structs from these tables, reports
 * every problem at once, and docs/scenario-format.md lists the same tables.
 * Money is in one currency unit throughout (the scenario's `currency` label).
 * Read next: salesim/results.h, then salesim/salesim.h.
 */
#ifndef SALESIM_SCENARIO_H
#define SALESIM_SCENARIO_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "data.h"
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SALESIM_MAX_POINTS 16
#define SALESIM_NAME_MAX 64
/** Longest path of a number (salesim_scenario_set), including the NUL:
 *  "mechanisms.LABEL.SETTING[i].NAME" with a label of SALESIM_NAME_MAX. */
#define SALESIM_PATH_MAX 160

/** Up to 16 (x, y) points, e.g. a payout curve (attainment -> multiple). */
typedef struct salesim_points {
  int n;
  double x[SALESIM_MAX_POINTS];
  double y[SALESIM_MAX_POINTS];
} salesim_points;

/** Up to 16 numbers, e.g. target salary by grade. */
typedef struct salesim_vector {
  int n;
  double v[SALESIM_MAX_POINTS];
} salesim_vector;

typedef enum salesim_dist_kind {
  SALESIM_DIST_CONSTANT = 0,
  SALESIM_DIST_NORMAL,    /* mean, sd; clamped to [min, max] */
  SALESIM_DIST_LOGNORMAL, /* mean, sd of the variable itself; clamped */
  SALESIM_DIST_UNIFORM    /* on [min, max] */
} salesim_dist_kind;

/** A population distribution, written in a file as a number (constant) or
 *  as { dist = "lognormal"; mean = 1.0; sd = 0.3; min = ...; max = ...; }. */
typedef struct salesim_dist {
  salesim_dist_kind kind;
  double mean, sd, min, max;
} salesim_dist;

typedef enum salesim_param_kind {
  SALESIM_P_DOUBLE = 0,
  SALESIM_P_INT,
  SALESIM_P_BOOL,
  SALESIM_P_CHOICE, /* a string from `choices` ("a|b|c"), stored as int index */
  SALESIM_P_STRING, /* stored as char[max] when the spec's max > 0, else
                       char[SALESIM_NAME_MAX] */
  SALESIM_P_DIST,   /* salesim_dist */
  SALESIM_P_POINTS, /* salesim_points: list of (x, y) pairs */
  SALESIM_P_VECTOR, /* salesim_vector: array of numbers */
  SALESIM_P_ITEMS   /* salesim_items: a list of groups, each with a `type`
                       choosing its own table (a plan's components); the
                       spec's def_ptr is a salesim_item_kinds */
} salesim_param_kind;

/* Flags of a parameter spec. */
#define SALESIM_PF_MIN_EXCL 0x1u /* value must be > min, not >= */
#define SALESIM_PF_MAX_EXCL 0x2u /* value must be < max, not <= */
#define SALESIM_PF_REQUIRED 0x4u /* no default: the file must set it */
#define SALESIM_PF_INCREASING 0x8u /* points/vector: x strictly increasing */

/** One setting of a scenario group: the loader, validator and docs read it. */
typedef struct salesim_param_spec {
  const char *name;      /* the key in the file */
  salesim_param_kind kind;
  size_t offset;         /* offsetof the field in the group's struct */
  double def;            /* default for numbers, bools, choices (index) */
  const void *def_ptr;   /* default for dist, points, vector, string */
  double min, max;       /* allowed range (numbers, dist mean, points y) */
  unsigned flags;
  const char *choices;   /* "annual|quarterly" for SALESIM_P_CHOICE; for
                            SALESIM_P_POINTS the names of x and y in paths,
                            "attainment|pay" (curve[2].pay), or NULL */
  const char *unit;      /* "currency/month", "share", "months", ... */
  const char *doc;       /* one sentence */
} salesim_param_spec;

/** A table of settings describing one group (e.g. a mechanism's params). */
typedef struct salesim_param_table {
  const char *group;                /* "production", "commission", ... */
  const salesim_param_spec *specs;
  size_t count;
  size_t struct_size;
} salesim_param_table;

/* ---- lists of typed groups (SALESIM_P_ITEMS) ----------------------------
 * A setting such as a plan's `components = ( { type = "spif"; ... }, ... );`
 * holds up to SALESIM_MAX_ITEMS groups. Each group's `type` picks one of the
 * spec's kinds; its other settings are read with that kind's table into the
 * item's body (a struct of at most SALESIM_ITEM_BYTES, no pointers: scenario
 * copies are flat). `name` is optional (default: the type's name) and
 * unique within the list. Paths address items as `SETTING[j].NAME` or
 * `SETTING.ITEMNAME.NAME` (engine/scenario/override.c). */
#define SALESIM_MAX_ITEMS 16
#define SALESIM_ITEM_BYTES 1536

typedef struct salesim_item {
  int type;                    /* index into the spec's kinds */
  int line;                    /* line of the group in its file (0: none) */
  char name[SALESIM_NAME_MAX]; /* its `name`, or the type's name */
  union {
    double align_d;
    long long align_l;
    unsigned char bytes[SALESIM_ITEM_BYTES];
  } body;                      /* the kind's settings struct */
} salesim_item;

typedef struct salesim_items {
  int n;
  salesim_item item[SALESIM_MAX_ITEMS];
} salesim_items;

struct salesim_diag;
/** One kind of item: its `type` name, its settings and its own checks.
 *  `check` (may be NULL) runs after the table's range checks with
 *  where = "FILE:LINE: mechanisms[i].components[j]" at the item's own line,
 *  and adds one line per problem "WHERE.SETTING: problem (expected ...)";
 *  it returns the number of problems added. */
typedef struct salesim_item_kind {
  const char *type;
  const salesim_param_table *table;
  int (*check)(const void *body, const char *where, struct salesim_diag *diag);
} salesim_item_kind;

/** The kinds a SALESIM_P_ITEMS setting accepts (the spec's def_ptr); the
 *  list's default is empty. The spec's max is the most items allowed
 *  (<= SALESIM_MAX_ITEMS). */
typedef struct salesim_item_kinds {
  const salesim_item_kind *kinds;
  int n;
} salesim_item_kinds;

/** Fill `out` (struct_size bytes) with every default of `table`. */
void salesim_params_defaults(const salesim_param_table *table, void *out);

/* ---- the scenario's groups ------------------------------------------- */

typedef enum salesim_mode {
  SALESIM_MODE_PIPELINE = 0, /* hunting/farming, stages 20..100 % */
  SALESIM_MODE_LINEAR = 1    /* x = theta*e + eps, for checks vs theory */
} salesim_mode;

/** Production (MODEL.md §4). */
typedef struct salesim_production {
  int mode;                 /* salesim_mode */
  double cycle_months;      /* mean months first contact -> contract (>= 0.5) */
  salesim_dist deal_value;  /* contract value of a won deal, currency */
  double account_share;     /* monthly recurring revenue of a won account / V */
  double churn;             /* base monthly churn of the book, share */
  double orphan_churn;      /* monthly churn of accounts nobody serves */
  int accounts_to_hire;     /* bool: a leaver's accounts wait for the slot's replacement */
  double farm_effect;       /* kappa_f: churn = churn*exp(-kappa_f*f) */
  double hunt_pain;         /* pi >= 1: hunting cost weight */
  double market_sd;         /* sd of monthly log shock to lead arrival */
  double noise_sd;          /* linear mode: sd of eps per month, currency */
  int tasks;                /* linear mode: 1 (one effort) or 2 (hunt, farm) */
  double noise_sd_farm;     /* linear mode, 2 tasks: sd of the farming output */
  double task_substitution; /* linear mode, 2 tasks: rho in the cost's cross term */
  double output_scale;      /* linear mode: currency per unit theta*e */
  int collisions;           /* bool: unassigned hunters collide on prospects */
  int timing_games;         /* bool: reps may pull and push deals */
  int push_deals;           /* bool: customers let reps delay a signature */
  double pull_discount;     /* price discount that pulls an 80 % deal in */
  int pull_window;          /* months before a period's end deals can be pulled */
  /* per-stage monthly advance and loss chances of stages 20, 40, 60, 80 %
   * (n = 4 each), or both empty (n = 0): the rule from cycle_months */
  salesim_vector stage_advance;
  salesim_vector stage_loss;
} salesim_production;

/** People (MODEL.md §3). */
typedef struct salesim_population {
  int reps;                    /* sales reps at start (filled positions) */
  salesim_dist ability;        /* theta */
  salesim_dist skill;          /* hunting skill s */
  salesim_dist risk_aversion;  /* CARA r, per currency unit */
  salesim_dist effort_cost;    /* c, currency per month at effort 1 */
  salesim_dist outside_wage;   /* w-bar, currency per month */
  salesim_dist savings_months; /* savings buffer in months of living cost */
  salesim_dist moral_cost;     /* kappa, currency per false report */
  salesim_dist tenure_months;  /* tenure of the starting force */
  double living_cost;          /* currency per month */
  double hiring_cost;          /* currency per hire */
  int hire_delay;              /* months a position stays empty */
  int candidates;              /* applicants per vacancy per month */
  double quit_rate;            /* exogenous monthly quit probability */
  int horizon_months;          /* horizon of the stay/leave comparison */
  double discount;             /* monthly discount factor of the agents */
  int people_table;            /* bool: people.csv, each starting person's own figures
                                  (needs the company's roster; issue 13) */
} salesim_population;

/** One territory (MODEL.md §2). */
typedef struct salesim_territory_spec {
  double potential;  /* annual new-business potential, currency */
  double book;       /* recurring monthly revenue of current customers */
  double prospects;  /* prospects in the pool at start */
  double difficulty; /* >0, divides lead arrival */
} salesim_territory_spec;

typedef struct salesim_territories {
  int count;                    /* generated territories (when no list) */
  salesim_dist potential;
  salesim_dist book;
  salesim_dist prospects;
  salesim_dist difficulty;
  double firm_estimate_sd;      /* sd of log error of the firm's estimate */
  double manager_estimate_sd;   /* sd of log error of managers' estimates */
  salesim_territory_spec *list; /* explicit list (owned) or NULL */
  int list_count;
} salesim_territories;

typedef enum salesim_target_rule {
  SALESIM_TARGET_POTENTIAL_BOOK = 0, /* share of potential + 12*book*factor */
  SALESIM_TARGET_FIXED = 1           /* the same fixed target for everyone */
} salesim_target_rule;

/** The firm: margin, overheads and how targets are set. */
typedef struct salesim_firm {
  double margin;          /* gross margin on revenue before sales pay */
  double overhead_per_rep;/* management cost per rep per month */
  int target_rule;        /* salesim_target_rule */
  double potential_share; /* rule potential_book: share of territory potential */
  double book_factor;     /* rule potential_book: multiple of 12*book */
  double fixed_target;    /* rule fixed: annual target per rep */
  int fiscal_year_start;  /* calendar month 1..12 the plan year starts; 0
                           * (default): the start month (no stub year) */
  int start_month;        /* calendar month 1..12 of run month 0; 0: the
                           * data's start month, else January */
} salesim_firm;

/** Settings every mechanism entry accepts besides its own (overlays that
 *  combine with any mechanism, MODEL.md §6). */
typedef struct salesim_overlays {
  double ratchet;        /* next target = last target + ratchet*(sales - target) */
  int review;            /* bool: monthly pipeline review with coaching */
  int review_months;     /* months stuck before a warning */
  int review_stage;      /* highest stage (1 = 20 %) that counts as stuck */
  double coaching_cost;  /* currency per coached rep */
  double coaching_gain;  /* relative gain in hunting skill while coached */
  int coaching_months;   /* months the gain lasts */
} salesim_overlays;

struct salesim_mechanism_type; /* models/core/mechanism.h */

/** One mechanism entry of the scenario's `mechanisms` list. */
typedef struct salesim_mechanism_spec {
  char name[SALESIM_NAME_MAX];                 /* label, unique */
  const struct salesim_mechanism_type *type;   /* borrowed from the registry */
  void *params;                                /* owned; type's params struct */
  salesim_overlays overlays;                   /* ratchet, pipeline review */
  int line;                                    /* where it was defined */
} salesim_mechanism_spec;

/** Study modes (the scenario's `mode`). */
typedef enum salesim_study_mode {
  SALESIM_STUDY_COMPARISON = 0, /* several plans, one sales force */
  SALESIM_STUDY_COSTING = 1     /* one plan, many draws: risk bands, budget */
} salesim_study_mode;

typedef enum salesim_sweep_design {
  SALESIM_SWEEP_GRID = 0, /* every combination of each parameter's values */
  SALESIM_SWEEP_LHS = 1,  /* Latin hypercube of `points` points */
  SALESIM_SWEEP_SOBOL = 2 /* the first `points` points of a Sobol sequence */
} salesim_sweep_design;

/** One swept parameter (an entry of sweep.params). */
typedef struct salesim_sweep_param {
  char path[SALESIM_PATH_MAX]; /* "mechanisms.LABEL.rate", "firm.margin", ... */
  double min, max;             /* range (lhs, sobol, grid with steps) */
  int steps;                   /* grid: values min..max in `steps` equal steps */
  salesim_vector values;       /* grid: explicit values (overrides steps) */
  int line;                    /* where it was defined */
} salesim_sweep_param;

/** The scenario's optional `sweep` group. */
typedef struct salesim_sweep {
  int design;                  /* salesim_sweep_design */
  int points;                  /* lhs, sobol: number of points */
  salesim_sweep_param *params; /* owned, n_params entries */
  int n_params;
} salesim_sweep;

/** A whole scenario. Create with salesim_scenario_load(), free with
 *  salesim_scenario_free(). */
typedef struct salesim_scenario {
  char *path;          /* owned; as given */
  char name[SALESIM_NAME_MAX];
  char currency[16];
  char *description;   /* owned, may be NULL */
  uint64_t seed;
  int replications;
  int months;
  int months_per_year;
  char baseline[SALESIM_NAME_MAX];
  salesim_production production;
  salesim_population population;
  salesim_territories territories;
  salesim_firm firm;
  salesim_mechanism_spec *mechanisms; /* owned array */
  int n_mechanisms;
  int baseline_index;
  char hash[17];       /* FNV-1a 64 of `source`, hex */
  int mode;            /* salesim_study_mode */
  double budget;       /* costing: annual pay-cost budget, 0 = none */
  salesim_sweep *sweep;/* owned, NULL when the file has no sweep */
  char *source;        /* owned, may be NULL: the file's text with every
                          @include inlined (docs/input-safety.md) */
  size_t source_len;
  salesim_data *data;  /* a reference (salesim_data_free), NULL when the file
                          has no `data` group: the company's own data
                          (include/salesim/data.h, issue 13) */
  /* `calibration = "fit.csv";` (issue 13, docs/calibration.md): the fit a
   * `salesim calibrate` wrote, checked at load; a run copies the bytes into
   * its output folder as calibration.csv and its reports show them. All NULL
   * / 0 when the scenario has no such setting. */
  char *calibration_path;    /* owned: as written, relative to the scenario's folder */
  char *calibration;         /* owned: the file's bytes (NUL after them) */
  size_t calibration_len;
  char calibration_hash[17]; /* FNV-1a 64 of the bytes, hex; "" without */
} salesim_scenario;

/* Limits on what a scenario may read (docs/input-safety.md). */
#define SALESIM_FILE_MAX_BYTES (1024 * 1024)       /* one file */
#define SALESIM_SOURCE_MAX_BYTES (4 * 1024 * 1024) /* a file with its includes */
#define SALESIM_STRING_MAX_BYTES 65536             /* one string value */
#define SALESIM_INCLUDE_MAX_DEPTH 8                /* nested @include levels */
#define SALESIM_INCLUDE_MAX_COUNT 256              /* @include directives in all */
#define SALESIM_INCLUDE_DIRS_MAX 8                 /* extra allowed folders */

/**
 * Load and validate a scenario file. On failure *out is NULL, every problem
 * is in `diag` (one line each: "FILE:LINE: SETTING: problem (expected ...)")
 * and SALESIM_ESCENARIO (or SALESIM_EIO for an unreadable file) is returned.
 * The same as salesim_scenario_load_with() with no options: `@include` only
 * of files in the scenario's own folder tree.
 */
int salesim_scenario_load(salesim_scenario **out, const char *path,
                          salesim_diag *diag);
void salesim_scenario_free(salesim_scenario *sc);

/** Options of one load; initialise with SALESIM_LOAD_OPTIONS_INIT. */
typedef struct salesim_load_options {
  int version;                     /* 1 */
  /* Folders besides the scenario's own folder tree whose files (and their
   * subfolders' files) may be `@include`d, as the command line's
   * --include-dir gives them. Borrowed: read during the load only. */
  const char *const *include_dirs;
  int n_include_dirs;              /* 0 to SALESIM_INCLUDE_DIRS_MAX */
  /* 1: the company's data (sc->data) is loaded with every name replaced by
   * its id (salesim_data_redacted), so that no output of the scenario
   * carries one: the command line's --redact (docs/data-format.md). The
   * results are the same numbers. */
  int redact;
} salesim_load_options;

#define SALESIM_LOAD_OPTIONS_INIT {1, NULL, 0, 0}

/**
 * salesim_scenario_load() with options (`opt` may be NULL: none). The
 * options belong to this load alone, nothing is kept between loads, so
 * loads on several threads at once, each with its own folders, do not
 * affect each other. A folder that is not one gives SALESIM_EINVAL and
 * "--include-dir DIR: problem" in diag.
 */
int salesim_scenario_load_with(salesim_scenario **out, const char *path,
                               const salesim_load_options *opt, salesim_diag *diag);

/**
 * Check that `dir` can be given in salesim_load_options.include_dirs (it
 * names a folder), so a command line can refuse a bad --include-dir before
 * it loads anything. Returns 0, or SALESIM_EINVAL with
 * "--include-dir DIR: problem" in diag.
 */
int salesim_scenario_check_include_dir(const char *dir, salesim_diag *diag);

/**
 * The scenario as one self-contained file: `source` (every @include
 * inlined) with the top-level seed, replications, months and mode set to
 * `seed`, `replications`, sc->months and sc->mode where the text says
 * otherwise (the changed settings move to a commented block at the end).
 * Loading the result and running it with no options reproduces a run that
 * used these values. *out is malloc'd (caller frees), NUL-terminated.
 * Returns 0, SALESIM_EINVAL (no source) or SALESIM_ENOMEM.
 */
int salesim_scenario_resolved_text(const salesim_scenario *sc, uint64_t seed, int replications,
                                   char **out, size_t *len);

/** One setting of a scenario group to write anew: `group.name = value;`
 *  with `value` as libconfig text (a number, a "string", a { group }). */
typedef struct salesim_text_edit {
  const char *group; /* a top-level group: "population", "data", ...; NULL:
                        a top-level setting (`calibration`) */
  const char *name;  /* its setting */
  const char *value; /* the new value's text */
} salesim_text_edit;

/**
 * The scenario's text (`source`, every @include inlined) with each edit
 * applied: the setting is taken out of its group where the text has it
 * and written, under a comment line `note` (may be NULL), at the end of
 * the group (the group is added at the end of the text when it has none);
 * top-level settings (group NULL) are taken out and written at the text's end.
 * Comments and every other setting stay as they were. *out is malloc'd,
 * NUL-terminated. Returns 0, SALESIM_EINVAL (no source; a group that is
 * not a group) or SALESIM_ENOMEM. The result is meant to be loaded and
 * checked like any scenario (the calibrated scenario of `salesim
 * calibrate`).
 */
int salesim_scenario_edited_text(const salesim_scenario *sc, const salesim_text_edit *edits,
                                 int n_edits, const char *note, char **out, size_t *len);

/**
 * Set one number of a loaded scenario by its path, as a sweep or an
 * optimisation does: "GROUP.SETTING" for production, population,
 * territories and firm ("firm.margin"; a distribution as
 * "population.ability" sets a constant, "population.ability.mean" one
 * field), "mechanisms.LABEL.SETTING" or "mechanisms[INDEX].SETTING" for a
 * mechanism's number ("mechanisms.commission.rate", "mechanisms[0].rate"),
 * and the top-level "budget". An element of a list setting: "SETTING[i]"
 * (a vector), "SETTING[i].x" / ".y" or the spec's names for them (a
 * point: "mechanisms[0].curve[2].pay"). Integers are rounded. The value
 * must be in the setting's range (a point's x strictly between its
 * neighbours') and the mechanism's cross-checks must still pass. Returns 0, SALESIM_ENOTFOUND (no such
 * number: the message lists what exists) or SALESIM_EINVAL (out of range),
 * one line in diag.
 */
int salesim_scenario_set(salesim_scenario *sc, const char *path, double value,
                         salesim_diag *diag);

/** Current value of the number at `path` (as salesim_scenario_set reads
 *  it); NAN if there is none (then a line in diag when diag is not NULL). */
double salesim_scenario_get(const salesim_scenario *sc, const char *path,
                            salesim_diag *diag);

/** A deep copy of a scenario (for sweeps that change it); NULL if out of
 *  memory. Free with salesim_scenario_free(). */
salesim_scenario *salesim_scenario_copy(const salesim_scenario *sc);

/** Tables describing the top-level groups, for docs and tools. */
const salesim_param_table *salesim_scenario_tables(size_t *count);

/**
 * Print every table (top level, the groups, each registered mechanism) as
 * markdown to `fp`: setting, type, default, allowed values, unit, meaning.
 * The CLI exposes it as `salesim params`; docs/scenario-format.md holds the
 * same tables. Returns 0 or SALESIM_EIO.
 */
int salesim_scenario_doc_markdown(FILE *fp);

#ifdef __cplusplus
}
#endif
#endif
