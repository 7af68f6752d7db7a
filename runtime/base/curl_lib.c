/* libcurl opened once for the process (see curl_lib.h). */
#include "runtime/base/curl_lib.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "runtime/base/dynlib.h"

#define CURL_SONAME "libcurl.so.4"

static struct curl_lib lib;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int open_rc;
static char open_err[256];

static void open_lib(void)
{
	const struct dynlib_sym syms[] = {
		{ "curl_global_init", (void **)&lib.global_init },
		{ "curl_easy_init", (void **)&lib.easy_init },
		{ "curl_easy_setopt", (void **)&lib.easy_setopt },
		{ "curl_easy_perform", (void **)&lib.easy_perform },
		{ "curl_easy_getinfo", (void **)&lib.easy_getinfo },
		{ "curl_easy_cleanup", (void **)&lib.easy_cleanup },
		{ "curl_easy_strerror", (void **)&lib.easy_strerror },
		{ "curl_slist_append", (void **)&lib.slist_append },
		{ "curl_slist_free_all", (void **)&lib.slist_free_all },
	};
	CURLcode rc;

	open_rc = dynlib_open(CURL_SONAME, syms, sizeof(syms) / sizeof(syms[0]), open_err,
			      sizeof(open_err));
	if (!open_rc && (rc = lib.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		snprintf(open_err, sizeof(open_err), CURL_SONAME ": it does not initialise: %s",
			 lib.easy_strerror(rc));
		open_rc = -EIO;
	}
}

int curl_lib_open(const struct curl_lib **out, char *err, size_t errlen)
{
	pthread_once(&once, open_lib);
	if (open_rc) {
		snprintf(err, errlen, "%s", open_err);
		return open_rc;
	}
	*out = &lib;
	return 0;
}
