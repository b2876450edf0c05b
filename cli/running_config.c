#include "cli/running_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/config_registry.h"
#include "cli/sysconf.h"

void running_config_build(struct buf *b)
{
	buf_adds(b, "!\n");
	for (const struct config_section *s = config_sections_first(); s; s = s->next)
		s->write(b);
	buf_adds(b, "end\n");
}

void running_config_reset(void)
{
	for (const struct config_section *s = config_sections_first(); s; s = s->next)
		if (s->reset)
			s->reset();
}

static char *path_startup;
static int rejected;
static char *rejected_list;

void startup_set_path(const char *path)
{
	free(path_startup);
	path_startup = path ? strdup(path) : NULL;
}

const char *startup_path(void) { return path_startup; }

void startup_set_rejected(int count, const char *line_list)
{
	rejected = count;
	free(rejected_list);
	rejected_list = line_list ? strdup(line_list) : NULL;
}

int startup_rejected(void) { return rejected; }
const char *startup_rejected_lines(void) { return rejected_list ? rejected_list : ""; }

int startup_write(struct buf *err)
{
	if (!path_startup) {
		buf_adds(err, "% No startup-config file: start ikesh with -f FILE to have one\n");
		return -1;
	}
	struct buf cfg;
	buf_init(&cfg);
	running_config_build(&cfg);
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path_startup, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;
	if (fd >= 0) {
		ssize_t w = write(fd, cfg.p, cfg.len);
		if (w == (ssize_t)cfg.len && fsync(fd) == 0 && close(fd) == 0) {
			fd = -1;
			if (rename(tmp, path_startup) == 0)
				rc = 0;
		}
		if (fd >= 0)
			close(fd);
	}
	if (rc != 0) {
		buf_printf(err, "%% Error writing %s: %s\n", path_startup, strerror(errno));
		unlink(tmp);
	} else {
		startup_set_rejected(0, NULL);
	}
	buf_free(&cfg);
	return rc;
}
