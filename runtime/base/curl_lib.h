/* libcurl, opened at its first use (dynlib.h) for every part of saker that
 * speaks HTTP (the http output, the Docker Engine API client): the one
 * table of the libcurl functions they call, and the one opening and global
 * initialisation of the library. Prefix curl_lib. */
#pragma once
#include <stddef.h>

#include <curl/curl.h>

struct curl_lib {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* libcurl.so.4 opened and globally initialised, once for the process. 0
 * with *out its table; -ENOENT when it cannot be opened, -EIO when it does
 * not initialise, with err naming the library and what failed. */
int curl_lib_open(const struct curl_lib **out, char *err, size_t errlen);
