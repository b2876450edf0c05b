#include "grammar/help.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *lookup(const char *prev, const char *word);

/* The first word of a line in a configuration sub-mode falls back to its
 * meaning in global configuration (exit, do, end ...) before the generic one. */
const char *help_lookup(const char *prev, const char *word)
{
	if (prev && prev[0] == '@' && strcmp(prev, "@user") != 0 && strcmp(prev, "@priv") != 0 &&
	    strcmp(prev, "@config") != 0) {
		const char *t = lookup(prev, word);
		if (t && t != lookup(NULL, word))
			return t;
		if (strcmp(word, "@header") == 0)
			return t;
		const char *c = lookup("@config", word);
		return c ? c : t;
	}
	return lookup(prev, word);
}

static const char *lookup(const char *prev, const char *word)
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
