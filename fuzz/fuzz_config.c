/* libFuzzer target: arbitrary configuration text typed into the shell.
 * Every line goes through the grammar, the handlers and the config objects;
 * '?' help and TAB completion are asked for each line too.  Afterwards the
 * running-config is built (exercising every writer) and everything is reset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/memsession.h"
#include "cli/running_config.h"
#include "grammar/grammar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session *s;
	if (!s)
		s = memsession_new();
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	s->mode = MODE_CONFIG;
	memset(s->objs, 0, sizeof s->objs);
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct buf b;
		buf_init(&b);
		grammar_help(s->mode, l, &b);
		buf_free(&b);
		int rlen;
		free(grammar_complete(s->mode, l, &rlen));
		memsession_run(s, l);
		s->confirm = NULL;
		if (s->mode < MODE_CONFIG) {
			s->mode = MODE_CONFIG;
			memset(s->objs, 0, sizeof s->objs);
		}
		s->closing = false;
	}
	struct buf rc;
	buf_init(&rc);
	running_config_build(&rc);
	buf_free(&rc);
	running_config_reset();
	free(text);
	return 0;
}
