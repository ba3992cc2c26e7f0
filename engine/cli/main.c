/* engine/cli/main.c: placeholder until the CLI lands. */
#include <stdio.h>
int main(void) { puts("salesim"); return 0; }
