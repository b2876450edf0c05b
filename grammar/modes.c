#include "grammar/modes.h"

static const struct {
	const char *name;
	const char *prompt;
	enum cli_mode parent;
} modes[MODE_COUNT] = {
#define MODE(id, prompt, parent) [MODE_##id] = { #id, prompt, MODE_##parent },
#include "grammar/modes.def"
#undef MODE
};

const char *mode_prompt_suffix(enum cli_mode m) { return modes[m].prompt; }
enum cli_mode mode_parent(enum cli_mode m) { return modes[m].parent; }
const char *mode_name(enum cli_mode m) { return modes[m].name; }
