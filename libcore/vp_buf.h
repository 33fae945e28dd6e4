/* vp_buf.h: a growable, always NUL-terminated byte buffer for building file
 * contents in memory.  An allocation failure is remembered (oom) instead of
 * reported at every append, so a writer checks once before it writes. */
#ifndef VP_BUF_H
#define VP_BUF_H

#include <stdlib.h>
#include <string.h>

typedef struct vp_buf {
	char *p;
	size_t len, cap;
	int oom;
} vp_buf;

static inline void vp_buf_add(vp_buf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *np = realloc(b->p, cap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static inline void vp_buf_adds(vp_buf *b, const char *s)
{
	vp_buf_add(b, s, strlen(s));
}

static inline void vp_buf_free(vp_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

#endif
