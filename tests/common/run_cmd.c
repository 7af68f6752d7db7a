/* run_cmd: popen, read to the end, pclose. */
#include "tests/common/run_cmd.h"

#include <stdio.h>
#include <stdlib.h>

char *run_cmd(const char *cmd, size_t *len, int *status)
{
	FILE *p = popen(cmd, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!p)
		return NULL;
	do {
		if (n + 4096 >= cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				pclose(p);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, p);
		n += r;
	} while (r);
	buf[n] = '\0';
	*status = pclose(p);
	if (len)
		*len = n;
	return buf;
}
