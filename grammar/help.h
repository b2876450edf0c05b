/* Help strings for '?': one per keyword, optionally per previous word. */
#ifndef IKESH_GRAMMAR_HELP_H
#define IKESH_GRAMMAR_HELP_H

struct help_entry {
	const char *prev; /* "" = any context */
	const char *word; /* keyword, or a value name such as WORD or <1-65535> */
	const char *text;
};

extern const struct help_entry help_table[];

/* Help text for word after prev; NULL when none is known. */
const char *help_lookup(const char *prev, const char *word);

#endif
