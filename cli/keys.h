/* Keystroke line editor for vty sessions and piped standard input. */
#ifndef IKESH_CLI_KEYS_H
#define IKESH_CLI_KEYS_H

#include <stddef.h>

#include "cli/session.h"

/* Feed typed bytes. The session's close op must not free it (the caller
 * frees a closing session after this returns). */
void keys_input(struct session *s, const char *data, size_t n);
/* Prompt followed by the line typed so far. */
void keys_show_prompt(struct session *s);

#endif
