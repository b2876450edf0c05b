#include "grammar/help.h"

#include <stddef.h>
#include <strings.h>

const char *help_lookup(const char *prev, const char *word)
{
	const char *any = NULL;
	for (const struct help_entry *h = help_table; h->word; h++) {
		if (strcasecmp(h->word, word) != 0)
			continue;
		if (h->prev[0] == 0) {
			if (!any)
				any = h->text;
		} else if (prev && strcasecmp(h->prev, prev) == 0) {
			return h->text;
		}
	}
	return any;
}
