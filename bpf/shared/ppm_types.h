/* Parameter and field value types of the PPM event format, numbered as in
 * Falco's drivers so that capture files agree. Shared by the probe, the kmod,
 * the runtime decoder and the compiler's field catalogue. */
#pragma once

enum ppm_param_type {
	PT_NONE = 0,
	PT_INT8 = 1,
	PT_INT16 = 2,
	PT_INT32 = 3,
	PT_INT64 = 4,
	PT_UINT8 = 5,
	PT_UINT16 = 6,
	PT_UINT32 = 7,
	PT_UINT64 = 8,
	PT_CHARBUF = 9,		/* NUL-terminated string */
	PT_BYTEBUF = 10,	/* raw bytes */
	PT_ERRNO = 11,		/* int64 return value, negative errno */
	PT_SOCKADDR = 12,
	PT_SOCKTUPLE = 13,
	PT_FD = 14,		/* int64 */
	PT_PID = 15,		/* int64 */
	PT_FDLIST = 16,
	PT_FSPATH = 17,		/* string that is a filesystem path */
	PT_SYSCALLID = 18,	/* uint16 */
	PT_SIGTYPE = 19,	/* uint8 */
	PT_RELTIME = 20,	/* uint64 nanoseconds */
	PT_ABSTIME = 21,	/* uint64 nanoseconds since the epoch */
	PT_PORT = 22,		/* uint16 */
	PT_L4PROTO = 23,	/* uint8 */
	PT_SOCKFAMILY = 24,	/* uint8 */
	PT_BOOL = 25,		/* uint32 */
	PT_IPV4ADDR = 26,
	PT_DYN = 27,		/* uint8 index, then a typed value */
	PT_FLAGS8 = 28,
	PT_FLAGS16 = 29,
	PT_FLAGS32 = 30,
	PT_UID = 31,
	PT_GID = 32,
	PT_DOUBLE = 33,
	PT_SIGSET = 34,
	PT_CHARBUFARRAY = 35,
	PT_CHARBUF_PAIR_ARRAY = 36,
	PT_IPV4NET = 37,
	PT_IPV6ADDR = 38,
	PT_IPV6NET = 39,
	PT_IPADDR = 40,		/* IPv4 or IPv6, told by length */
	PT_IPNET = 41,
	PT_MODE = 42,
	PT_FSRELPATH = 43,	/* path relative to a dirfd parameter */
	PT_ENUMFLAGS8 = 44,
	PT_ENUMFLAGS16 = 45,
	PT_ENUMFLAGS32 = 46,
	PT_FD32 = 47,		/* int32 fd */
	PT_PID32 = 48,		/* int32 pid/tid */
	PT_MAX = 49,
};
