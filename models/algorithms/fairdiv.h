/*
 * models/algorithms/fairdiv.h: cut-and-choose split of a territory's accounts between
 * two reps (issue 4: "one splits, the other picks"), an option wherever two
 * reps share a territory.
 *
 * The splitter cuts the accounts into two bundles; the chooser takes the
 * bundle it values more; the splitter keeps the other. Each side values the
 * accounts in its own way (additive values, possibly different). A splitter
 * that cannot know which bundle will be left to it cuts to maximise the
 * smaller of its two bundle values: its maximin share (MMS). So the chooser
 * never envies (it took its better bundle) and the splitter gets at least
 * the value of the worse bundle of its cut, which is its MMS when the cut is
 * exact: enumeration of all 2^(n-1) cuts up to SALESIM_FAIRDIV_EXACT_MAX
 * accounts; beyond, longest-processing-time first plus improving moves and
 * swaps (a 5/6-approximation of the MMS or better: LPT alone is, for two
 * bundles, Csirik, Kellerer and Woeginger 1992). See
 * docs/tender-algorithms.md. Read next: models/algorithms/forecast.h.
 */
#ifndef SALESIM_FAIRDIV_H
#define SALESIM_FAIRDIV_H

#include <salesim/errors.h>

/** AUTO enumerates exactly up to this many accounts. */
#define SALESIM_FAIRDIV_EXACT_MAX 20
/** EXACT refuses more accounts than this (2^(n-1) cuts). */
#define SALESIM_FAIRDIV_EXACT_LIMIT 28

typedef enum salesim_fairdiv_method {
  SALESIM_FAIRDIV_AUTO = 0,      /* EXACT if n <= EXACT_MAX, else HEURISTIC */
  SALESIM_FAIRDIV_EXACT = 1,     /* enumeration (Gray code), O(2^n) */
  SALESIM_FAIRDIV_HEURISTIC = 2  /* LPT + local improvement, O(n^2) a pass */
} salesim_fairdiv_method;

/**
 * Cut accounts 0..n-1 with values value[] (finite, >= 0; borrowed) into two
 * bundles maximising the smaller bundle value. side: out, n entries 0 or 1
 * (caller's memory); min_value: out (may be NULL), the smaller bundle value.
 * Returns 0 or SALESIM_EINVAL (bad values, n < 0, EXACT with n above
 * SALESIM_FAIRDIV_EXACT_LIMIT).
 */
int salesim_fairdiv_split(int n, const double *value,
                          salesim_fairdiv_method method, int *side,
                          double *min_value);

/** What each side got from cut-and-choose, in its own values. */
typedef struct salesim_cut_choose {
  double splitter_share;  /* splitter's value of the bundle it kept */
  double splitter_other;  /* splitter's value of the chooser's bundle */
  double splitter_mms;    /* smaller bundle value of the splitter's cut (its
                             maximin share when the cut is exact) */
  double chooser_share;   /* chooser's value of the bundle it took */
  double chooser_other;   /* chooser's value of the splitter's bundle */
} salesim_cut_choose;

/**
 * Cut and choose. splitter_value and chooser_value: n values each (finite,
 * >= 0; borrowed). owner: out, n entries, 0 = the splitter keeps the
 * account, 1 = the chooser takes it (caller's memory). out: may be NULL.
 * The chooser takes the bundle it values more (ties: the bundle the splitter
 * values less, so the splitter keeps its better one; else bundle 0).
 * Returns 0 or SALESIM_EINVAL.
 */
int salesim_fairdiv_cut_choose(int n, const double *splitter_value,
                               const double *chooser_value,
                               salesim_fairdiv_method method, int *owner,
                               salesim_cut_choose *out);

#endif
