/* Help strings for '?'.  An entry is for a word, optionally after a previous
 * word, optionally also after a context: the word before that, or the mode
 * ("@ikev2_profile"), so that one keyword can read differently in two places. */
#ifndef IKESH_GRAMMAR_HELP_H
#define IKESH_GRAMMAR_HELP_H

struct help_entry {
	const char *ctx;  /* "" = any */
	const char *prev; /* "" = any */
	const char *word; /* keyword, or a value name such as WORD or <1-65535> */
	const char *text;
};

extern const struct help_entry help_table[];

/* The most specific help text for word: (mode, prev), then (prev2, prev),
 * then (prev), then the word alone.  mode is "@<mode id>"; prev is "@<mode>"
 * for the first word of a line. NULL when none is known. */
const char *help_lookup(const char *mode, const char *prev2, const char *prev, const char *word);

#endif
