/* The command grammar's public face: parse a line, '?' help, TAB completion. */
#ifndef IKESH_GRAMMAR_GRAMMAR_H
#define IKESH_GRAMMAR_GRAMMAR_H

#include "grammar/cmd.h"
#include "lib/buf.h"

enum parse_status {
	PARSE_OK,
	PARSE_EMPTY,      /* nothing but blanks */
	PARSE_INVALID,    /* col: caret column */
	PARSE_INCOMPLETE,
	PARSE_AMBIGUOUS,  /* col: end of the ambiguous word */
	PARSE_TOO_LONG,   /* more words than a command can have */
};

struct parse_result {
	enum parse_status status;
	int col;
	int words_ok; /* words accepted before the failure */
};

void grammar_init(void);
/* Parse line in mode; on PARSE_OK, cmd holds the handler and arguments
 * (release with cmd_clear). */
struct parse_result grammar_parse(enum cli_mode mode, const char *line, struct cmd *cmd);
/* '?' typed after line: the IOS help listing (or error text) into out. */
void grammar_help(enum cli_mode mode, const char *line, struct buf *out);
/* TAB after line: the full keyword (with a trailing space) that the last,
 * partial word abbreviates, or NULL when it is not a unique prefix.  The last
 * *replace_len characters of line are to be replaced by it. Caller frees. */
char *grammar_complete(enum cli_mode mode, const char *line, int *replace_len);

#endif
