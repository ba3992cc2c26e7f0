/*
 * tests/fuzz/fuzz_data_csv.c: libFuzzer target for the data files' reader
 * (engine/scenario/data_csv.c, issue 13). The input is a CSV file; it is
 * parsed with a roster-like column list and every cell is read as a number,
 * a date and a period. Whatever the bytes: no crash, leak, hang or
 * uninitialised read; a file with problems returns SALESIM_ESCENARIO with at
 * least one line, each line names the file, and every row's line number
 * lies within the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const salesim_data_column spec[] = {{"rep_id", 1},    {"name", 0},   {"territory_id", 0},
                                             {"hire_date", 0}, {"period", 0}, {"annual_base", 0}};
  const int n = (int)(sizeof spec / sizeof spec[0]);
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data_csv t;
  int rc = salesim_data_csv_parse(&t, "f.csv", (const char *)data, size, spec, n, &d);
  if (rc == SALESIM_ESCENARIO && d.count == 0)
    abort(); /* a problem nobody was told about */
  long lines = 1;
  for (size_t i = 0; i < size; i++) /* "\r\n", "\n" and a lone "\r" each end a line */
    lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 >= size || data[i + 1] != '\n'));
  for (size_t r = 0; r < t.n_rows; r++) {
    if (t.line[r] < 1 || t.line[r] > lines)
      abort();
    for (int c = 0; c < n; c++) {
      double x;
      long days, first;
      int months;
      (void)strlen(salesim_data_csv_cell(&t, r, c));
      salesim_data_csv_number(&t, r, c, 0, "an amount", &x, &d);
      salesim_data_csv_date(&t, r, c, &days, &d);
      salesim_data_csv_period(&t, r, c, &first, &months, &d);
    }
  }
  salesim_data_csv_error_tail(&t, &d);
  for (size_t i = 0; i < d.count; i++)
    if (strncmp(d.lines[i], "f.csv", 5) != 0)
      abort();
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  return 0;
}
