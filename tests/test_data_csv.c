/* tests/test_data_csv.c: the data files' reader (engine/scenario/data_csv.c,
 * issue 13): RFC 4180 quoting, encodings, the header, and one line per
 * problem naming the file, line and column. */
#include "testutil.h"

#include <string.h>

#include "data_csv.h"

static const salesim_data_column roster[] = {
    {"rep_id", 1}, {"name", 0}, {"territory_id", 1}, {"hire_date", 1}, {"annual_base", 0}};
#define N_ROSTER ((int)(sizeof roster / sizeof roster[0]))

static int parse(salesim_data_csv *t, const char *text, salesim_diag *d) {
  return salesim_data_csv_parse(t, "roster.csv", text, strlen(text), roster, N_ROSTER, d);
}

/* d holds exactly the lines `want` (NULL-terminated), in order. */
static void lines_are(const salesim_diag *d, const char *const *want) {
  size_t n = 0;
  while (want[n] != NULL)
    n++;
  for (size_t i = 0; i < d->count; i++)
    print_message("  %s\n", d->lines[i]);
  assert_int_equal(d->count, n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(d->lines[i], want[i]);
}

static void test_quoting_and_line_ends(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data_csv t;
  const char *text = "\xef\xbb\xbf"
                     "Rep_ID , territory_id,name,hire_date\r\n"
                     "7,T1,\"Doe, Jane\",2024-02-29\r\n"
                     "\r\n"
                     "8,T2,\"Say \"\"hi\"\"\nand go\",2023-01-01\n"
                     "9,T1,  Émile Zola  ,2022-12-31";
  assert_int_equal(parse(&t, text, &d), 0);
  lines_are(&d, (const char *const[]){NULL});
  assert_int_equal(t.n_rows, 3);
  int id = salesim_data_csv_col(&t, "rep_id"), nm = salesim_data_csv_col(&t, "name");
  assert_string_equal(salesim_data_csv_cell(&t, 0, id), "7");
  assert_string_equal(salesim_data_csv_cell(&t, 0, nm), "Doe, Jane");
  assert_string_equal(salesim_data_csv_cell(&t, 1, nm), "Say \"hi\"\nand go");
  assert_string_equal(salesim_data_csv_cell(&t, 2, nm), "Émile Zola");
  /* a column the file lacks reads as blank */
  assert_string_equal(salesim_data_csv_cell(&t, 0, salesim_data_csv_col(&t, "annual_base")), "");
  /* rows keep the line they start on (the blank line is skipped) */
  assert_int_equal(t.line[0], 2);
  assert_int_equal(t.line[1], 4);
  assert_int_equal(t.line[2], 6);
  long days;
  assert_int_equal(salesim_data_csv_date(&t, 0, salesim_data_csv_col(&t, "hire_date"), &days, &d), 1);
  assert_int_equal(days, 19782); /* 2024-02-29 */
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  /* old Mac files end lines with a lone CR: each counts as one line */
  assert_int_equal(parse(&t, "rep_id,territory_id,hire_date\r1,T1,2020-01-01\r\r2,\"T\r2\",x\r", &d), 0);
  assert_int_equal(t.n_rows, 2);
  assert_int_equal(t.line[0], 2);
  assert_int_equal(t.line[1], 4);
  assert_int_equal(salesim_data_csv_date(&t, 1, salesim_data_csv_col(&t, "hire_date"), &days, &d), -1);
  assert_string_equal(d.lines[0], "roster.csv:4: hire_date: 'x' is not a date (expected YYYY-MM-DD, e.g. 2025-04-30)");
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
}

static void test_header_problems(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data_csv t;
  assert_int_equal(parse(&t, "rep_id,Name,rep_id,region,hire_date\n1,a,1,x,2020-01-01\n", &d),
                   SALESIM_ESCENARIO);
  lines_are(&d, (const char *const[]){
                    "roster.csv:1: rep_id: column named twice (expected it once)",
                    "roster.csv:1: region: unknown column (expected one of: rep_id, name, "
                    "territory_id, hire_date, annual_base)",
                    "roster.csv:1: territory_id: missing column (expected it in the header row)",
                    NULL});
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  assert_int_equal(parse(&t, "\n\n", &d), SALESIM_ESCENARIO);
  lines_are(&d, (const char *const[]){
                    "roster.csv: no header row (expected a first line naming the columns)", NULL});
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
}

static void test_rows_and_values(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data_csv t;
  const char *text = "rep_id,territory_id,hire_date,annual_base\n"
                     "1,T1,2024-02-30,-5\n"
                     "2,T1\n"
                     "3,T2,2024/01/01,1e3x\n"
                     "4,T2,2023-04-01,\"60,000\"\n"
                     "5,T2,2023-04-01,72000\n";
  assert_int_equal(parse(&t, text, &d), SALESIM_ESCENARIO); /* the short row */
  assert_int_equal(t.n_rows, 4);
  int hd = salesim_data_csv_col(&t, "hire_date"), ab = salesim_data_csv_col(&t, "annual_base");
  for (size_t r = 0; r < t.n_rows; r++) {
    long days;
    double x;
    salesim_data_csv_date(&t, r, hd, &days, &d);
    salesim_data_csv_number(&t, r, ab, 0, "an amount", &x, &d);
  }
  double x = 0;
  assert_int_equal(salesim_data_csv_number(&t, 3, ab, 0, "an amount", &x, &d), 1);
  assert_true(x == 72000);
  lines_are(&d, (const char *const[]){
                    "roster.csv:3: 2 fields (expected 4, as in the header row)",
                    "roster.csv:2: hire_date: '2024-02-30' is not a date (expected YYYY-MM-DD, "
                    "e.g. 2025-04-30)",
                    "roster.csv:2: annual_base: -5 is negative (expected an amount, at least 0)",
                    "roster.csv:4: hire_date: '2024/01/01' is not a date (expected YYYY-MM-DD, "
                    "e.g. 2025-04-30)",
                    "roster.csv:4: annual_base: '1e3x' is not a number (expected an amount, e.g. "
                    "1250.5)",
                    "roster.csv:5: annual_base: '60,000' is not a number (expected an amount, "
                    "e.g. 1250.5)",
                    NULL});
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
}

static void test_encoding_and_quotes(void **state) {
  (void)state;
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data_csv t;
  /* Latin-1 "é" (0xe9), as a spreadsheet saved as plain "CSV" writes it */
  assert_int_equal(parse(&t, "rep_id,territory_id,hire_date\n1,T1,2020-01-01\n2,Caf\xe9,x\n", &d),
                   SALESIM_ESCENARIO);
  lines_are(&d, (const char *const[]){
                    "roster.csv:3: byte 0xe9 is not UTF-8 text (expected UTF-8: save the file as "
                    "\"CSV UTF-8\")",
                    NULL});
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  /* overlong, surrogate and NUL bytes are not UTF-8 either */
  const char *bad[] = {"a\xc0\xaf", "a\xed\xa0\x80", "a\xf4\x90\x80\x80", "a\xe2\x82"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(parse(&t, bad[i], &d), SALESIM_ESCENARIO);
    assert_int_equal(d.count, 1);
    salesim_data_csv_free(&t);
    salesim_diag_clear(&d);
  }
  assert_int_equal(salesim_data_csv_parse(&t, "roster.csv", "a\0b", 3, roster, N_ROSTER, &d),
                   SALESIM_ESCENARIO);
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  assert_int_equal(parse(&t, "rep_id,territory_id,hire_date\n1,\"T1,2020-01-01\n", &d),
                   SALESIM_ESCENARIO);
  lines_are(&d, (const char *const[]){
                    "roster.csv:2: a quoted field never ends (expected a closing \" before the "
                    "end of the file)",
                    NULL});
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  assert_int_equal(
      parse(&t, "rep_id,territory_id,hire_date\n1,\"T1\"x,2020-01-01\n2,T\"2,2020-01-01\n", &d),
      SALESIM_ESCENARIO);
  lines_are(&d, (const char *const[]){
                    "roster.csv:2: text after a closing quote (expected , or the end of the line; "
                    "a quote inside a field is written \"\")",
                    "roster.csv:3: a quote inside an unquoted field (expected the whole field in "
                    "quotes, with each quote in it doubled)",
                    NULL});
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
}

static void test_periods_and_error_cap(void **state) {
  (void)state;
  static const salesim_data_column perf[] = {{"rep_id", 1}, {"period", 1}};
  salesim_diag d = SALESIM_DIAG_INIT;
  salesim_data_csv t;
  const char *text = "rep_id,period\n1,2025\n1,2025-Q2\n1,2025-11\n1,2025-13\n1,2025-Q5\n";
  assert_int_equal(salesim_data_csv_parse(&t, "performance.csv", text, strlen(text), perf, 2, &d), 0);
  long first[5];
  int months[5];
  for (size_t r = 0; r < 5; r++)
    salesim_data_csv_period(&t, r, 1, &first[r], &months[r], &d);
  assert_int_equal(first[0], 2025 * 12);
  assert_int_equal(months[0], 12);
  assert_int_equal(first[1], 2025 * 12 + 3);
  assert_int_equal(months[1], 3);
  assert_int_equal(first[2], 2025 * 12 + 10);
  assert_int_equal(months[2], 1);
  assert_int_equal(d.count, 2);
  assert_string_equal(d.lines[0], "performance.csv:5: period: '2025-13' is not a period (expected "
                                  "YYYY, YYYY-Qn or YYYY-MM, e.g. 2025-Q2)");
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
  /* every problem counted, SALESIM_DATA_CSV_MAX_ERRORS listed, then how many more */
  char big[8192] = "rep_id,period\n";
  for (int i = 0; i < 70; i++)
    strcat(big, "1,bad\n");
  assert_int_equal(salesim_data_csv_parse(&t, "performance.csv", big, strlen(big), perf, 2, &d), 0);
  for (size_t r = 0; r < t.n_rows; r++) {
    long f;
    int m;
    salesim_data_csv_period(&t, r, 1, &f, &m, &d);
  }
  salesim_data_csv_error_tail(&t, &d);
  assert_int_equal(d.count, SALESIM_DATA_CSV_MAX_ERRORS + 1);
  assert_string_equal(d.lines[SALESIM_DATA_CSV_MAX_ERRORS],
                      "performance.csv: 20 more problems not listed (fix the ones above first)");
  salesim_data_csv_free(&t);
  salesim_diag_clear(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quoting_and_line_ends), cmocka_unit_test(test_header_problems),
      cmocka_unit_test(test_rows_and_values),       cmocka_unit_test(test_encoding_and_quotes),
      cmocka_unit_test(test_periods_and_error_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
