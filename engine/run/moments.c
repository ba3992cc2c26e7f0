/*
 * engine/run/moments.c: the moments of a company's data over a window
 * (engine/run/moments.h; the definitions are in docs/calibration.md).
 *
 * A plan period counts when it lies inside the window, its quota is
 * positive and its rep was employed from its first to its last day (a
 * leaver's last, partial period says nothing about attainment). A quit
 * after a period counts when the window covers one more period of the same
 * length after it (the follow-up); rates are per year. The accounts'
 * revenue is a snapshot: the share from new customers is measured only
 * when the window ends on the snapshot's day (`accounts_at`).
 *
 * Read next: engine/run/calibrate.c.
 */
#include <math.h>
#include <stdlib.h>

#include "moments.h"

static const char *const names[SALESIM_MOMENTS] = {
#define SALESIM_X_MOMENT(id, name, doc) name,
    SALESIM_MOMENT_LIST(SALESIM_X_MOMENT)
#undef SALESIM_X_MOMENT
};
static const char *const docs[SALESIM_MOMENTS] = {
#define SALESIM_X_MOMENT(id, name, doc) doc,
    SALESIM_MOMENT_LIST(SALESIM_X_MOMENT)
#undef SALESIM_X_MOMENT
};

const char *salesim_moment_name(int m) { return m >= 0 && m < SALESIM_MOMENTS ? names[m] : ""; }
const char *salesim_moment_doc(int m) { return m >= 0 && m < SALESIM_MOMENTS ? docs[m] : ""; }

/* The first day of month index `mi` (year * 12 + month - 1). */
static long month_day(long mi) {
  long y = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
  return salesim_data_days((int)y, (int)(mi - 12 * y) + 1, 1);
}

/* The day `months` calendar months after `day` (the same day of the month,
 * or the month's last day). */
static long add_months(long day, int months) {
  int y, m, dd;
  salesim_data_ymd(day, &y, &m, &dd);
  long mi = (long)y * 12 + (m - 1) + months;
  long first = month_day(mi), next = month_day(mi + 1);
  long out = first + dd - 1;
  return out < next ? out : next - 1;
}


typedef struct acc {
  double w, x, xx; /* weight, weighted sum, weighted sum of squares */
} acc;

static void add(acc *a, double w, double x) {
  a->w += w;
  a->x += w * x;
  a->xx += w * x * x;
}
static double mean(const acc *a) { return a->w > 0 ? a->x / a->w : NAN; }
static double sd(const acc *a) {
  if (!(a->w > 1))
    return NAN;
  double m = a->x / a->w, v = (a->xx - a->w * m * m) / (a->w - 1);
  return v > 0 ? sqrt(v) : 0;
}

static int employed_through(const salesim_data_rep *r, long first, long last_excl) {
  return r->hire_date <= first && (r->exit_date == SALESIM_DATA_NO_DATE || r->exit_date >= last_excl);
}

int salesim_moments_compute(const salesim_data *d, long from, long to, const double *rep_weight,
                            salesim_moments *out) {
  for (int m = 0; m < SALESIM_MOMENTS; m++) {
    out->value[m] = NAN;
    out->n[m] = 0;
  }
#define WEIGHT(r) ((r) >= 0 && rep_weight != NULL ? rep_weight[r] : 1.0)
  acc att_new = {0}, att_est = {0}, at_quota = {0}, surv = {0}, quit[3] = {{0}};
  double sales_w = 0, years_w = 0;
  /* plan periods: attainment, and quits in the period after */
  for (size_t i = 0; i < d->n_periods; i++) {
    const salesim_data_period *p = &d->periods[i];
    if (p->rep < 0 || (size_t)p->rep >= d->n_reps || !(p->quota > 0) || !(p->months > 0))
      continue;
    long first = month_day(p->first_month), end = month_day(p->first_month + p->months);
    const salesim_data_rep *r = &d->reps[p->rep];
    if (first < from || end > to || !employed_through(r, first, end))
      continue;
    double w = WEIGHT(p->rep);
    if (!(w > 0))
      continue;
    double a = p->credited_sales / p->quota;
    add(salesim_data_months_between(r->hire_date, first) < 12 ? &att_new : &att_est, w, a);
    add(&at_quota, w, a >= 1);
    sales_w += w * p->credited_sales;
    years_w += w * p->months / 12.0;
    long follow = month_day(p->first_month + 2 * p->months);
    if (follow <= to) {
      int band = a < 0.5 ? 0 : a < 1 ? 1 : 2;
      int left = r->exit_reason == SALESIM_DATA_EXIT_QUIT && r->exit_date >= end &&
                 r->exit_date < follow;
      add(&quit[band], w, left * 12.0 / p->months);
    }
  }
  /* resignations per person-year employed in the window */
  double quits = 0, person_years = 0, n_people = 0;
  for (size_t i = 0; i < d->n_reps; i++) {
    const salesim_data_rep *r = &d->reps[i];
    long a = r->hire_date > from ? r->hire_date : from;
    long b = r->exit_date != SALESIM_DATA_NO_DATE && r->exit_date < to ? r->exit_date : to;
    if (b <= a)
      continue;
    double w = WEIGHT((long)i);
    person_years += w * (double)(b - a) / 365.25;
    n_people += w;
    quits += w * (r->exit_reason == SALESIM_DATA_EXIT_QUIT && r->exit_date != SALESIM_DATA_NO_DATE &&
                  r->exit_date >= from && r->exit_date < to);
  }
  if (person_years > 0) {
    out->value[SALESIM_MOMENT_QUIT_RATE] = quits / person_years;
    out->n[SALESIM_MOMENT_QUIT_RATE] = n_people;
  }
  if (years_w > 0) {
    out->value[SALESIM_MOMENT_SALES_PER_REP] = sales_w / years_w;
    out->n[SALESIM_MOMENT_SALES_PER_REP] = at_quota.w;
  }
  /* the window's hires: still employed 12 months on? */
  for (size_t i = 0; i < d->n_reps; i++) {
    const salesim_data_rep *r = &d->reps[i];
    if (r->hire_date < from || r->hire_date >= to)
      continue;
    long year = add_months(r->hire_date, 12);
    if (year > to)
      continue;
    double w = WEIGHT((long)i);
    if (w > 0)
      add(&surv, w, r->exit_date == SALESIM_DATA_NO_DATE || r->exit_date >= year);
  }
  out->value[SALESIM_MOMENT_ATT_MEAN_NEW] = mean(&att_new);
  out->n[SALESIM_MOMENT_ATT_MEAN_NEW] = att_new.w;
  out->value[SALESIM_MOMENT_ATT_MEAN_EST] = mean(&att_est);
  out->n[SALESIM_MOMENT_ATT_MEAN_EST] = att_est.w;
  out->value[SALESIM_MOMENT_ATT_SD_EST] = sd(&att_est);
  out->n[SALESIM_MOMENT_ATT_SD_EST] = att_est.w;
  out->value[SALESIM_MOMENT_ATT_AT_QUOTA] = mean(&at_quota);
  out->n[SALESIM_MOMENT_ATT_AT_QUOTA] = at_quota.w;
  out->value[SALESIM_MOMENT_SURVIVAL_12] = mean(&surv);
  out->n[SALESIM_MOMENT_SURVIVAL_12] = surv.w;
  for (int b = 0; b < 3; b++) {
    out->value[SALESIM_MOMENT_QUIT_LOW + b] = mean(&quit[b]);
    out->n[SALESIM_MOMENT_QUIT_LOW + b] = quit[b].w;
  }
  /* accounts: revenue share of customers won in the last 12 months, when
   * the accounts describe the window's last day */
  if (d->n_accounts > 0 && d->start == to) {
    long year_ago = add_months(to, -12);
    double all = 0, fresh = 0, n = 0;
    for (size_t i = 0; i < d->n_accounts; i++) {
      const salesim_data_account *c = &d->accounts[i];
      if (c->customer_since != SALESIM_DATA_NO_DATE && c->customer_since >= to)
        continue;
      double w = WEIGHT(c->owner);
      all += w * c->annual_revenue;
      n += w;
      if (c->customer_since != SALESIM_DATA_NO_DATE && c->customer_since >= year_ago)
        fresh += w * c->annual_revenue;
    }
    if (all > 0) {
      out->value[SALESIM_MOMENT_NEW_REVENUE] = fresh / all;
      out->n[SALESIM_MOMENT_NEW_REVENUE] = n;
    }
  }
  /* opportunities: the window's closes; what is open at its end */
  if (d->n_events > 0 && d->n_opportunities > 0) {
    size_t no = d->n_opportunities;
    long *last = malloc(no * sizeof *last);   /* latest event before `to` */
    long *closed = malloc(no * sizeof *closed); /* its close (won/lost), any day */
    long *valued = malloc(no * sizeof *valued); /* its latest row before `to` with a value */
    if (last == NULL || closed == NULL || valued == NULL) {
      free(last);
      free(closed);
      free(valued);
      return SALESIM_ENOMEM;
    }
    for (size_t o = 0; o < no; o++)
      last[o] = closed[o] = valued[o] = -1;
    for (size_t i = 0; i < d->n_events; i++) {
      const salesim_data_event *e = &d->events[i];
      if (e->opportunity < 0 || (size_t)e->opportunity >= no)
        continue;
      size_t o = (size_t)e->opportunity;
      if ((e->stage == SALESIM_DATA_STAGE_WON || e->stage == SALESIM_DATA_STAGE_LOST) &&
          closed[o] < 0)
        closed[o] = (long)i;
      if (e->date < to && (last[o] < 0 || d->events[last[o]].date <= e->date))
        last[o] = (long)i;
      if (e->date < to && isfinite(e->value) &&
          (valued[o] < 0 || d->events[valued[o]].date <= e->date))
        valued[o] = (long)i;
    }
    acc win = {0};
    double open_value = 0;
    for (size_t o = 0; o < no; o++) {
      if (closed[o] >= 0) {
        const salesim_data_event *e = &d->events[closed[o]];
        if (e->date >= from && e->date < to)
          add(&win, WEIGHT(e->rep), e->stage == SALESIM_DATA_STAGE_WON);
      }
      if (last[o] >= 0) {
        const salesim_data_event *e = &d->events[last[o]];
        if (e->stage >= SALESIM_DATA_STAGE_20 && e->stage <= SALESIM_DATA_STAGE_80 &&
            valued[o] >= 0)
          open_value += WEIGHT(e->rep) * d->events[valued[o]].value;
      }
    }
    free(last);
    free(closed);
    free(valued);
    out->value[SALESIM_MOMENT_WIN_RATE] = mean(&win);
    out->n[SALESIM_MOMENT_WIN_RATE] = win.w;
    /* the annual quota of the reps employed on the window's last day: the
     * roster's, else their last period's, annualised */
    long *lastp = malloc((d->n_reps > 0 ? d->n_reps : 1) * sizeof *lastp);
    if (lastp == NULL)
      return SALESIM_ENOMEM;
    for (size_t i = 0; i < d->n_reps; i++)
      lastp[i] = -1;
    for (size_t k = 0; k < d->n_periods; k++) {
      const salesim_data_period *p = &d->periods[k];
      if (p->rep < 0 || (size_t)p->rep >= d->n_reps || !(p->quota > 0) || !(p->months > 0) ||
          month_day(p->first_month) >= to)
        continue;
      long *b = &lastp[p->rep];
      if (*b < 0 || p->first_month > d->periods[*b].first_month)
        *b = (long)k;
    }
    double quota = 0, nq = 0;
    for (size_t i = 0; i < d->n_reps; i++) {
      const salesim_data_rep *r = &d->reps[i];
      if (r->hire_date >= to || (r->exit_date != SALESIM_DATA_NO_DATE && r->exit_date < to))
        continue;
      double q = r->annual_quota;
      if (!(q > 0) && lastp[i] >= 0)
        q = d->periods[lastp[i]].quota * 12.0 / d->periods[lastp[i]].months;
      if (q > 0) {
        quota += WEIGHT((long)i) * q;
        nq += WEIGHT((long)i);
      }
    }
    free(lastp);
    if (quota > 0 && isfinite(open_value)) {
      out->value[SALESIM_MOMENT_COVERAGE] = open_value / quota;
      out->n[SALESIM_MOMENT_COVERAGE] = nq;
    }
  }
#undef WEIGHT
  return 0;
}
