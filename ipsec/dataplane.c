#include "ipsec/dataplane.h"

#include <string.h>
#include <unistd.h>

static enum dataplane_kind selected = DATAPLANE_NONE;

int dataplane_kernel_has_esp(void)
{
	/* esp4 shows up in /sys/module when loaded or built in; XFRM netlink
	 * alone (as on hosts without ESP) is not enough. */
	return access("/sys/module/esp4", F_OK) == 0;
}

int dataplane_select(const char *name, int offline)
{
	if (offline) {
		selected = DATAPLANE_NONE;
		return 0;
	}
	if (!name || strcmp(name, "auto") == 0)
		selected = dataplane_kernel_has_esp() ? DATAPLANE_KERNEL : DATAPLANE_USERSPACE;
	else if (strcmp(name, "userspace") == 0)
		selected = DATAPLANE_USERSPACE;
	else if (strcmp(name, "kernel") == 0)
		selected = DATAPLANE_KERNEL;
	else
		return -1;
	return 0;
}

enum dataplane_kind dataplane_kind(void) { return selected; }

const char *dataplane_name(void)
{
	switch (selected) {
	case DATAPLANE_USERSPACE: return "userspace (TUN, ESP in UDP 4500)";
	case DATAPLANE_KERNEL: return "kernel (XFRM)";
	default: return "none (offline)";
	}
}
