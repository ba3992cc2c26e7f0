/*
 * tests/test_mechanism_contract.c: the mechanism interface's contract
 * (models/core/mechanism.h, docs/mechanism-authoring.md) seen from a mechanism
 * the tree does not ship.
 *
 * A probe mechanism ("contract_probe": a monthly salary, nothing else) is
 * added with the registry's test seam, salesim_mechanism_register_extra. It
 * can be told to fail in any one hook, with or without a reason of its own:
 *
 *   - status: each hook kind that fails (init, year_start, hire, incentive,
 *     adjust, month_pay, fill, month_end, period_end) ends the run: the
 *     library returns the hook's code with the hook's reason, or the
 *     engine's "mechanism NAME: HOOK failed: ..." when it gave none; a
 *     hook returning a positive status (fill: above 1) breaks the contract
 *     and ends the run too; and through the CLI's entry point (engine/cli/
 *     main.c compiled into this test with main renamed, run in a child
 *     process) `salesim run` exits 1 with one line on standard error and
 *     leaves no output folder behind;
 *   - typed per-agent state: the probe declares agent_state_size, keeps
 *     counters in it across months and hires, and the test checks the block
 *     starts zeroed, is aligned, is zeroed again for a new person in a slot
 *     (a replacement hire) and never for the person already there, and
 *     that slots do not share bytes; a type without per-agent state gets
 *     NULL.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <salesim/salesim.h>

#include "mechanism.h"
#include "sim.h"

int salesim_cli_main(int argc, char **argv); /* engine/cli/main.c, main renamed */

/* ---- the probe mechanism --------------------------------------------------- */

enum {
  H_NONE,
  H_INIT,
  H_YEAR_START,
  H_HIRE,
  H_INCENTIVE,
  H_ADJUST,
  H_MONTH_PAY,
  H_FILL,
  H_MONTH_END,
  H_PERIOD_END,
  H_COUNT
};
static const char *const hook_names[H_COUNT] = {"",         "init",      "year_start",
                                                "hire",     "incentive", "adjust",
                                                "month_pay", "fill",     "month_end",
                                                "period_end"};

#define PROBE_CODE SALESIM_ESOLVER /* not "out of memory": the hook's own */

/* what the probe does (set before a run; runs here use one thread) */
static int g_fail = H_NONE; /* the hook that fails */
static int g_reason = 0;    /* bool: the failing hook records a reason */
static int g_status = PROBE_CODE; /* what the failing hook returns */

typedef struct probe_params {
  double salary;
} probe_params;

static const salesim_param_spec probe_specs[] = {
    {"salary", SALESIM_P_DOUBLE, offsetof(probe_params, salary), 4000, NULL, 0, 1e9, 0, NULL,
     "currency/month", "Monthly salary."},
};
static const salesim_param_table probe_table = {"contract_probe", probe_specs, 1,
                                                sizeof(probe_params)};

/* per-agent state: what happened to the person in a slot */
typedef struct probe_agent {
  double months_paid; /* month_pay calls for this person */
  int person;         /* id + 1 of the person (0: never seen) */
  int slot;           /* the slot index + 1 the state was written for */
  int hires;          /* hire hook calls for this person */
  int incentives;     /* incentive calls seen at month_pay (counted there) */
} probe_agent;

static inline probe_agent *pa(salesim_world *w, const salesim_agent *a) {
  return salesim_agent_state(w, a);
}

static int slot_of(const salesim_world *w, const salesim_agent *a) {
  return (int)(a - w->agents);
}

/* fail here? `w` may be NULL (incentive sees a const world: no reason) */
static int fail_now(salesim_world *w, int hook) {
  if (g_fail != hook)
    return 0;
  if (g_reason && w != NULL)
    salesim_world_fail(w, g_status < 0 ? g_status : SALESIM_EINVAL,
                       "probe: %s broke on purpose", hook_names[hook]);
  return g_status;
}

static int probe_init(salesim_world *w) { return fail_now(w, H_INIT); }

static int probe_year_start(salesim_world *w) {
  for (int i = 0; i < w->n_agents; i++)
    if (w->agents[i].status != SALESIM_AGENT_VACANT)
      w->agents[i].target_pay = 12 * ((const probe_params *)w->params)->salary;
  return fail_now(w, H_YEAR_START);
}

static int probe_hire(salesim_world *w, salesim_agent *a) {
  probe_agent *st = pa(w, a);
  if (st != NULL) {
    st->hires++;
    st->person = a->id + 1;
    st->slot = slot_of(w, a) + 1;
  }
  return fail_now(w, H_HIRE);
}

static int probe_incentive(const salesim_world *w, const salesim_agent *a,
                           salesim_incentive *inc) {
  (void)a;
  inc->base_month = ((const probe_params *)w->params)->salary;
  inc->period_months = 1;
  inc->months_left = 1;
  inc->assigned_accounts = 1;
  return fail_now(NULL, H_INCENTIVE);
}

static int probe_adjust(salesim_world *w, salesim_agent *a, const salesim_incentive *inc,
                        struct salesim_choice *ch) {
  (void)a;
  (void)inc;
  (void)ch;
  return fail_now(w, H_ADJUST);
}

static int probe_month_pay(salesim_world *w, salesim_agent *a, const salesim_outcome *o) {
  (void)o;
  salesim_world_pay(w, a, ((const probe_params *)w->params)->salary, 0);
  probe_agent *st = pa(w, a);
  if (st != NULL) {
    st->months_paid += 1;
    st->person = a->id + 1;
    st->slot = slot_of(w, a) + 1;
  }
  return fail_now(w, H_MONTH_PAY);
}

static int probe_fill(salesim_world *w, salesim_agent *a) {
  (void)a;
  int rc = fail_now(w, H_FILL);
  return rc; /* 0: the engine hires from outside */
}

/* month 0: slot 0's person is dismissed, so month 1 has a vacancy (fill)
 * and, with hire_delay 0, a replacement hire (hire) */
static int probe_month_end(salesim_world *w) {
  if (w->month == 0)
    salesim_world_exit(w, &w->agents[0], SALESIM_EXIT_DISMISSED);
  return fail_now(w, H_MONTH_END);
}

static int probe_period_end(salesim_world *w) { return fail_now(w, H_PERIOD_END); }

static const salesim_mechanism_type probe_type = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "contract_probe",
    .summary = "Test mechanism: a salary; fails in the hook it is told to.",
    .params = &probe_table,
    .agent_state_size = sizeof(probe_agent),
    .init = probe_init,
    .year_start = probe_year_start,
    .hire = probe_hire,
    .incentive = probe_incentive,
    .adjust = probe_adjust,
    .month_pay = probe_month_pay,
    .fill = probe_fill,
    .month_end = probe_month_end,
    .period_end = probe_period_end,
};

/* the same rules without per-agent state */
static const salesim_mechanism_type plain_type = {
    .version = SALESIM_MECHANISM_VERSION,
    .name = "contract_plain",
    .summary = "Test mechanism: a salary, no per-agent state.",
    .params = &probe_table,
    .year_start = probe_year_start,
    .incentive = probe_incentive,
    .month_pay = probe_month_pay,
};

static const char *scenario_text(const char *type) {
  static char text[512];
  snprintf(text, sizeof text,
           "seed = 5;\nreplications = 1;\nmonths = 12;\n"
           "population = { reps = 6; hire_delay = 0; };\nterritories = { count = 2; };\n"
           "mechanisms = ( { type = \"%s\"; } );\n",
           type);
  return text;
}

static int setup(void **state) {
  (void)state;
  static int done = 0;
  if (!done) {
    assert_int_equal(salesim_mechanism_register_extra(&probe_type), 0);
    assert_int_equal(salesim_mechanism_register_extra(&plain_type), 0);
    done = 1;
  }
  g_fail = H_NONE;
  g_reason = 0;
  g_status = PROBE_CODE;
  return 0;
}

/* ---- the registry seam ------------------------------------------------------- */

static void test_register_extra(void **state) {
  (void)state;
  assert_ptr_equal(salesim_mechanism_find("contract_probe"), &probe_type);
  /* the shipped types stay first and the list stays NULL-terminated */
  const salesim_mechanism_type *const *all = salesim_mechanism_all();
  size_t n = 0;
  while (all[n] != NULL)
    n++;
  assert_ptr_equal(all[n - 2], &probe_type);
  assert_ptr_equal(all[n - 1], &plain_type);
  assert_string_equal(salesim_mechanism_names()[n - 2], "contract_probe");
  /* refused: a name taken, a wrong version, no incentive */
  assert_int_equal(salesim_mechanism_register_extra(&probe_type), SALESIM_EINVAL);
  assert_int_equal(salesim_mechanism_register_extra(NULL), SALESIM_EINVAL);
  salesim_mechanism_type old = probe_type;
  old.name = "contract_old";
  old.version = 1;
  assert_int_equal(salesim_mechanism_register_extra(&old), SALESIM_EINVAL);
  old.version = SALESIM_MECHANISM_VERSION;
  old.incentive = NULL;
  assert_int_equal(salesim_mechanism_register_extra(&old), SALESIM_EINVAL);
}

/* ---- status: the library ------------------------------------------------------ */

/* Run the probe scenario; expect `code` and one diagnostic line containing
 * `want`. */
static void expect_failure(int code, const char *want) {
  salesim_scenario *sc = salesim_test_load_text(scenario_text("contract_probe"));
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  int rc = salesim_run(&r, sc, &opt, &d);
  print_message("hook %s (reason %d): rc %d: %s\n", hook_names[g_fail], g_reason, rc,
                d.count > 0 ? d.lines[0] : "(no message)");
  assert_int_equal(rc, code);
  assert_null(r);
  assert_true(d.count >= 1);
  int found = 0;
  for (size_t i = 0; i < d.count; i++) {
    assert_null(strchr(d.lines[i], '\n'));
    found |= strstr(d.lines[i], want) != NULL;
  }
  assert_true(found);
  salesim_diag_clear(&d);
  salesim_scenario_free(sc);
}

static void test_clean_run(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text("contract_probe"));
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_run_options opt = SALESIM_RUN_OPTIONS_INIT;
  opt.threads = 1;
  salesim_results *r = NULL;
  assert_int_equal(salesim_run(&r, sc, &opt, &d), 0);
  assert_int_equal((int)d.count, 0);
  salesim_results_free(r);
  salesim_scenario_free(sc);
}

static void test_each_hook_fails_with_engine_reason(void **state) {
  (void)state;
  for (int h = H_INIT; h < H_COUNT; h++) {
    g_fail = h;
    g_reason = 0;
    char want[160];
    snprintf(want, sizeof want, "mechanism contract_probe: %s failed: %s", hook_names[h],
             salesim_strerror(PROBE_CODE));
    expect_failure(PROBE_CODE, want);
  }
}

static void test_each_hook_fails_with_own_reason(void **state) {
  (void)state;
  for (int h = H_INIT; h < H_COUNT; h++) {
    if (h == H_INCENTIVE)
      continue; /* sees a const world: the engine gives the reason (above) */
    g_fail = h;
    g_reason = 1;
    char want[160];
    snprintf(want, sizeof want, "probe: %s broke on purpose", hook_names[h]);
    expect_failure(PROBE_CODE, want);
  }
}

/* A positive status (fill: 2 or more) is not a status: the run ends. */
static void test_positive_status_breaks_the_contract(void **state) {
  (void)state;
  g_status = 2;
  g_fail = H_FILL;
  expect_failure(SALESIM_EINVAL, "mechanism contract_probe: fill returned 2 (expected 0, 1");
  g_status = 1;
  g_fail = H_MONTH_END;
  expect_failure(SALESIM_EINVAL, "mechanism contract_probe: month_end returned 1 (expected 0 or");
  g_fail = H_INIT;
  expect_failure(SALESIM_EINVAL, "mechanism contract_probe: init returned 1");
}

/* Stepping a world: the month stops at the failing hook with its code. */
static void test_step_returns_the_status(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text("contract_probe"));
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  assert_int_equal(salesim_world_step(w), 0); /* month 0 */
  g_fail = H_HIRE;                             /* month 1 hires into slot 0 */
  assert_int_equal(salesim_world_step(w), PROBE_CODE);
  assert_int_equal(w->error, PROBE_CODE);
  assert_non_null(strstr(w->error_text, "hire failed"));
  assert_int_equal(w->month, 1); /* the month did not finish */
  salesim_world_free(w);
  /* an init failure: alloc returns the init's own code, not out of memory */
  g_fail = H_INIT;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), PROBE_CODE);
  assert_null(w);
  salesim_scenario_free(sc);
}

/* ---- status: the CLI ------------------------------------------------------------ */

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

static void test_cli_exits_1_with_one_line(void **state) {
  (void)state;
  char cfg[4096];
  snprintf(cfg, sizeof cfg, "%s", salesim_test_write_temp("probe.cfg",
                                                          scenario_text("contract_probe")));
  char base[] = "/tmp/salesim-contract-XXXXXX";
  assert_non_null(mkdtemp(base));
  char parent[64], outdir[96], errpath[96], stdpath[96];
  snprintf(parent, sizeof parent, "%s/runs", base);
  snprintf(outdir, sizeof outdir, "%s/out", parent);
  snprintf(errpath, sizeof errpath, "%s/stderr.txt", base);
  snprintf(stdpath, sizeof stdpath, "%s/stdout.txt", base);
  assert_int_equal(mkdir(parent, 0700), 0);
  for (int h = H_INIT; h < H_COUNT; h++) {
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      g_fail = h;
      g_reason = h != H_INCENTIVE;
      if (freopen(errpath, "w", stderr) == NULL || freopen(stdpath, "w", stdout) == NULL)
        _exit(99);
      char *argv[] = {(char *)"salesim", (char *)"run", cfg, (char *)"-o", outdir,
                      (char *)"--threads", (char *)"1", (char *)"--quiet", NULL};
      int rc = salesim_cli_main(8, argv);
      fflush(NULL);
      _exit(rc);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    char *err = salesim_test_slurp(errpath, NULL);
    assert_non_null(err);
    print_message("cli, hook %s: exit %d: %s", hook_names[h], WEXITSTATUS(status), err);
    assert_int_equal(WEXITSTATUS(status), 1);
    /* one line, naming the hook */
    char *nl = strchr(err, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    char want[160];
    if (h == H_INCENTIVE)
      snprintf(want, sizeof want, "mechanism contract_probe: incentive failed: %s",
               salesim_strerror(PROBE_CODE));
    else
      snprintf(want, sizeof want, "probe: %s broke on purpose", hook_names[h]);
    assert_non_null(strstr(err, want));
    free(err);
    /* nothing written: no output folder, no staging folder */
    struct stat st;
    assert_int_not_equal(stat(outdir, &st), 0);
    assert_int_equal(count_entries(parent), 0);
  }
  unlink(errpath);
  unlink(stdpath);
  rmdir(parent);
  rmdir(base);
}

/* ---- typed per-agent state --------------------------------------------------------- */

static void test_agent_state(void **state) {
  (void)state;
  salesim_scenario *sc = salesim_test_load_text(scenario_text("contract_probe"));
  salesim_world *w = NULL;
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  int n = w->n_agents;
  assert_int_equal(n, 6);
  /* one block, slots a stride apart, aligned, zeroed */
  assert_true(w->agent_state_stride >= sizeof(probe_agent));
  assert_int_equal(w->agent_state_stride % alignof(max_align_t), 0);
  for (int i = 0; i < n; i++) {
    const unsigned char *p = salesim_agent_state(w, &w->agents[i]);
    assert_ptr_equal(p, w->agent_state + (size_t)i * w->agent_state_stride);
    assert_ptr_equal(p, salesim_agent_state_const(w, &w->agents[i]));
    assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
    for (size_t b = 0; b < w->agent_state_stride; b++)
      assert_int_equal(p[b], 0);
  }
  int first_person = w->agents[0].id;

  /* month 0: everybody paid once; slot 0's person is dismissed at its end */
  assert_int_equal(salesim_world_step(w), 0);
  for (int i = 0; i < n; i++) {
    const probe_agent *st = pa(w, &w->agents[i]);
    assert_int_equal((int)st->months_paid, 1);
    assert_int_equal(st->slot, i + 1); /* no slot wrote another's bytes */
    assert_int_equal(st->person, w->agents[i].id + 1);
    assert_int_equal(st->hires, 0); /* the starting force is not hired */
  }
  assert_int_equal(w->agents[0].status, SALESIM_AGENT_VACANT);
  /* a vacancy keeps the last person's state until someone new is drawn */
  assert_int_equal((int)pa(w, &w->agents[0])->months_paid, 1);

  /* months 1..5: slot 0 holds a new person whose state started afresh;
   * the others keep counting */
  for (int t = 1; t < 6; t++) {
    assert_int_equal(salesim_world_step(w), 0);
    for (int i = 0; i < n; i++) {
      const salesim_agent *a = &w->agents[i];
      const probe_agent *st = pa(w, a);
      if (a->status == SALESIM_AGENT_VACANT)
        continue;
      assert_int_equal(st->slot, i + 1);
      assert_int_equal(st->person, a->id + 1);
      if (i == 0) {
        assert_int_not_equal(a->id, first_person);
        assert_int_equal(st->hires, 1); /* zeroed before the hire hook */
        assert_int_equal((int)st->months_paid, t);
      } else if (a->hired_month < 0) {
        assert_int_equal(st->hires, 0);
        assert_int_equal((int)st->months_paid, t + 1);
      }
    }
  }
  salesim_world_free(w);
  salesim_scenario_free(sc);

  /* a type without per-agent state has none */
  sc = salesim_test_load_text(scenario_text("contract_plain"));
  assert_int_equal(salesim_world_alloc(&w, sc, 0, 0, sc->seed), 0);
  assert_null(w->agent_state);
  assert_null(salesim_agent_state(w, &w->agents[0]));
  assert_null(salesim_agent_state_const(w, &w->agents[0]));
  assert_int_equal(salesim_world_step(w), 0);
  salesim_world_free(w);
  salesim_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_register_extra, setup),
      cmocka_unit_test_setup(test_clean_run, setup),
      cmocka_unit_test_setup(test_each_hook_fails_with_engine_reason, setup),
      cmocka_unit_test_setup(test_each_hook_fails_with_own_reason, setup),
      cmocka_unit_test_setup(test_positive_status_breaks_the_contract, setup),
      cmocka_unit_test_setup(test_step_returns_the_status, setup),
      cmocka_unit_test_setup(test_cli_exits_1_with_one_line, setup),
      cmocka_unit_test_setup(test_agent_state, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
