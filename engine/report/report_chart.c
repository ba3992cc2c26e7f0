/*
 * engine/report/report_chart.c: bar and line charts as SVG (engine/report/report_chart.h).
 *
 * A chart is laid out once (axes with "nice" ticks, bars or lines, legend)
 * on a canvas whose five primitives (line, rectangle, polyline, circle,
 * text) have two backends: cairo's SVG surface writing into a memory buffer
 * (text becomes glyph outlines, so the page needs no font), or SVG elements
 * written directly. cairo's output is post-processed: the XML declaration
 * and root tag are replaced by ours, every id gets the chart's prefix, and
 * the process-wide surface counter is dropped, so the bytes depend only on
 * the data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SALESIM_HAVE_CAIRO
#include <cairo-svg.h>
#include <cairo.h>
#endif

#include "report.h"
#include "report_chart.h"

#define CHART_PI 3.14159265358979323846

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                      "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
#define PALETTE_N ((int)(sizeof palette / sizeof palette[0]))

const char *salesim_chart_backend(void) {
#ifdef SALESIM_HAVE_CAIRO
  return "cairo";
#else
  return "svg";
#endif
}

/* ---- canvas ------------------------------------------------------------------- */

typedef struct canvas {
  double w, h;      /* size in px */
  salesim_sbuf svg; /* plain backend: the elements */
#ifdef SALESIM_HAVE_CAIRO
  cairo_surface_t *surface;
  cairo_t *cr;
  salesim_sbuf out; /* what cairo writes */
#endif
} canvas;

#ifdef SALESIM_HAVE_CAIRO
static cairo_status_t cairo_sink(void *arg, const unsigned char *data, unsigned int n) {
  salesim_sbuf *b = arg;
  salesim_sbuf_put(b, (const char *)data, n);
  return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static void set_color(cairo_t *cr, const char *hex) {
  unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
  cairo_set_source_rgb(cr, ((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0,
                       (v & 255) / 255.0);
}
#endif

static int cv_open(canvas *cv, double w, double h) {
  memset(cv, 0, sizeof *cv);
  cv->w = w;
  cv->h = h;
#ifdef SALESIM_HAVE_CAIRO
  cv->surface = cairo_svg_surface_create_for_stream(cairo_sink, &cv->out, w, h);
  if (cairo_surface_status(cv->surface) != CAIRO_STATUS_SUCCESS)
    return -1;
  cairo_svg_surface_restrict_to_version(cv->surface, CAIRO_SVG_VERSION_1_1);
  cv->cr = cairo_create(cv->surface);
  cairo_select_font_face(cv->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  return cairo_status(cv->cr) == CAIRO_STATUS_SUCCESS ? 0 : -1;
#else
  return 0;
#endif
}

static void cv_line(canvas *cv, double x1, double y1, double x2, double y2, const char *color,
                    double width, int dashed) {
#ifdef SALESIM_HAVE_CAIRO
  static const double dash[] = {4, 3};
  set_color(cv->cr, color);
  cairo_set_line_width(cv->cr, width);
  cairo_set_dash(cv->cr, dash, dashed ? 2 : 0, 0);
  cairo_move_to(cv->cr, x1, y1);
  cairo_line_to(cv->cr, x2, y2);
  cairo_stroke(cv->cr);
#else
  salesim_sbuf_printf(&cv->svg,
                      "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                      "stroke-width=\"%.2g\"%s/>\n",
                      x1, y1, x2, y2, color, width, dashed ? " stroke-dasharray=\"4 3\"" : "");
#endif
}

static void cv_rect(canvas *cv, double x, double y, double w, double h, const char *color) {
#ifdef SALESIM_HAVE_CAIRO
  set_color(cv->cr, color);
  cairo_rectangle(cv->cr, x, y, w, h);
  cairo_fill(cv->cr);
#else
  salesim_sbuf_printf(&cv->svg,
                      "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
                      x, y, w, h, color);
#endif
}

static void cv_polyline(canvas *cv, int n, const double *x, const double *y, const char *color,
                        double width) {
  if (n < 2)
    return;
#ifdef SALESIM_HAVE_CAIRO
  set_color(cv->cr, color);
  cairo_set_line_width(cv->cr, width);
  cairo_set_dash(cv->cr, NULL, 0, 0);
  cairo_set_line_join(cv->cr, CAIRO_LINE_JOIN_ROUND);
  cairo_move_to(cv->cr, x[0], y[0]);
  for (int i = 1; i < n; i++)
    cairo_line_to(cv->cr, x[i], y[i]);
  cairo_stroke(cv->cr);
#else
  salesim_sbuf_printf(&cv->svg, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.2g\" "
                                "stroke-linejoin=\"round\" points=\"",
                      color, width);
  for (int i = 0; i < n; i++)
    salesim_sbuf_printf(&cv->svg, "%s%.2f,%.2f", i ? " " : "", x[i], y[i]);
  salesim_sbuf_printf(&cv->svg, "\"/>\n");
#endif
}

/* anchor: 0 start, 1 middle, 2 end; rotate: text runs upwards */
static void cv_text(canvas *cv, double x, double y, const char *text, double size, int anchor,
                    int bold, int rotate, const char *color) {
#ifdef SALESIM_HAVE_CAIRO
  cairo_t *cr = cv->cr;
  cairo_text_extents_t ext;
  cairo_save(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents(cr, text, &ext);
  set_color(cr, color);
  cairo_translate(cr, x, y);
  if (rotate)
    cairo_rotate(cr, -CHART_PI / 2);
  cairo_move_to(cr, -ext.x_advance * anchor / 2.0, 0);
  cairo_show_text(cr, text);
  cairo_restore(cr);
#else
  static const char *const anchors[] = {"start", "middle", "end"};
  salesim_sbuf_printf(&cv->svg, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.3g\" "
                                "text-anchor=\"%s\" fill=\"%s\"%s",
                      x, y, size, anchors[anchor], color, bold ? " font-weight=\"bold\"" : "");
  if (rotate)
    salesim_sbuf_printf(&cv->svg, " transform=\"rotate(-90 %.2f %.2f)\"", x, y);
  salesim_sbuf_printf(&cv->svg, ">");
  salesim_sbuf_html(&cv->svg, text);
  salesim_sbuf_printf(&cv->svg, "</text>\n");
#endif
}

static void cv_circle(canvas *cv, double x, double y, double r, const char *color) {
#ifdef SALESIM_HAVE_CAIRO
  set_color(cv->cr, color);
  cairo_arc(cv->cr, x, y, r, 0, 2 * CHART_PI);
  cairo_fill(cv->cr);
#else
  salesim_sbuf_printf(&cv->svg, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2g\" fill=\"%s\"/>\n", x,
                      y, r, color);
#endif
}

#ifdef SALESIM_HAVE_CAIRO
/* Copy cairo's document into `b` from just after its root tag to just
 * before "</svg>", prefixing ids and dropping the surface counter. */
static void copy_cairo_body(salesim_sbuf *b, const char *doc, int id) {
  const char *p = strstr(doc, "<svg");
  p = p ? strchr(p, '>') : NULL;
  const char *end = p ? strstr(p, "</svg>") : NULL;
  if (p == NULL || end == NULL)
    return;
  p++;
  char prefix[32];
  snprintf(prefix, sizeof prefix, "c%d-", id);
  while (p < end) {
    if (strncmp(p, " id=\"surface", 12) == 0) {
      const char *q = strchr(p + 12, '"');
      if (q != NULL && q < end) {
        p = q + 1;
        continue;
      }
    }
    if (strncmp(p, "id=\"", 4) == 0) {
      salesim_sbuf_printf(b, "id=\"%s", prefix);
      p += 4;
    } else if (strncmp(p, "href=\"#", 7) == 0) {
      salesim_sbuf_printf(b, "href=\"#%s", prefix);
      p += 7;
    } else if (strncmp(p, "url(#", 5) == 0) {
      salesim_sbuf_printf(b, "url(#%s", prefix);
      p += 5;
    } else {
      salesim_sbuf_put(b, p, 1);
      p++;
    }
  }
}
#endif

/* Finish the drawing; returns the <svg> element (malloc'd) or NULL. */
static char *cv_close(canvas *cv, int id, const char *title) {
  salesim_sbuf b = {0};
  salesim_sbuf_printf(&b,
                      "<svg class=\"chart\" id=\"chart%d\" viewBox=\"0 0 %.0f %.0f\" "
                      "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"",
                      id, cv->w, cv->h, cv->w, cv->h);
  salesim_sbuf_html(&b, title);
  salesim_sbuf_printf(&b, "\"><title>");
  salesim_sbuf_html(&b, title);
  salesim_sbuf_printf(&b, "</title>\n");
#ifdef SALESIM_HAVE_CAIRO
  cairo_destroy(cv->cr);
  cairo_surface_finish(cv->surface);
  int bad = cairo_surface_status(cv->surface) != CAIRO_STATUS_SUCCESS || cv->out.oom;
  cairo_surface_destroy(cv->surface);
  if (!bad && cv->out.s != NULL)
    copy_cairo_body(&b, cv->out.s, id);
  salesim_sbuf_free(&cv->out);
  if (bad)
    b.oom = 1;
#else
  (void)id;
  if (cv->svg.s != NULL)
    salesim_sbuf_put(&b, cv->svg.s, cv->svg.len);
  if (cv->svg.oom)
    b.oom = 1;
#endif
  salesim_sbuf_free(&cv->svg);
  salesim_sbuf_printf(&b, "</svg>");
  if (b.oom) {
    salesim_sbuf_free(&b);
    return NULL;
  }
  return b.s;
}

/* ---- axes --------------------------------------------------------------------- */

typedef struct axis {
  double lo, hi, step;
} axis;

/* Ticks at multiples of 1, 2 or 5 x 10^k covering [lo, hi], about 5 of them. */
static axis nice_axis(double lo, double hi) {
  axis a;
  if (!(hi > lo)) {
    double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / 5;
  double mag = pow(10, floor(log10(raw)));
  double f = raw / mag;
  a.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  a.lo = floor(lo / a.step + 1e-9) * a.step;
  a.hi = ceil(hi / a.step - 1e-9) * a.step;
  return a;
}

static const char *tick_text(double v, const char *unit, double step, char *buf, size_t size) {
  double a = fabs(v);
  if (fabs(v) < step * 1e-6)
    v = a = 0;
  if (unit && strcmp(unit, "share") == 0) {
    snprintf(buf, size, "%.*f %%", step * 100 < 1 ? 1 : 0, v * 100);
  } else if (a >= 1e9) {
    snprintf(buf, size, "%.3gbn", v / 1e9);
  } else if (a >= 1e6) {
    snprintf(buf, size, "%.3gm", v / 1e6);
  } else if (a >= 1e4) {
    snprintf(buf, size, "%.3gk", v / 1e3);
  } else {
    snprintf(buf, size, "%.4g", v);
  }
  return buf;
}

/* Plot area */
#define PL 78.0
#define PR (cv->w - 16.0)
#define PT 36.0
#define PB (cv->h - 62.0)

static double ymap(const canvas *cv, const axis *a, double v) {
  return PB - (v - a->lo) / (a->hi - a->lo) * (PB - PT);
}
static double xmap(const canvas *cv, const axis *a, double v) {
  return PL + (v - a->lo) / (a->hi - a->lo) * (PR - PL);
}

static void draw_frame(canvas *cv, const char *title, const axis *ya, const char *yunit) {
  char buf[64];
  cv_rect(cv, 0, 0, cv->w, cv->h, "#ffffff");
  cv_text(cv, cv->w / 2, 20, title, 14, 1, 1, 0, "#222222");
  int nt = (int)floor((ya->hi - ya->lo) / ya->step + 0.5);
  for (int i = 0; i <= nt; i++) {
    double v = ya->lo + i * ya->step, y = ymap(cv, ya, v);
    cv_line(cv, PL, y, PR, y, fabs(v) < ya->step * 1e-6 ? "#888888" : "#e3e3e3", 1, 0);
    cv_text(cv, PL - 6, y + 4, tick_text(v, yunit, ya->step, buf, sizeof buf), 11, 2, 0, 0,
            "#444444");
  }
  cv_line(cv, PL, PT, PL, PB, "#888888", 1, 0);
}

static void draw_legend(canvas *cv, int n, const char *const *names) {
  double x = PL, y = cv->h - 12;
  for (int k = 0; k < n; k++) {
    cv_rect(cv, x, y - 9, 10, 10, palette[k % PALETTE_N]);
    cv_text(cv, x + 14, y, names[k], 11, 0, 0, 0, "#333333");
    x += 24 + 7.0 * (double)strlen(names[k]);
  }
}

/* ---- charts ------------------------------------------------------------------- */

char *salesim_chart_bars(int id, double width, double height, const char *title, const char *unit, int n_cat,
                         const char *const *cats, int n_ser, const char *const *series,
                         const double *value, const double *lo, const double *hi) {
  canvas cvs, *cv = &cvs;
  if (cv_open(cv, width, height) != 0)
    return cv_close(cv, id, title);
  double vmin = 0, vmax = 0;
  for (int i = 0; i < n_cat * n_ser; i++) {
    double vals[3] = {value[i], lo ? lo[i] : NAN, hi ? hi[i] : NAN};
    for (int k = 0; k < 3; k++)
      if (isfinite(vals[k])) {
        vmin = fmin(vmin, vals[k]);
        vmax = fmax(vmax, vals[k]);
      }
  }
  axis ya = nice_axis(vmin, vmax);
  draw_frame(cv, title, &ya, unit);
  double slot = (PR - PL) / (n_cat > 0 ? n_cat : 1);
  double groupw = slot * 0.7, barw = groupw / (n_ser > 0 ? n_ser : 1);
  double y0 = ymap(cv, &ya, 0);
  for (int c = 0; c < n_cat; c++) {
    double gx = PL + c * slot + (slot - groupw) / 2;
    for (int s = 0; s < n_ser; s++) {
      int i = s * n_cat + c;
      if (!isfinite(value[i]))
        continue;
      const char *color = palette[(n_ser == 1 ? c : s) % PALETTE_N];
      double x = gx + s * barw, y = ymap(cv, &ya, value[i]);
      cv_rect(cv, x + 1, fmin(y, y0), barw - 2, fabs(y0 - y), color);
      if (lo && hi && isfinite(lo[i]) && isfinite(hi[i])) {
        double cx = x + barw / 2, yl = ymap(cv, &ya, lo[i]), yh = ymap(cv, &ya, hi[i]);
        cv_line(cv, cx, yl, cx, yh, "#222222", 1.5, 0);
        cv_line(cv, cx - barw * 0.15, yl, cx + barw * 0.15, yl, "#222222", 1.5, 0);
        cv_line(cv, cx - barw * 0.15, yh, cx + barw * 0.15, yh, "#222222", 1.5, 0);
      }
    }
    cv_text(cv, PL + c * slot + slot / 2, PB + 16, cats[c], 11, 1, 0, 0, "#333333");
  }
  if (n_ser > 1)
    draw_legend(cv, n_ser, series);
  return cv_close(cv, id, title);
}

char *salesim_chart_lines(int id, double width, double height, const char *title, const char *xlabel, const char *xunit,
                          const char *yunit, int n_ser, const char *const *series,
                          const int *n, const double *const *x, const double *const *y) {
  canvas cvs, *cv = &cvs;
  if (cv_open(cv, width, height) != 0)
    return cv_close(cv, id, title);
  double xmin = INFINITY, xmax = -INFINITY, ymin = 0, ymax = 0;
  int npts = 0;
  for (int s = 0; s < n_ser; s++)
    for (int i = 0; i < n[s]; i++) {
      if (!isfinite(x[s][i]) || !isfinite(y[s][i]))
        continue;
      xmin = fmin(xmin, x[s][i]);
      xmax = fmax(xmax, x[s][i]);
      ymin = fmin(ymin, y[s][i]);
      ymax = fmax(ymax, y[s][i]);
      npts++;
    }
  if (npts == 0)
    xmin = 0, xmax = 1;
  axis ya = nice_axis(ymin, ymax), xa = nice_axis(xmin, xmax);
  if (xmin >= xa.lo && xmax <= xa.hi) { /* no padding on x: data edge to edge */
    xa.lo = xmin;
    xa.hi = xmax > xmin ? xmax : xmin + 1;
  }
  draw_frame(cv, title, &ya, yunit);
  axis ticks = nice_axis(xa.lo, xa.hi);
  char buf[64];
  for (double v = ticks.lo; v <= xa.hi + ticks.step * 1e-6; v += ticks.step) {
    if (v < xa.lo - ticks.step * 1e-6)
      continue;
    double px = xmap(cv, &xa, v);
    cv_line(cv, px, PB, px, PB + 4, "#888888", 1, 0);
    cv_text(cv, px, PB + 16, tick_text(v, xunit, ticks.step, buf, sizeof buf), 11, 1, 0, 0,
            "#444444");
  }
  cv_line(cv, PL, PB, PR, PB, "#888888", 1, 0);
  cv_text(cv, (PL + PR) / 2, PB + 32, xlabel, 11, 1, 0, 0, "#444444");
  for (int s = 0; s < n_ser; s++) {
    double *px = malloc((size_t)(n[s] > 0 ? n[s] : 1) * sizeof *px);
    double *py = malloc((size_t)(n[s] > 0 ? n[s] : 1) * sizeof *py);
    if (px == NULL || py == NULL) { /* the chart fails, not just this line */
      free(px);
      free(py);
#ifdef SALESIM_HAVE_CAIRO
      cv->out.oom = 1;
#endif
      cv->svg.oom = 1;
      continue;
    }
    int run = 0;
    for (int i = 0; i <= n[s]; i++) {
      if (i < n[s] && isfinite(x[s][i]) && isfinite(y[s][i])) {
        px[run] = xmap(cv, &xa, x[s][i]);
        py[run] = ymap(cv, &ya, y[s][i]);
        run++;
        continue;
      }
      if (run == 1)
        cv_circle(cv, px[0], py[0], 2.5, palette[s % PALETTE_N]);
      cv_polyline(cv, run, px, py, palette[s % PALETTE_N], 2);
      run = 0;
    }
    free(px);
    free(py);
  }
  draw_legend(cv, n_ser, series);
  return cv_close(cv, id, title);
}
