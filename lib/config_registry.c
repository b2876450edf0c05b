#include "lib/config_registry.h"

static struct config_section *sections;

void config_section_register(struct config_section *s)
{
	struct config_section **pp = &sections;
	while (*pp && (*pp)->order <= s->order)
		pp = &(*pp)->next;
	s->next = *pp;
	*pp = s;
}

const struct config_section *config_sections_first(void) { return sections; }
