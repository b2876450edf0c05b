/* CLI modes; the list lives in modes.def. */
#ifndef IKESH_GRAMMAR_MODES_H
#define IKESH_GRAMMAR_MODES_H

enum cli_mode {
#define MODE(id, prompt, parent) MODE_##id,
#include "grammar/modes.def"
#undef MODE
	MODE_COUNT
};

const char *mode_prompt_suffix(enum cli_mode m);
enum cli_mode mode_parent(enum cli_mode m);
const char *mode_name(enum cli_mode m);

#endif
