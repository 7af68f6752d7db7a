/* The shared data the tests read (Falco's rules, captures, conformance
 * suite, ground truth): SAKER_SHARED_DIR, set from CMake's variable of that
 * name (default: ../shared beside the source tree). Where it is missing, a
 * test that needs it says so and is skipped; the others run. */
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SHARED_FALCO_DIR SAKER_SHARED_DIR "/falco"

/* In a cmocka test case: skipped, with the reason, without the data. */
#define SKIP_WITHOUT_SHARED()                                                                      \
	do {                                                                                       \
		if (access(SHARED_FALCO_DIR, R_OK)) {                                              \
			print_message("skipped: %s is missing (cmake -DSAKER_SHARED_DIR=...)\n",   \
				      SHARED_FALCO_DIR);                                           \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* At the top of a test program that needs nothing else: exit 77, which
 * ctest reports as skipped, with the reason. */
static inline void shared_dir_require(void)
{
	if (access(SHARED_FALCO_DIR, R_OK)) {
		printf("skipped: %s is missing (cmake -DSAKER_SHARED_DIR=...)\n", SHARED_FALCO_DIR);
		exit(77);
	}
}
