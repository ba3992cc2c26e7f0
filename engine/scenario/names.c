/*
 * engine/scenario/names.c: names that may become file or folder names
 * (engine/scenario/names.h, docs/safety.md).
 */
#include <stdio.h>
#include <string.h>

#include "names.h"

static int name_char_ok(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.';
}

size_t salesim_name_temp_suffix(const char *s) {
  size_t n = strlen(s), d = 0;
  while (d < n && s[n - 1 - d] >= '0' && s[n - 1 - d] <= '9')
    d++;
  if (d == 0 || n < d + 5)
    return 0;
  const char *t = s + n - d - 5;
  return (strncmp(t, ".tmp.", 5) == 0 || strncmp(t, ".old.", 5) == 0) ? d + 5 : 0;
}

const char *salesim_output_name_problem(const char *name) {
  size_t n = strlen(name);
  if (n == 0)
    return "is empty";
  if (n > SALESIM_OUTPUT_NAME_MAX)
    return "is too long";
  for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
    if (name_char_ok(*c))
      continue;
    if (*c == '/' || *c == '\\')
      return "contains a path separator";
    if (*c < 0x20 || *c == 0x7f)
      return "contains a control character";
    if (*c >= 0x80)
      return "contains a non-ASCII character";
    return "contains a character that is not allowed in a folder name";
  }
  if (name[0] == '.')
    return "starts with '.'";
  if (salesim_name_temp_suffix(name) > 0)
    return "ends like salesim's temporary folders";
  return NULL;
}

void salesim_output_name_sanitize(char *name, size_t size) {
  if (size < 2)
    return;
  name[size - 1] = '\0';
  if (strlen(name) > SALESIM_OUTPUT_NAME_MAX)
    name[SALESIM_OUTPUT_NAME_MAX] = '\0';
  for (char *c = name; *c; c++)
    if (!name_char_ok((unsigned char)*c))
      *c = '_';
  for (char *c = name; *c == '.'; c++)
    *c = '_';
  size_t suffix = salesim_name_temp_suffix(name);
  if (suffix > 0) {
    char *t = name + strlen(name) - suffix;
    t[0] = '_';
    t[4] = '_';
  }
  if (name[0] == '\0')
    snprintf(name, size, "scenario");
}
