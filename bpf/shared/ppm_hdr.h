/* The header of every event record, Falco's PPM layout: the ABI shared by
 * the probe, the kmod, the runtime decoder and capture files. Packed, 26
 * bytes, little-endian; then nparams parameter lengths (2 bytes each, 4 for
 * events flagged EVF_LARGE_PAYLOAD), then the parameters back to back. */
#pragma once

#ifdef __BPF__
/* vmlinux.h provides __u64 and friends */
#else
#include <linux/types.h>
#endif

struct ppm_hdr {
	__u64 ts;	/* nanoseconds since the epoch */
	__u64 tid;
	__u32 len;	/* whole record: header, lengths and parameters */
	__u16 type;	/* enum ppm_event_code */
	__u32 nparams;
} __attribute__((packed));

#define PPM_HDR_LEN 26

_Static_assert(sizeof(struct ppm_hdr) == PPM_HDR_LEN, "ppm_hdr is ABI");
_Static_assert(__builtin_offsetof(struct ppm_hdr, len) == 16, "ppm_hdr is ABI");
_Static_assert(__builtin_offsetof(struct ppm_hdr, type) == 20, "ppm_hdr is ABI");
_Static_assert(__builtin_offsetof(struct ppm_hdr, nparams) == 22, "ppm_hdr is ABI");
