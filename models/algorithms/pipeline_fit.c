/*
 * models/algorithms/pipeline_fit.c: the pipeline's maximum-likelihood fit
 * from a deal log (models/algorithms/pipeline_fit.h, docs/pipeline-fit.md).
 *
 * The model is a Markov chain on stages 1..4 with monthly advance a_j, loss
 * l_j and stay 1 - a_j - l_j. Its likelihood, given each opportunity's
 * stage at the end of every month, is prod_j a_j^A_j l_j^L_j
 * (1-a_j-l_j)^(n_j-A_j-L_j): a multinomial per stage, whose MLE is
 * a_j = A_j/n_j, l_j = L_j/n_j with variance p(1-p)/n_j and covariance
 * -a_j l_j/n_j (the inverse Fisher information); stages are independent.
 * Censored opportunities contribute their stays and no exit, and months
 * before the window are conditioned on (left truncation): both leave the
 * likelihood of the counted months unchanged for a Markov chain.
 * The fit assumes one stage a month at most, as the simulation does with
 * per-stage values (stage_advance / stage_loss): a log's multi-stage jumps
 * (legitimate for cycles under 4 months, which the simulation runs as
 * sub-steps of the rule from cycle_months, models/core/pipeline.c) count
 * as advances through each skipped stage in that month, and are counted
 * and warned about, not modelled.
 * The derived figures (P(win | j), months in stage, the cycle) are
 * functions of (a, l) computed by salesim_pipeline_chain; their standard
 * errors come from the delta method with the gradient by central
 * differences.
 *
 * Read next: models/core/pipeline.c (salesim_pipeline_chain, the chain
 * the simulation runs), tests/test_pipeline_fit.c.
 */
#include "pipeline_fit.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP (SALESIM_STAGES - 1)  /* stage 4 (80 %) */
#define WON SALESIM_DATA_STAGE_WON
#define LOST SALESIM_DATA_STAGE_LOST
#define Z95 1.959963984540054

/* ---- months --------------------------------------------------------- */

static long month_of(long day) {
  int y, m, dd;
  salesim_data_ymd(day, &y, &m, &dd);
  return (long)y * 12 + m - 1;
}

static int day_of_month(long day) {
  int y, m, dd;
  salesim_data_ymd(day, &y, &m, &dd);
  return dd;
}

static long first_day(long month) {
  return salesim_data_days((int)(month / 12), (int)(month % 12) + 1, 1); /* years > 0 */
}

/* ---- the events in (opportunity, date, file order) ---------------------- */

typedef struct sort_key {
  long date;
  int opportunity;
  size_t row;
} sort_key;

static int by_opp_date(const void *pa, const void *pb) {
  const sort_key *a = pa, *b = pb;
  if (a->opportunity != b->opportunity)
    return a->opportunity < b->opportunity ? -1 : 1;
  if (a->date != b->date)
    return a->date < b->date ? -1 : 1;
  return a->row < b->row ? -1 : a->row > b->row; /* the file's order: stable */
}

/* ix[0..n): the rows in (opportunity, date, file) order. 0 or SALESIM_ENOMEM. */
static int order_events(const salesim_data *d, size_t *ix) {
  size_t n = d->n_events;
  int sorted = 1;
  for (size_t i = 0; i < n; i++) {
    ix[i] = i;
    if (i > 0) {
      const salesim_data_event *p = &d->events[i - 1], *q = &d->events[i];
      if (q->opportunity < p->opportunity ||
          (q->opportunity == p->opportunity && q->date < p->date))
        sorted = 0;
    }
  }
  if (sorted)
    return 0;
  sort_key *key = malloc(n * sizeof *key);
  if (key == NULL)
    return SALESIM_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    key[i].date = d->events[i].date;
    key[i].opportunity = d->events[i].opportunity;
    key[i].row = i;
  }
  qsort(key, n, sizeof *key, by_opp_date);
  for (size_t i = 0; i < n; i++)
    ix[i] = key[i].row;
  free(key);
  return 0;
}

/* ---- counting ------------------------------------------------------------- */

typedef struct counts {
  long n[SALESIM_STAGES], adv[SALESIM_STAGES], los[SALESIM_STAGES];
} counts;

/* One month that began at stage s (1..4) and ended at t (0 none, 1..4, WON,
 * LOST); returns the stage it continues from. */
static int month_move(counts *c, salesim_pipeline_estimate *e, int s, int t, int counted) {
  if (t == LOST) {
    if (counted) {
      c->n[s]++;
      c->los[s]++;
    }
    return t;
  }
  int to = t == WON ? TOP + 1 : t;
  if (to > s) {
    /* a move of several stages in one month: an advance through each */
    if (counted) {
      for (int k = s; k < to; k++) {
        c->n[k]++;
        c->adv[k]++;
      }
      if (to - s > 1) {
        e->jumps++;
        e->jump_stages += to - s - 1;
      }
    }
    return t;
  }
  if (counted) {
    c->n[s]++; /* a stay; a move back counts as one */
    if (to < s)
      e->backward++;
  }
  return t;
}

/* The rows [b, end) of one opportunity (in date order, all before the
 * window's end); M0, M1: the window's months. */
static void one_opportunity(const salesim_data *d, const salesim_data_event *ev,
                            const size_t *ix, size_t b,
                            size_t end, long M0, long M1, counts *c,
                            salesim_pipeline_estimate *e, double *lead_sum, double *lead_sum2) {
  /* entry: the first row at a stage of the model (or a close) */
  long lead_day = LONG_MIN;
  size_t k = b;
  for (; k < end; k++) {
    const salesim_data_event *r = &ev[ix[k]];
    if (r->stage != SALESIM_DATA_STAGE_LEAD)
      break;
    if (lead_day == LONG_MIN)
      lead_day = r->date;
  }
  if (k == end)
    return; /* only lead rows: never reached 20 % */
  const salesim_data_event *first = &ev[ix[k]];
  long me = month_of(first->date);
  if (first->stage == WON || first->stage == LOST) {
    if (me >= M0 && me <= M1)
      e->closed_unstaged++;
    return;
  }
  if (lead_day != LONG_MIN && me >= M0 && me <= M1) {
    double days = (double)(first->date - lead_day);
    e->lead_n++;
    *lead_sum += days;
    *lead_sum2 += days * days;
  }
  int state = first->stage; /* the stage the month began at (entry month: entry stage) */
  long month = me;          /* the month being closed */
  int seen = 0;
  k++;
  for (;;) {
    /* the month's last row, skipping lead rows once staged */
    int end_stage = state, end_rep = -1;
    while (k < end && month_of(ev[ix[k]].date) == month) {
      int st = ev[ix[k]].stage;
      if (st == SALESIM_DATA_STAGE_LEAD) {
        e->rows_ignored++;
      } else {
        end_stage = st;
        end_rep = ev[ix[k]].rep;
      }
      k++;
    }
    if (end_stage == LOST && end_rep >= 0 && (size_t)end_rep < d->n_reps &&
        d->reps[end_rep].exit_date != SALESIM_DATA_NO_DATE &&
        month_of(d->reps[end_rep].exit_date) == month) {
      /* lost in the month its rep left: the deal left with the person, not
       * the market's verdict; censored there */
      e->dropped++;
      for (; k < end; k++)
        e->rows_ignored++;
      return;
    }
    int counted = month >= M0 && month <= M1;
    if (counted && !seen) {
      seen = 1;
      e->opportunities++;
      if (month > me)
        e->left_truncated++;
    }
    if (month == me) {
      /* the entry month: its moves count, a stay in it does not (it is
       * part of a month; the simulation opens a deal and moves it the next
       * month) */
      if (end_stage != state && !(end_stage < state))
        state = month_move(c, e, state, end_stage, counted);
      else
        state = end_stage;
    } else {
      state = month_move(c, e, state, end_stage, counted);
    }
    if (state == WON || state == LOST) {
      for (; k < end; k++) /* anything after the close */
        e->rows_ignored++;
      return;
    }
    if (month >= M1) { /* open at the window's end */
      e->censored++;
      return;
    }
    /* months without a row are stays: count those inside the window at once */
    long next = k < end ? month_of(ev[ix[k]].date) : M1 + 1;
    if (next > M1 + 1)
      next = M1 + 1;
    long lo = month + 1 > M0 ? month + 1 : M0, hi = next - 1;
    if (hi >= lo) {
      if (!seen) {
        seen = 1;
        e->opportunities++;
        if (lo > me)
          e->left_truncated++;
      }
      c->n[state] += hi - lo + 1;
    }
    if (next > M1) {
      e->censored++;
      return;
    }
    month = next;
  }
}

/* ---- derived figures and their standard errors ------------------------ */

/* theta = (a_1..a_4, l_1..l_4); figure f of the chain */
enum { F_WIN = 0, F_STAY = 4, F_CYCLE = 8, F_CYCLE_WON, N_FIG };

static void figures(const double *theta, double *f) {
  double a[SALESIM_STAGES] = {0}, l[SALESIM_STAGES] = {0};
  double w[SALESIM_STAGES], left[SALESIM_STAGES], to_win[SALESIM_STAGES];
  for (int j = 1; j <= TOP; j++) {
    a[j] = theta[j - 1];
    l[j] = theta[TOP + j - 1];
  }
  salesim_pipeline_chain(a, l, w, left, to_win);
  for (int j = 1; j <= TOP; j++) {
    f[F_WIN + j - 1] = w[j];
    f[F_STAY + j - 1] = a[j] + l[j] > 0 ? 1 / (a[j] + l[j]) : HUGE_VAL;
  }
  f[F_CYCLE] = left[1];
  f[F_CYCLE_WON] = to_win[1];
}

/* se[i] of figure i by the delta method: grad' V grad with V block
 * diagonal (per stage the multinomial covariance of a_j, l_j). */
static void delta_se(const double *theta, const long *n, double *se) {
  enum { P = 2 * TOP };
  double grad[P][N_FIG];
  double th[P], fp[N_FIG], fm[N_FIG];
  memcpy(th, theta, sizeof th);
  for (int k = 0; k < P; k++) {
    double h = 1e-6 * (theta[k] > 1e-3 ? theta[k] : 1e-3);
    double lo = theta[k] - h >= 0 ? theta[k] - h : theta[k];
    double hi = theta[k] + h;
    th[k] = hi;
    figures(th, fp);
    th[k] = lo;
    figures(th, fm);
    th[k] = theta[k];
    for (int i = 0; i < N_FIG; i++)
      grad[k][i] = (fp[i] - fm[i]) / (hi - lo);
  }
  for (int i = 0; i < N_FIG; i++) {
    double v = 0;
    for (int j = 0; j < TOP; j++) {
      double nn = (double)n[j + 1];
      if (!(nn > 0)) {
        v = NAN;
        break;
      }
      double a = theta[j], l = theta[TOP + j];
      double ga = grad[j][i], gl = grad[TOP + j][i];
      v += (ga * ga * a * (1 - a) + gl * gl * l * (1 - l) - 2 * ga * gl * a * l) / nn;
    }
    se[i] = isfinite(v) && v >= 0 ? sqrt(v) : NAN;
  }
}

/* ---- deal values ---------------------------------------------------------- */

/* The value of a won deal: on the won row, else the opportunity's last
 * value before it (rows [b, k] in date order); NAN if none. */
static double won_value(const salesim_data_event *ev, const size_t *ix, size_t b, size_t k) {
  double v = ev[ix[k]].value;
  if (isfinite(v))
    return v;
  for (size_t i = k; i-- > b;)
    if (isfinite(ev[ix[i]].value))
      return ev[ix[i]].value;
  return NAN;
}

static void fit_values(salesim_pipeline_estimate *e, double s1, double s2, long n) {
  e->n_values = n;
  e->log_mu = e->log_sigma = e->log_mu_se = e->log_sigma_se = NAN;
  e->value_mean = e->value_sd = e->value_mean_se = e->value_sd_se = NAN;
  if (n < 1)
    return;
  double mu = s1 / (double)n;
  double var = s2 / (double)n - mu * mu;
  double s = var > 0 ? sqrt(var) : 0;
  e->log_mu = mu;
  e->log_sigma = s;
  double m = exp(mu + 0.5 * s * s);
  double ex = exp(s * s);
  double sd = m * sqrt(ex - 1);
  e->value_mean = m;
  e->value_sd = sd;
  if (n < 2)
    return;
  double vmu = s * s / (double)n, vs = s * s / (2.0 * n); /* inverse Fisher information */
  e->log_mu_se = sqrt(vmu);
  e->log_sigma_se = sqrt(vs);
  /* mean = exp(mu + s^2/2): d/dmu = mean, d/ds = mean * s;
   * sd = mean * sqrt(exp(s^2) - 1): d/dmu = sd,
   * d/ds = sd * s + mean * s * exp(s^2) / sqrt(exp(s^2) - 1) */
  e->value_mean_se = sqrt(m * m * vmu + m * m * s * s * vs);
  double dsd_ds = s > 0 ? sd * s + m * s * ex / sqrt(ex - 1) : 0;
  e->value_sd_se = sqrt(sd * sd * vmu + dsd_ds * dsd_ds * vs);
}

/* ---- the fit -------------------------------------------------------------- */

static void clear_estimate(salesim_pipeline_estimate *e) {
  memset(e, 0, sizeof *e);
  for (int j = 1; j <= TOP; j++)
    e->advance[j] = e->advance_se[j] = e->loss[j] = e->loss_se[j] = e->p_win[j] =
        e->p_win_se[j] = e->stage_months[j] = e->stage_months_se[j] = NAN;
  e->cycle = e->cycle_se = e->cycle_won = e->cycle_won_se = e->win_rate = e->win_rate_se = NAN;
  e->log_mu = e->log_mu_se = e->log_sigma = e->log_sigma_se = NAN;
  e->value_mean = e->value_mean_se = e->value_sd = e->value_sd_se = NAN;
  e->lead_days = e->lead_days_se = NAN;
}

int salesim_pipeline_fit(const salesim_data *d, long from_day, long to_day,
                         salesim_pipeline_estimate *out, salesim_diag *diag) {
  static const char *const names[SALESIM_STAGES] = {"", "20 %", "40 %", "60 %", "80 %"};
  clear_estimate(out);
  size_t ne = d->n_events;
  /* the window in whole months */
  long M0, M1;
  if (from_day == LONG_MIN) {
    M0 = LONG_MIN / 2;
  } else {
    M0 = month_of(from_day) + (day_of_month(from_day) != 1);
  }
  if (to_day == LONG_MAX) {
    long last = LONG_MIN;
    for (size_t i = 0; i < ne; i++)
      if (d->events[i].date > last)
        last = d->events[i].date;
    M1 = last == LONG_MIN ? LONG_MIN / 2 : month_of(last);
  } else {
    M1 = month_of(to_day) - 1;
  }
  if (M0 == LONG_MIN / 2 && ne > 0) {
    long firstd = LONG_MAX;
    for (size_t i = 0; i < ne; i++)
      if (d->events[i].date < firstd)
        firstd = d->events[i].date;
    M0 = month_of(firstd);
  }
  out->first_month = M0;
  out->last_month = M1;
  if (ne == 0 || M1 < M0) {
    if (diag != NULL)
      salesim_diag_add(diag, "pipeline fit: no whole month of opportunities.csv in the window "
                             "(expected at least one month with stage changes)");
    return SALESIM_EINVAL;
  }
  long end_day = first_day(M1 + 1); /* rows from here on are ignored */
  size_t *ix = malloc(ne * sizeof *ix);
  if (ix == NULL)
    return SALESIM_ENOMEM;
  if (order_events(d, ix) != 0) {
    free(ix);
    return SALESIM_ENOMEM;
  }
  counts c;
  memset(&c, 0, sizeof c);
  int rc = 0;
  double lead_sum = 0, lead_sum2 = 0, v1 = 0, v2 = 0;
  long nv = 0;
  const salesim_data_event *ev = d->events;
  for (size_t b = 0; b < ne;) {
    size_t e = b, stop;
    while (e < ne && ev[ix[e]].opportunity == ev[ix[b]].opportunity)
      e++;
    for (stop = b; stop < e && ev[ix[stop]].date < end_day; stop++)
      ;
    one_opportunity(d, ev, ix, b, stop, M0, M1, &c, out, &lead_sum, &lead_sum2);
    /* deal values: the first won row of the opportunity, won in the window */
    for (size_t k = b; k < stop; k++) {
      const salesim_data_event *r = &ev[ix[k]];
      if (r->stage == LOST)
        break;
      if (r->stage != WON)
        continue;
      long m = month_of(r->date);
      if (m >= M0 && m <= M1) {
        double v = won_value(ev, ix, b, k);
        if (isfinite(v) && v > 0) {
          double lv = log(v);
          v1 += lv;
          v2 += lv * lv;
          nv++;
        } else {
          out->values_excluded++;
        }
      }
      break;
    }
    b = e;
  }
  free(ix);
  /* per stage */
  long total = 0, exits = 0;
  double theta[2 * TOP];
  for (int j = 1; j <= TOP; j++) {
    out->n[j] = c.n[j];
    out->advances[j] = c.adv[j];
    out->losses[j] = c.los[j];
    total += c.n[j];
    exits += c.adv[j] + c.los[j];
    double n = (double)c.n[j];
    if (c.n[j] > 0) {
      double a = (double)c.adv[j] / n, l = (double)c.los[j] / n;
      out->advance[j] = a;
      out->loss[j] = l;
      out->advance_se[j] = sqrt(a * (1 - a) / n);
      out->loss_se[j] = sqrt(l * (1 - l) / n);
    }
    theta[j - 1] = out->advance[j];
    theta[TOP + j - 1] = out->loss[j];
    if (c.n[j] < SALESIM_PIPELINE_FIT_MIN_MONTHS)
      if (diag != NULL &&
          salesim_diag_add(diag,
                           "pipeline fit: stage %s: %ld stage-months (expected at least %d for "
                           "a reliable estimate)",
                           names[j], c.n[j], SALESIM_PIPELINE_FIT_MIN_MONTHS) != 0)
        rc = SALESIM_ENOMEM;
  }
  if (total == 0) {
    if (diag != NULL)
      salesim_diag_add(diag, "pipeline fit: no opportunity at a stage of 20 to 80 %% in the "
                             "window (expected stage changes in opportunities.csv)");
    return SALESIM_EINVAL;
  }
  if (out->jumps > 0 && out->jumps * 20 > exits)
    if (diag != NULL &&
        salesim_diag_add(diag,
                         "pipeline fit: %ld moves of more than one stage in a month, against "
                         "%ld advances and losses counted (per-stage chances move a deal one "
                         "stage a month: each jump counts as advances through every stage it "
                         "skipped; for a cycle under 4 months set production.cycle_months "
                         "instead, docs/pipeline-fit.md)",
                         out->jumps, exits) != 0)
      rc = SALESIM_ENOMEM;
  int all = 1;
  for (int j = 1; j <= TOP; j++)
    all = all && c.n[j] > 0;
  if (all) {
    double f[N_FIG], se[N_FIG];
    figures(theta, f);
    delta_se(theta, out->n, se);
    for (int j = 1; j <= TOP; j++) {
      out->p_win[j] = f[F_WIN + j - 1];
      out->p_win_se[j] = se[F_WIN + j - 1];
      out->stage_months[j] = f[F_STAY + j - 1];
      out->stage_months_se[j] = isfinite(f[F_STAY + j - 1]) ? se[F_STAY + j - 1] : NAN;
    }
    out->cycle = f[F_CYCLE];
    out->cycle_se = isfinite(f[F_CYCLE]) ? se[F_CYCLE] : NAN;
    out->cycle_won = f[F_CYCLE_WON];
    out->cycle_won_se = isfinite(f[F_CYCLE_WON]) ? se[F_CYCLE_WON] : NAN;
    out->win_rate = out->p_win[1];
    out->win_rate_se = out->p_win_se[1];
  }
  fit_values(out, v1, v2, nv);
  if (nv < SALESIM_PIPELINE_FIT_MIN_MONTHS)
    if (diag != NULL &&
        salesim_diag_add(diag,
                         "pipeline fit: %ld won deals with a value (expected at least %d for "
                         "the deal value's distribution)",
                         nv, SALESIM_PIPELINE_FIT_MIN_MONTHS) != 0)
      rc = SALESIM_ENOMEM;
  if (out->lead_n > 0) {
    double n = (double)out->lead_n, m = lead_sum / n;
    out->lead_days = m;
    if (out->lead_n > 1) {
      double var = (lead_sum2 - n * m * m) / (n - 1);
      out->lead_days_se = var > 0 ? sqrt(var / n) : 0;
    }
  }
  return rc;
}

/* ---- into a scenario ----------------------------------------------------- */

int salesim_pipeline_fit_apply(const salesim_pipeline_estimate *e, salesim_production *p,
                               salesim_diag *diag) {
  static const char *const names[SALESIM_STAGES] = {"", "20 %", "40 %", "60 %", "80 %"};
  for (int j = 1; j <= TOP; j++) {
    double a = e->advance[j], l = e->loss[j];
    if (!(a > 0 && a < 1 && l > 0 && l < 1 && a + l <= 1)) {
      if (diag != NULL)
        salesim_diag_add(diag,
                         "pipeline fit: stage %s: advance %g and loss %g from %ld stage-months "
                         "(expected each above 0 and below 1: production.stage_advance and "
                         "stage_loss cannot take them)",
                         names[j], a, l, e->n[j]);
      return SALESIM_EINVAL;
    }
  }
  if (!(e->n_values >= 2 && isfinite(e->value_mean) && e->value_mean > 0 &&
        isfinite(e->value_sd))) {
    if (diag != NULL)
      salesim_diag_add(diag, "pipeline fit: %ld won deals with a value (expected at least 2 for "
                             "production.deal_value)",
                       e->n_values);
    return SALESIM_EINVAL;
  }
  p->stage_advance.n = p->stage_loss.n = TOP;
  for (int j = 1; j <= TOP; j++) {
    p->stage_advance.v[j - 1] = e->advance[j];
    p->stage_loss.v[j - 1] = e->loss[j];
  }
  p->deal_value.kind = SALESIM_DIST_LOGNORMAL;
  p->deal_value.mean = e->value_mean;
  p->deal_value.sd = e->value_sd;
  return 0;
}

/* ---- fit.csv rows -------------------------------------------------------- */

static void row(salesim_pipeline_fit_row *r, const char *name, double est, double se, long n) {
  r->parameter = name;
  r->estimate = est;
  r->se = se;
  int ok = isfinite(est) && isfinite(se);
  r->ci_low = ok ? est - Z95 * se : NAN;
  r->ci_high = ok ? est + Z95 * se : NAN;
  r->n = n;
}

int salesim_pipeline_fit_rows(const salesim_pipeline_estimate *e,
                              salesim_pipeline_fit_row *rows, size_t cap) {
  static const char *const adv[] = {"", "advance_20", "advance_40", "advance_60", "won_80"};
  static const char *const los[] = {"", "loss_20", "loss_40", "loss_60", "loss_80"};
  static const char *const win[] = {"", "p_win_20", "p_win_40", "p_win_60", "p_win_80"};
  static const char *const stay[] = {"", "months_in_stage_20", "months_in_stage_40",
                                     "months_in_stage_60", "months_in_stage_80"};
  if (cap < SALESIM_PIPELINE_FIT_ROWS)
    return SALESIM_EINVAL;
  size_t k = 0;
  long all = 0;
  for (int j = 1; j <= TOP; j++)
    all += e->n[j];
  for (int j = 1; j <= TOP; j++) {
    row(&rows[k++], adv[j], e->advance[j], e->advance_se[j], e->n[j]);
    row(&rows[k++], los[j], e->loss[j], e->loss_se[j], e->n[j]);
  }
  for (int j = 1; j <= TOP; j++)
    row(&rows[k++], win[j], e->p_win[j], e->p_win_se[j], all);
  for (int j = 1; j <= TOP; j++)
    row(&rows[k++], stay[j], e->stage_months[j], e->stage_months_se[j], e->n[j]);
  row(&rows[k++], "cycle_months_to_close", e->cycle, e->cycle_se, all);
  row(&rows[k++], "cycle_months_won", e->cycle_won, e->cycle_won_se, all);
  row(&rows[k++], "win_rate_from_20", e->win_rate, e->win_rate_se, all);
  row(&rows[k++], "deal_log_mu", e->log_mu, e->log_mu_se, e->n_values);
  row(&rows[k++], "deal_log_sigma", e->log_sigma, e->log_sigma_se, e->n_values);
  row(&rows[k++], "deal_value_mean", e->value_mean, e->value_mean_se, e->n_values);
  row(&rows[k++], "deal_value_sd", e->value_sd, e->value_sd_se, e->n_values);
  row(&rows[k++], "lead_to_20_days", e->lead_days, e->lead_days_se, e->lead_n);
  /* what the log held: counts, no standard error */
  row(&rows[k++], "opportunities", (double)e->opportunities, NAN, e->opportunities);
  row(&rows[k++], "stage_months", (double)all, NAN, all);
  row(&rows[k++], "multi_stage_jumps", (double)e->jumps, NAN, e->jumps);
  row(&rows[k++], "skipped_stages", (double)e->jump_stages, NAN, e->jump_stages);
  row(&rows[k++], "backward_moves", (double)e->backward, NAN, e->backward);
  row(&rows[k++], "censored_open", (double)e->censored, NAN, e->censored);
  row(&rows[k++], "dropped_with_leaver", (double)e->dropped, NAN, e->dropped);
  row(&rows[k++], "left_truncated", (double)e->left_truncated, NAN, e->left_truncated);
  row(&rows[k++], "closed_from_lead", (double)e->closed_unstaged, NAN, e->closed_unstaged);
  row(&rows[k++], "values_excluded", (double)e->values_excluded, NAN, e->values_excluded);
  row(&rows[k++], "rows_ignored", (double)e->rows_ignored, NAN, e->rows_ignored);
  return (int)k;
}

static int put_num(char *buf, size_t size, double x) {
  return isfinite(x) ? snprintf(buf, size, "%.9g", x) : snprintf(buf, size, "%s", "");
}

int salesim_pipeline_fit_csv(const salesim_pipeline_estimate *e, char **text) {
  salesim_pipeline_fit_row rows[SALESIM_PIPELINE_FIT_ROWS];
  *text = NULL;
  int n = salesim_pipeline_fit_rows(e, rows, SALESIM_PIPELINE_FIT_ROWS);
  if (n < 0)
    return n;
  size_t cap = 64 + (size_t)n * 160, used = 0;
  char *s = malloc(cap);
  if (s == NULL)
    return SALESIM_ENOMEM;
  used += (size_t)snprintf(s, cap, "parameter,estimate,se,ci_low,ci_high,n\n");
  for (int i = 0; i < n; i++) {
    char a[40], b[40], c[40], d[40];
    put_num(a, sizeof a, rows[i].estimate);
    put_num(b, sizeof b, rows[i].se);
    put_num(c, sizeof c, rows[i].ci_low);
    put_num(d, sizeof d, rows[i].ci_high);
    used += (size_t)snprintf(s + used, cap - used, "%s,%s,%s,%s,%s,%ld\n", rows[i].parameter, a,
                             b, c, d, rows[i].n);
  }
  *text = s;
  return 0;
}
