/* Debug flags (debug crypto ikev2 ...): modules declare theirs, the CLI
 * switches them and lists them in "show debugging". */
#ifndef IKESH_LIB_DEBUG_H
#define IKESH_LIB_DEBUG_H

#include <stdbool.h>

#include "lib/buf.h"

struct debug_flag {
	const char *group;  /* "IKEv2" */
	const char *text;   /* "IKEv2 default debugging is" */
	bool on;
	struct debug_flag *next;
};

void debug_register(struct debug_flag *f);
void debug_show_all(struct buf *b);
void debug_all_off(void);

#endif
