/* Which IPsec data plane carries the SAs: userspace ESP (TUN + UDP 4500),
 * the kernel's XFRM, or none (--offline). */
#ifndef IKESH_IPSEC_DATAPLANE_H
#define IKESH_IPSEC_DATAPLANE_H

enum dataplane_kind { DATAPLANE_NONE, DATAPLANE_USERSPACE, DATAPLANE_KERNEL };

/* "auto", "userspace" or "kernel"; returns -1 for an unknown name. auto picks
 * the kernel when it has ESP, else userspace. */
int dataplane_select(const char *name, int offline);
enum dataplane_kind dataplane_kind(void);
const char *dataplane_name(void);
/* Does the running kernel implement ESP?  Probed once by installing a test
 * SA in a throw-away network namespace (ipsec/backend_xfrm.h). */
int dataplane_kernel_has_esp(void);

#endif
