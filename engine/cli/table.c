/*
 * engine/cli/table.c: the terminal comparison table (table.h).
 *
 * Rows are metrics: the headline ones of issue 2 in a fixed order, then any
 * other metric that has data for some mechanism. Each mechanism gets a
 * "mean [ci_low, ci_high]" column and, unless it is the baseline, a
 * "diff vs BASELINE [lo, hi]" column (paired difference on common random
 * numbers, MODEL.md §8; the difference carries its sign, '*' marks an
 * interval that excludes 0). Money is
 * shown with k/M/B suffixes, counts with thousands separators, shares as
 * percent (differences in percentage points), ratios with three decimals.
 * The baseline comes first. If one table would be wider than TABLE_WIDTH
 * columns, one block per mechanism is printed instead.
 * Read next: engine/output/output.c (the same numbers as files).
 */
#define _POSIX_C_SOURCE 200809L

#include "table.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define TABLE_WIDTH 140
#define CELL_MAX 400
#define COL_GAP 2

/* Headline metrics, in the order the analyst reads them. */
static const int headline[] = {
    SALESIM_METRIC_REVENUE,       SALESIM_METRIC_NEW_CUSTOMERS,
    SALESIM_METRIC_PAY_COST,      SALESIM_METRIC_COST_OF_SALES,
    SALESIM_METRIC_PROFIT,        SALESIM_METRIC_HEADCOUNT_END,
    SALESIM_METRIC_QUITS,         SALESIM_METRIC_SURVIVAL_12,
    SALESIM_METRIC_PCT_AT_TARGET, SALESIM_METRIC_OTE_ACCURACY,
    SALESIM_METRIC_PAY_GINI,
};

/* Short row labels of the core metrics (the long ones are in results.h and
 * the files); a mechanism's metrics carry theirs in their declaration. */
static const char *const short_label[SALESIM_METRIC_CORE_COUNT] = {
    [SALESIM_METRIC_REVENUE] = "Revenue /yr",
    [SALESIM_METRIC_REVENUE_NEW] = "New-biz revenue /yr",
    [SALESIM_METRIC_REVENUE_BOOK] = "Account revenue /yr",
    [SALESIM_METRIC_NEW_CUSTOMERS] = "New customers /yr",
    [SALESIM_METRIC_PAY_COST] = "Pay cost /yr",
    [SALESIM_METRIC_PAY_FIXED] = "Fixed pay /yr",
    [SALESIM_METRIC_PAY_VARIABLE] = "Variable pay /yr",
    [SALESIM_METRIC_MGMT_COST] = "Management cost /yr",
    [SALESIM_METRIC_COST_OF_SALES] = "Cost of sales",
    [SALESIM_METRIC_PROFIT] = "Profit /yr",
    [SALESIM_METRIC_HEADCOUNT_END] = "Headcount at end",
    [SALESIM_METRIC_QUITS] = "Quits /yr",
    [SALESIM_METRIC_QUITS_BROKE] = "Quits (broke) /yr",
    [SALESIM_METRIC_HIRES] = "Hires /yr",
    [SALESIM_METRIC_SURVIVAL_6] = "Hire survival 6m",
    [SALESIM_METRIC_SURVIVAL_12] = "Hire survival 12m",
    [SALESIM_METRIC_TOP_RETENTION] = "Top-20% retention",
    [SALESIM_METRIC_PCT_BELOW_50] = "Below 50% of target",
    [SALESIM_METRIC_PCT_80_120] = "At 80-120% of target",
    [SALESIM_METRIC_PCT_AT_TARGET] = "At/above target",
    [SALESIM_METRIC_PCT_ABOVE_150] = "Above 150% of target",
    [SALESIM_METRIC_OTE_ACCURACY] = "OTE accuracy",
    [SALESIM_METRIC_PAY_GINI] = "Pay Gini",
    [SALESIM_METRIC_PAY_PERF_CORR] = "Pay-perf. rho",
    [SALESIM_METRIC_TARGET_ACCURACY] = "Target error",
    [SALESIM_METRIC_HUNTING_SHARE] = "Hunting share",
    [SALESIM_METRIC_EFFORT] = "Mean effort",
    [SALESIM_METRIC_COLLISIONS] = "Collisions /yr",
    [SALESIM_METRIC_COST_PER_NEW_CUSTOMER] = "Cost per new customer",
};

/* The short label of a metric, or its full label when it has none. */
static const char *row_label(const salesim_results *r, int m) {
  const char *s = NULL;
  if (m < SALESIM_METRIC_CORE_COUNT) {
    s = short_label[m];
  } else {
    s = salesim_results_metric_short_label(r, m);
  }
  return s ? s : r->metric_info[m]->label;
}

typedef enum number_kind { KIND_MONEY, KIND_COUNT, KIND_SHARE, KIND_DECIMAL } number_kind;

static number_kind kind_of(const char *unit) {
  if (strncmp(unit, "currency", 8) == 0)
    return KIND_MONEY;
  if (strcmp(unit, "share") == 0)
    return KIND_SHARE;
  if (strcmp(unit, "per year") == 0 || strcmp(unit, "people") == 0)
    return KIND_COUNT;
  return KIND_DECIMAL;
}

/* |v| with `decimals` decimals and a ',' every three integer digits, with a
 * sign ('-', or '+' when `plus`; none when it rounds to zero) and suffix. */
static void put_number(char *buf, size_t cap, double v, int decimals,
                       int plus, int group, const char *suffix) {
  char digits[64];
  snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
  int zero = strspn(digits, "0.") == strlen(digits);
  const char *sign = zero ? "" : v < 0 ? "-" : plus ? "+" : "";
  char grouped[96];
  size_t int_len = strcspn(digits, "."), o = 0;
  for (size_t i = 0; digits[i] && o + 2 < sizeof grouped; i++) {
    if (group && i > 0 && i < int_len && (int_len - i) % 3 == 0)
      grouped[o++] = ',';
    grouped[o++] = digits[i];
  }
  grouped[o] = '\0';
  snprintf(buf, cap, "%s%s%s", sign, grouped, suffix);
}

/* Decimals for a scaled magnitude s: about three significant digits, more
 * (up to max_dec) until the interval's half-width shows. */
static int pick_decimals(double s, double half, int max_dec) {
  int d = s < 10 ? 2 : s < 100 ? 1 : 0;
  while (d < max_dec && half > 0 && half * pow(10, d) < 1)
    d++;
  return d < max_dec ? d : max_dec;
}

/* "mean [lo, hi]" (or just "mean" for a zero-width interval) for a metric
 * of kind `k`; `diff` formats a difference (explicit '+', pp for shares). */
static void format_cell(char *buf, size_t cap, number_kind k, double mean,
                        double lo, double hi, int diff) {
  if (isnan(mean)) {
    snprintf(buf, cap, "-");
    return;
  }
  int interval = !isnan(lo) && !isnan(hi) && !(lo == mean && hi == mean);
  double mag = fabs(mean);
  if (interval)
    mag = fmax(mag, fmax(fabs(lo), fabs(hi)));
  double half = interval ? (hi - lo) / 2 : 0;
  double div = 1;
  const char *suffix = "";
  int decimals = 0, group = 0;
  switch (k) {
  case KIND_MONEY:
    if (mag >= 1e9) {
      div = 1e9;
      suffix = "B";
    } else if (mag >= 1e6) {
      div = 1e6;
      suffix = "M";
    } else if (mag >= 1e3) {
      div = 1e3;
      suffix = "k";
    }
    decimals = pick_decimals(mag / div, half / div, 3);
    group = 1;
    break;
  case KIND_COUNT:
    decimals = mag < 1000 ? 1 : 0;
    while (decimals < 2 && half > 0 && half * pow(10, decimals) < 1)
      decimals++;
    group = 1;
    break;
  case KIND_SHARE:
    div = 0.01;
    suffix = diff ? "pp" : "%";
    decimals = 1;
    break;
  case KIND_DECIMAL:
    decimals = mag < 100 ? 3 : pick_decimals(mag, half, 2);
    group = 1;
    break;
  }
  if (!interval && mean == 0) {
    snprintf(buf, cap, "0");
    return;
  }
  char m[128], l[128], h[128];
  put_number(m, sizeof m, mean / div, decimals, diff, group, suffix);
  if (!interval) {
    snprintf(buf, cap, "%s", m);
    return;
  }
  put_number(l, sizeof l, lo / div, decimals, 0, group, suffix);
  put_number(h, sizeof h, hi / div, decimals, 0, group, suffix);
  snprintf(buf, cap, "%s [%s, %s]%s", m, l, h,
           diff && (lo > 0 || hi < 0) ? "*" : "");
}

/* A column of the printed table: a mechanism's mean or its difference. */
typedef struct column {
  int mech, diff, width;
} column;

typedef struct layout {
  const salesim_results *r;
  const salesim_stat *stats;
  int *rows, nrows; /* r->n_metrics */
  char *cells; /* [(row*n_mech + mech)*2 + diff][CELL_MAX] */
  int label_width;
  int mark_baseline; /* write "(baseline)" after the baseline's name */
} layout;

static char *cell_at(const layout *L, int row, int mech, int diff) {
  return L->cells + (((size_t)row * (size_t)L->r->n_mech + (size_t)mech) * 2 +
                     (size_t)diff) * CELL_MAX;
}

/* Header lines of a column: the mechanism's name above its mean column
 * (marked "(baseline)" if L->mark_baseline), nothing above a difference. */
static void column_headers(const layout *L, const column *c, char *top,
                           size_t ntop, char *sub, size_t nsub) {
  const salesim_results *r = L->r;
  const char *name = r->mech_names[c->mech];
  if (c->diff) {
    snprintf(top, ntop, "%s", "");
    snprintf(sub, nsub, "diff vs %s", r->mech_names[r->baseline]);
    return;
  }
  snprintf(sub, nsub, "mean [95%% CI]");
  if (c->mech == r->baseline && L->mark_baseline)
    snprintf(top, ntop, "%s (baseline)", name);
  else
    snprintf(top, ntop, "%s", name);
}

static int width_of(const layout *L, column *cols, int ncols) {
  int total = L->label_width;
  for (int i = 0; i < ncols; i++) {
    char top[128], sub[128];
    column_headers(L, &cols[i], top, sizeof top, sub, sizeof sub);
    int w = (int)strlen(top);
    if ((int)strlen(sub) > w)
      w = (int)strlen(sub);
    for (int row = 0; row < L->nrows; row++) {
      int n = (int)strlen(cell_at(L, row, cols[i].mech, cols[i].diff));
      if (n > w)
        w = n;
    }
    cols[i].width = w;
    total += COL_GAP + w;
  }
  return total;
}

static void print_rule(FILE *fp, int width) {
  for (int i = 0; i < width; i++)
    fputc('-', fp);
  fputc('\n', fp);
}

/* One line: the label, then each column padded to its width; no trailing
 * blanks. */
static void print_line(FILE *fp, const layout *L, const column *cols,
                       int ncols, const char *label, const char *const *text) {
  char line[4096];
  int n = snprintf(line, sizeof line, "%-*s", L->label_width, label);
  for (int i = 0; i < ncols && n > 0 && (size_t)n < sizeof line; i++)
    n += snprintf(line + n, sizeof line - (size_t)n, "%*s%-*s", COL_GAP, "",
                  cols[i].width, text[i]);
  size_t len = strlen(line);
  while (len > 0 && line[len - 1] == ' ')
    line[--len] = '\0';
  fprintf(fp, "%s\n", line);
}

static void print_view(FILE *fp, const layout *L, column *cols, int ncols) {
  int width = width_of(L, cols, ncols);
  const char **tops = malloc((size_t)ncols * sizeof *tops);
  const char **subs = malloc((size_t)ncols * sizeof *subs);
  char *store = malloc((size_t)ncols * 2 * 128);
  if (tops == NULL || subs == NULL || store == NULL) {
    fprintf(fp, "salesim: out of memory printing the comparison table\n");
    goto cleanup;
  }
  for (int i = 0; i < ncols; i++) {
    char *t = store + (size_t)i * 256, *u = t + 128;
    column_headers(L, &cols[i], t, 128, u, 128);
    tops[i] = t;
    subs[i] = u;
  }
  print_line(fp, L, cols, ncols, "", tops);
  print_line(fp, L, cols, ncols, "Metric", subs);
  print_rule(fp, width);
  for (int row = 0; row < L->nrows; row++) {
    for (int i = 0; i < ncols; i++)
      tops[i] = cell_at(L, row, cols[i].mech, cols[i].diff);
    print_line(fp, L, cols, ncols, row_label(L->r, L->rows[row]), tops);
  }
cleanup:
  free(tops);
  free(subs);
  free(store);
}

static void print_all(FILE *fp, const salesim_results *r,
                      const salesim_stat *stats) {
  layout L = {r, stats, NULL, 0, NULL, (int)strlen("Metric"), 1};
  column *cols = NULL;
  int *in_rows = calloc((size_t)r->n_metrics, sizeof *in_rows);
  L.rows = malloc((size_t)r->n_metrics * sizeof *L.rows);
  if (in_rows == NULL || L.rows == NULL) {
    fprintf(fp, "salesim: out of memory printing the comparison table\n");
    goto cleanup;
  }

  for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++) {
    L.rows[L.nrows++] = headline[i];
    in_rows[headline[i]] = 1;
  }
  for (int m = 0; m < r->n_metrics; m++) {
    if (in_rows[m])
      continue;
    for (int mech = 0; mech < r->n_mech; mech++)
      if (stats[(size_t)mech * (size_t)r->n_metrics + (size_t)m].n > 0) {
        L.rows[L.nrows++] = m;
        break;
      }
  }
  for (int row = 0; row < L.nrows; row++) {
    const char *label = row_label(r, L.rows[row]);
    if ((int)strlen(label) > L.label_width)
      L.label_width = (int)strlen(label);
  }

  L.cells = malloc((size_t)L.nrows * (size_t)r->n_mech * 2 * CELL_MAX);
  cols = malloc((size_t)r->n_mech * 2 * sizeof *cols);
  if (L.cells == NULL || cols == NULL) {
    fprintf(fp, "salesim: out of memory printing the comparison table\n");
    goto cleanup;
  }
  for (int row = 0; row < L.nrows; row++) {
    int m = L.rows[row];
    number_kind k = kind_of(r->metric_info[m]->unit);
    for (int mech = 0; mech < r->n_mech; mech++) {
      const salesim_stat *s = &stats[(size_t)mech * (size_t)r->n_metrics + (size_t)m];
      format_cell(cell_at(&L, row, mech, 0), CELL_MAX, k,
                  s->n > 0 ? s->mean : NAN, s->ci_low, s->ci_high, 0);
      format_cell(cell_at(&L, row, mech, 1), CELL_MAX, k, s->diff,
                  s->diff_low, s->diff_high, 1);
    }
  }

  fprintf(fp, "Comparison of %d mechanism%s over %d replication%s of %d month%s; "
              "baseline: %s\n\n",
          r->n_mech, r->n_mech == 1 ? "" : "s", r->n_rep,
          r->n_rep == 1 ? "" : "s", r->n_months, r->n_months == 1 ? "" : "s",
          r->mech_names[r->baseline]);

  /* Baseline first, then the others in scenario order. */
  int ncols = 0;
  cols[ncols++] = (column){r->baseline, 0, 0};
  for (int mech = 0; mech < r->n_mech; mech++) {
    if (mech == r->baseline)
      continue;
    cols[ncols++] = (column){mech, 0, 0};
    cols[ncols++] = (column){mech, 1, 0};
  }
  /* One table if it fits (with "(baseline)" written out if that fits too),
   * else one block per mechanism. */
  L.mark_baseline = 1;
  int fits = width_of(&L, cols, ncols) <= TABLE_WIDTH;
  if (!fits) {
    L.mark_baseline = 0;
    fits = width_of(&L, cols, ncols) <= TABLE_WIDTH;
  }
  if (fits) {
    print_view(fp, &L, cols, ncols);
  } else {
    L.mark_baseline = 1;
    for (int i = 0; i < ncols; i++) {
      if (cols[i].diff)
        continue;
      column one[2] = {{cols[i].mech, 0, 0}, {cols[i].mech, 1, 0}};
      if (i > 0)
        fputc('\n', fp);
      print_view(fp, &L, one, cols[i].mech == r->baseline ? 1 : 2);
    }
  }

  fprintf(fp, "\nMean over replications with its 95 %% t interval [low, high]; "
              "diff = paired difference vs %s\n"
              "on common random numbers, * = its interval excludes 0. Money in "
              "the scenario's currency (k, M, B = thousand,\n"
              "million, billion); /yr = per year; pp = percentage points; "
              "- = not applicable.\n",
          r->mech_names[r->baseline]);
  if (r->n_rep == 1)
    fprintf(fp, "One replication only: no intervals; run more replications to "
                "judge differences.\n");
cleanup:
  free(L.cells);
  free(L.rows);
  free(in_rows);
  free(cols);
}

void salesim_cli_print_table(FILE *fp, const salesim_results *r) {
  if (fp == NULL || r == NULL || r->n_mech < 1 || r->baseline < 0 ||
      r->baseline >= r->n_mech)
    return;
  salesim_stat *stats =
      malloc((size_t)r->n_mech * (size_t)r->n_metrics * sizeof *stats);
  const salesim_stat *use = stats;
  if (stats == NULL || salesim_stats_summarize_into(r, stats) != 0)
    use = r->summary;
  if (use == NULL) {
    fprintf(fp, "salesim: no statistics to print\n");
    free(stats);
    return;
  }
  /* Numbers with '.' whatever locale the program set (this thread only). */
  locale_t c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0), saved = (locale_t)0;
  if (c_locale != (locale_t)0)
    saved = uselocale(c_locale);
  print_all(fp, r, use);
  if (c_locale != (locale_t)0) {
    uselocale(saved);
    freelocale(c_locale);
  }
  free(stats);
}
