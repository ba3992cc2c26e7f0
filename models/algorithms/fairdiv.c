/*
 * models/algorithms/fairdiv.c: the splitter's maximin cut and cut-and-choose
 * (models/algorithms/fairdiv.h).
 *
 * Exact cut. Account 0 stays in bundle 0 (the two bundles are symmetric), so
 * 2^(n-1) cuts remain; a binary reflected Gray code visits them moving one
 * account per step, which updates the bundle sum in O(1). The sum is
 * recomputed from scratch every 2^16 steps to stop rounding drift, and the
 * winning cut's value is recomputed exactly at the end.
 *
 * Heuristic cut (many accounts). LPT: accounts by decreasing value, each to
 * the bundle with the smaller sum. Then local search on d = heavy - light:
 * moving an account of value v from the heavy bundle helps iff 0 < v < d,
 * swapping a (heavy) with b (light) helps iff 0 < v_a - v_b < d; each pass
 * takes the single best move or swap and stops when none helps. d falls
 * strictly at each step, so the search ends; each pass is O(n^2).
 * Read next: models/algorithms/forecast.c.
 */
#include "fairdiv.h"

#include <math.h>
#include <stdlib.h>

static int check_values(int n, const double *value) {
  if (n < 0 || (n > 0 && value == NULL))
    return SALESIM_EINVAL;
  for (int a = 0; a < n; a++)
    if (!isfinite(value[a]) || value[a] < 0)
      return SALESIM_EINVAL;
  return 0;
}

static double bundle_value(int n, const double *value, const int *side,
                           int which) {
  double s = 0;
  for (int a = 0; a < n; a++)
    if (side[a] == which)
      s += value[a];
  return s;
}

static void split_exact(int n, const double *value, int *side) {
  double total = 0;
  for (int a = 0; a < n; a++)
    total += value[a];
  /* bit a-1 of the code set: account a is in bundle 1 */
  const unsigned long steps = 1ul << (n - 1);
  unsigned long code = 0, best_code = 0;
  double in1 = 0, best = fmin(total, 0.0);
  for (unsigned long step = 1; step < steps; step++) {
    int bit = 0; /* the Gray code flips the lowest set bit of step */
    while (!(step >> bit & 1ul))
      bit++;
    code ^= 1ul << bit;
    if ((step & 0xffffu) == 0) { /* re-sum against drift */
      in1 = 0;
      for (int a = 1; a < n; a++)
        if (code >> (a - 1) & 1ul)
          in1 += value[a];
    } else if (code >> bit & 1ul) {
      in1 += value[bit + 1];
    } else {
      in1 -= value[bit + 1];
    }
    double low = fmin(in1, total - in1);
    if (low > best) {
      best = low;
      best_code = code;
    }
  }
  side[0] = 0;
  for (int a = 1; a < n; a++)
    side[a] = (int)(best_code >> (a - 1) & 1ul);
}

/* Indices by decreasing value; insertion sort, as the passes below are
 * O(n^2) anyway. */
static void sort_desc(int *idx, int n, const double *value) {
  for (int a = 1; a < n; a++)
    for (int b = a; b > 0 && value[idx[b - 1]] < value[idx[b]]; b--) {
      int t = idx[b];
      idx[b] = idx[b - 1];
      idx[b - 1] = t;
    }
}

static int split_heuristic(int n, const double *value, int *side) {
  int *idx = malloc((size_t)(n > 0 ? n : 1) * sizeof *idx);
  double sum[2] = {0, 0};
  if (idx == NULL)
    return SALESIM_ENOMEM;
  for (int a = 0; a < n; a++)
    idx[a] = a;
  sort_desc(idx, n, value);
  for (int k = 0; k < n; k++) { /* LPT */
    int a = idx[k], to = sum[1] < sum[0];
    side[a] = to;
    sum[to] += value[a];
  }
  free(idx);
  for (int pass = 0; pass < 64 * n + 64; pass++) {
    int heavy = sum[1] > sum[0], light = 1 - heavy;
    double d = sum[heavy] - sum[light], best_d = d;
    int move_a = -1, swap_b = -1;
    for (int a = 0; a < n; a++) {
      if (side[a] != heavy)
        continue;
      double v = value[a];
      if (v > 0 && v < d && fabs(d - 2 * v) < best_d) {
        best_d = fabs(d - 2 * v);
        move_a = a;
        swap_b = -1;
      }
      for (int b = 0; b < n; b++) {
        if (side[b] != light)
          continue;
        double g = v - value[b];
        if (g > 0 && g < d && fabs(d - 2 * g) < best_d) {
          best_d = fabs(d - 2 * g);
          move_a = a;
          swap_b = b;
        }
      }
    }
    if (move_a < 0)
      break;
    side[move_a] = light;
    sum[heavy] -= value[move_a];
    sum[light] += value[move_a];
    if (swap_b >= 0) {
      side[swap_b] = heavy;
      sum[light] -= value[swap_b];
      sum[heavy] += value[swap_b];
    }
  }
  return 0;
}

int salesim_fairdiv_split(int n, const double *value,
                          salesim_fairdiv_method method, int *side,
                          double *min_value) {
  int rc = check_values(n, value);
  if (rc != 0)
    return rc;
  if (n > 0 && side == NULL)
    return SALESIM_EINVAL;
  if (method == SALESIM_FAIRDIV_AUTO)
    method = n <= SALESIM_FAIRDIV_EXACT_MAX ? SALESIM_FAIRDIV_EXACT
                                            : SALESIM_FAIRDIV_HEURISTIC;
  if (method == SALESIM_FAIRDIV_EXACT) {
    if (n > SALESIM_FAIRDIV_EXACT_LIMIT)
      return SALESIM_EINVAL;
    if (n > 0)
      split_exact(n, value, side);
  } else if (method == SALESIM_FAIRDIV_HEURISTIC) {
    rc = split_heuristic(n, value, side);
    if (rc != 0)
      return rc;
  } else {
    return SALESIM_EINVAL;
  }
  if (min_value != NULL)
    *min_value = fmin(bundle_value(n, value, side, 0),
                      bundle_value(n, value, side, 1));
  return 0;
}

int salesim_fairdiv_cut_choose(int n, const double *splitter_value,
                               const double *chooser_value,
                               salesim_fairdiv_method method, int *owner,
                               salesim_cut_choose *out) {
  double mms = 0;
  int rc = check_values(n, chooser_value);
  if (rc != 0)
    return rc;
  rc = salesim_fairdiv_split(n, splitter_value, method, owner, &mms);
  if (rc != 0)
    return rc;
  /* owner[] holds bundle labels now; the chooser picks one. */
  double c0 = bundle_value(n, chooser_value, owner, 0);
  double c1 = bundle_value(n, chooser_value, owner, 1);
  double s0 = bundle_value(n, splitter_value, owner, 0);
  double s1 = bundle_value(n, splitter_value, owner, 1);
  int pick = c1 > c0 || (c1 == c0 && s1 < s0);
  for (int a = 0; a < n; a++)
    owner[a] = owner[a] == pick; /* 1: the chooser's bundle */
  if (out != NULL) {
    out->splitter_share = pick ? s0 : s1;
    out->splitter_other = pick ? s1 : s0;
    out->splitter_mms = mms;
    out->chooser_share = pick ? c1 : c0;
    out->chooser_other = pick ? c0 : c1;
  }
  return 0;
}
