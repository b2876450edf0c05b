#include "grammar/help.h"

#include <stddef.h>
#include <string.h>

static const char *find(const char *ctx, const char *prev, const char *word)
{
	for (const struct help_entry *h = help_table; h->word; h++)
		if (strcmp(h->word, word) == 0 && strcmp(h->prev, prev) == 0 && strcmp(h->ctx, ctx) == 0)
			return h->text;
	return NULL;
}

static int is_submode(const char *mode)
{
	return strcmp(mode, "@user") != 0 && strcmp(mode, "@priv") != 0 && strcmp(mode, "@config") != 0;
}

const char *help_lookup(const char *mode, const char *prev2, const char *prev, const char *word)
{
	const char *t;
	if (mode && prev && (t = find(mode, prev, word)))
		return t;
	if (prev2 && prev2[0] && prev && (t = find(prev2, prev, word)))
		return t;
	if (prev && (t = find("", prev, word)))
		return t;
	/* The first word of a line in a configuration sub-mode falls back to its
	 * meaning in global configuration (exit, do, end ...). */
	if (prev && prev[0] == '@' && mode && is_submode(mode)) {
		if (strcmp(word, "@header") == 0)
			return NULL;
		if ((t = find("", "@config", word)))
			return t;
	}
	return find("", "", word);
}
