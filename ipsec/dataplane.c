#include "ipsec/dataplane.h"

#include <string.h>

#include "ipsec/backend_xfrm.h"

static enum dataplane_kind selected = DATAPLANE_NONE;

int dataplane_kernel_has_esp(void)
{
	/* XFRM netlink alone (as on hosts without esp4) is not enough, and
	 * /sys/module/esp4 exists only once the module was loaded: install a
	 * real ESP SA in a throw-away network namespace (autoloads esp4). */
	static int cached = -1;
	if (cached < 0)
		cached = xfrm_kernel_esp_works();
	return cached;
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
