/* Events from BPF ring buffers (or the kernel module's rings, laid out
 * the same way), one per CPU, read in place from their
 * mappings and merged into timestamp order. A batch is what every ring
 * holds when the last one ran dry: its records are handed out smallest
 * timestamp first through a heap of the CPUs (not a scan per event) and
 * stay valid until the next batch starts, when their space goes back to
 * the probe. Prefix ring_src_. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ring_src;

/* Maps the n rings (map fds, each of size bytes). 0 or -errno. */
int ring_src__open(const int *fds, int n, size_t size, struct ring_src **out);

/* Where one ring is: the file and the offset of its consumer page, the
 * producer page and the data following it. */
struct ring_src_map {
	int fd;
	off_t off;
};
/* Maps n rings given by file and offset. 0 or -errno. */
int ring_src__open_maps(const struct ring_src_map *maps, int n, size_t size, struct ring_src **out);
void ring_src__free(struct ring_src *s);

/* The next record (a PPM event as the probe wrote it), its length and the
 * CPU it came from; NULL when every ring is empty right now. */
const void *ring_src__next(struct ring_src *s, uint32_t *len, uint16_t *cpu);

/* Gives consumed space back to the probe (ring_src__next does it at each
 * new batch; call it before sleeping). */
void ring_src__release(struct ring_src *s);
