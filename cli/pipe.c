#include "cli/pipe.h"

#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct linev {
	const char *s;
	size_t len;
};

static bool line_matches(regex_t *re, const struct linev *l)
{
	char tmp[4096];
	size_t n = l->len < sizeof tmp - 1 ? l->len : sizeof tmp - 1;
	memcpy(tmp, l->s, n);
	tmp[n] = 0;
	return regexec(re, tmp, 0, NULL, 0) == 0;
}

static bool indented(const struct linev *l) { return l->len > 0 && l->s[0] == ' '; }

static void add_line(struct buf *out, const struct linev *l)
{
	buf_add(out, l->s, l->len);
	buf_addc(out, '\n');
}

int pipe_filter(const char *kind, const char *regex, const char *text, struct buf *out)
{
	regex_t re;
	int rc = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &re, msg, sizeof msg);
		buf_printf(out, "%% Invalid regular expression \"%s\": %s\n", regex, msg);
		return -1;
	}
	/* Split into lines once. */
	size_t cap = 64, n = 0;
	struct linev *lines = malloc(cap * sizeof *lines);
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (n == cap) {
			cap *= 2;
			lines = realloc(lines, cap * sizeof *lines);
		}
		lines[n++] = (struct linev){ p, len };
		p += len + (e ? 1 : 0);
	}
	if (strcmp(kind, "include") == 0 || strcmp(kind, "exclude") == 0) {
		bool want = kind[0] == 'i';
		for (size_t i = 0; i < n; i++)
			if (line_matches(&re, &lines[i]) == want)
				add_line(out, &lines[i]);
	} else if (strcmp(kind, "begin") == 0) {
		size_t i = 0;
		while (i < n && !line_matches(&re, &lines[i]))
			i++;
		for (; i < n; i++)
			add_line(out, &lines[i]);
	} else if (strcmp(kind, "count") == 0) {
		size_t c = 0;
		for (size_t i = 0; i < n; i++)
			c += line_matches(&re, &lines[i]);
		buf_printf(out, "Number of lines which match regexp = %zu\n", c);
	} else if (strcmp(kind, "section") == 0) {
		/* A section is a line and the indented lines under it: shown whole
		 * when its first line matches, else only its matching children (with
		 * the first line as context). */
		for (size_t i = 0; i < n;) {
			size_t j = i + 1;
			while (j < n && indented(&lines[j]))
				j++;
			if (line_matches(&re, &lines[i])) {
				for (size_t k = i; k < j; k++)
					add_line(out, &lines[k]);
			} else {
				bool head = false;
				for (size_t k = i + 1; k < j; k++)
					if (line_matches(&re, &lines[k])) {
						if (!head)
							add_line(out, &lines[i]);
						head = true;
						add_line(out, &lines[k]);
					}
			}
			i = j;
		}
	}
	free(lines);
	regfree(&re);
	return 0;
}
