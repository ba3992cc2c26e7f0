/*
 * models/mechanisms/forecast_bonus.c: the forecast bonus of Gonik (1978) and Weitzman
 * (1976) as a way to set territory targets (MODEL.md §6.7; compared with the
 * tender's bids and top-down targets). Rules:
 *
 *  1. Territory managers are appointed once, as under top_down
 *     (salesim_org_appoint); every rep of a territory is in the team.
 *  2. Each plan year every manager forecasts its team's sales F; the
 *     forecast is the territory's target (the team is paid target salary on
 *     the manager's split of F, models/mechanisms/org.h).
 *  3. The manager's package is fixed by the firm's own rule target T_f
 *     (salesim_org_package); its fixed share is paid monthly, and instead of
 *     a payout curve the variable part V is paid as the forecast bonus on
 *     f = F / T_f and s = S / T_f (S: the team's sales):
 *         V * (beta f + alpha (s - f))   if s >= f,
 *         V * (beta f - gamma (f - s))   if s <  f,   0 < alpha < beta < gamma,
 *     so at f = s = 1 and beta = 1 the manager earns V, as on target.
 *  4. The manager forecasts what maximises its expected bonus given its own
 *     belief S ~ N(mean, sd^2) (salesim_org_belief): the (beta - alpha) /
 *     (gamma - alpha) quantile (models/algorithms/forecast.h). Forecasting high pays
 *     beta per unit but costs gamma per unit missed; low forecasts forgo
 *     beta - alpha per unit. Nobody bargains; nobody can blame the target.
 *
 * Read next: docs/tender.md.
 */
#include <math.h>
#include <stddef.h>

#include "forecast.h"
#include "org.h"

typedef struct forecast_params {
  salesim_org_params org;
  double beta, alpha, gamma;
} forecast_params;

static const salesim_param_spec forecast_specs[] = {
    SALESIM_ORG_PARAM_SPECS(forecast_params),
    {"beta", SALESIM_P_DOUBLE, offsetof(forecast_params, beta), 1.0, NULL, 0, 1e6,
     SALESIM_PF_MIN_EXCL, NULL, "multiple",
     "Bonus per unit of forecast (per firm target, in units of the variable package)."},
    {"alpha", SALESIM_P_DOUBLE, offsetof(forecast_params, alpha), 0.7, NULL, 0, 1e6,
     SALESIM_PF_MIN_EXCL, NULL, "multiple",
     "Bonus per unit sold above the forecast (0 < alpha < beta)."},
    {"gamma", SALESIM_P_DOUBLE, offsetof(forecast_params, gamma), 1.5, NULL, 0, 1e6,
     SALESIM_PF_MIN_EXCL, NULL, "multiple",
     "Penalty per unit short of the forecast (gamma > beta)."},
};

static const salesim_param_table forecast_table = {
    "forecast_bonus", forecast_specs, sizeof forecast_specs / sizeof forecast_specs[0],
    sizeof(forecast_params)};

static int forecast_check(const void *vp, const salesim_scenario *sc, const char *where,
                          salesim_diag *diag) {
  const forecast_params *p = vp;
  (void)sc;
  int bad = salesim_org_check(&p->org, where, diag) != 0;
  salesim_forecast_bonus b = {p->beta, p->alpha, p->gamma};
  if (salesim_forecast_check(&b, NULL) != 0) {
    salesim_diag_add(diag,
                     "%s: alpha %g, beta %g, gamma %g (expected 0 < alpha < beta < gamma)",
                     where, p->alpha, p->beta, p->gamma);
    bad = 1;
  }
  return bad ? SALESIM_ESCENARIO : 0;
}

typedef struct forecast_state {
  salesim_org org; /* first: the salesim_org_hook_* hooks read it */
  const forecast_params *p;
  int appointed;
  double unmanaged, unteamed;
} forecast_state;

static int forecast_init(salesim_world *w) {
  forecast_state *s = w->state;
  s->p = w->params;
  int rc = salesim_org_init(&s->org, w, &s->p->org);
  if (rc != 0)
    return rc;
  s->org.use_gonik = 1;
  s->org.gonik.beta = s->p->beta;
  s->org.gonik.alpha = s->p->alpha;
  s->org.gonik.gamma = s->p->gamma;
  return 0;
}

static void forecast_fini(salesim_world *w) {
  forecast_state *s = w->state;
  if (s != NULL)
    salesim_org_fini(&s->org);
}

static int forecast_year_start(salesim_world *w) {
  forecast_state *s = w->state;
  salesim_org *o = &s->org;
  salesim_org_year_begin(w, o);
  if (!s->appointed) {
    int rc = salesim_org_appoint(w, o);
    if (rc < 0)
      return rc;
    s->appointed = 1;
  }
  for (int k = 0; k < w->n_terr; k++) {
    salesim_org_terr *t = &o->terr[k];
    int i = t->manager;
    if (i < 0) {
      t->kind = SALESIM_ORG_KIND_FALLBACK;
      s->unmanaged += 1;
      continue;
    }
    double mean, sd, f = t->firm_target;
    salesim_org_belief(w, o, i, k, &mean, &sd);
    int rc = salesim_forecast_optimal_normal(&o->gonik, mean, sd, &f);
    if (rc != 0) { /* bad rates are refused at load: a NaN belief or a negative sd */
      salesim_world_fail(w, rc,
                         "year %d: forecast_bonus: no optimal forecast for territory %d "
                         "(belief mean %g, sd %g)",
                         w->year + 1, k, mean, sd);
      return rc;
    }
    t->mu = mean;
    t->kind = SALESIM_ORG_KIND_FORECAST;
    t->target = fmax(0, f);
    o->mgr[i].fixed_year = salesim_org_fixed(&s->p->org, t->firm_target);
    o->mgr[i].variable = salesim_org_variable(&s->p->org, t->firm_target);
    o->mgr[i].firm_ref = t->firm_target;
  }
  int unteamed = salesim_org_attach_and_start(w, o);
  if (unteamed < 0)
    return unteamed;
  s->unteamed += unteamed;
  return 0;
}

static int forecast_hire(salesim_world *w, salesim_agent *a) {
  forecast_state *s = w->state;
  return salesim_org_hire(w, &s->org, a, 0);
}

static int forecast_period_end(salesim_world *w) {
  forecast_state *s = w->state;
  return salesim_org_year_end(w, &s->org);
}

static int forecast_report(salesim_world *w) {
  forecast_state *s = w->state;
  salesim_world_metric(w, SALESIM_ORG_METRIC_TERRITORIES_UNFILLED, s->unmanaged);
  salesim_world_metric(w, SALESIM_ORG_METRIC_REPS_UNMATCHED, s->unteamed);
  salesim_org_report(w, &s->org);
  return 0;
}

const salesim_mechanism_type salesim_mechanism_forecast_bonus = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "forecast_bonus",
    .summary = "Forecast bonus (Gonik/Weitzman): appointed managers forecast their team's "
    "sales; the forecast is the target and the bonus rewards accurate forecasts.",
    .params = &forecast_table,
    .check = forecast_check,
    .state_size = sizeof(forecast_state),
    .agent_state_size = sizeof(salesim_org_agent),
    .init = forecast_init,
    .fini = forecast_fini,
    .year_start = forecast_year_start,
    .hire = forecast_hire,
    .incentive = salesim_org_hook_incentive,
    .month_pay = salesim_org_hook_month_pay,
    .month_end = salesim_org_hook_month_end,
    .period_end = forecast_period_end,
    .report = forecast_report,
    .metrics = salesim_org_metrics,
    .n_metrics = SALESIM_ORG_METRIC_COUNT,
};
