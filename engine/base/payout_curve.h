/*
 * engine/base/payout_curve.h: a mechanism's payout curve, the annual pay (fixed
 * + variable) of a typical rep against attainment of the reference target,
 * supplied by the mechanism's optional `payout_curve` hook
 * (models/core/mechanism.h), written by the engine into summary.json
 * ("payout_curve": [{"attainment": a, "pay": p}, ...]) and drawn by the
 * reports from that data alone (docs/reports.md). Read next:
 * models/mechanisms/commission.c (commission_payout_curve).
 */
#ifndef SALESIM_MODELS_PAYOUT_CURVE_H
#define SALESIM_MODELS_PAYOUT_CURVE_H

/* Attainment 0, 2.5 %, ..., 200 %: the points the report charts show. */
#define SALESIM_PAYOUT_POINTS 81
#define SALESIM_PAYOUT_STEP 0.025

typedef struct salesim_payout_curve {
  int n;                                   /* 0: no curve for these settings */
  double attainment[SALESIM_PAYOUT_POINTS]; /* share of the reference target */
  double pay[SALESIM_PAYOUT_POINTS];        /* annual pay, currency */
} salesim_payout_curve;

#endif
