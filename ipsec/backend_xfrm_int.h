/* Internals shared by ipsec/backend_xfrm*.c. */
#ifndef IKESH_IPSEC_BACKEND_XFRM_INT_H
#define IKESH_IPSEC_BACKEND_XFRM_INT_H

#include <stdbool.h>

#include "ipsec/backend_xfrm.h"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

/* An XFRM netlink socket (blocking), NULL with errno. */
struct nl_sock *xfrm_nl_open(void);
/* Send m (freed and wiped here) and wait for the answer: an ack (0), an
 * error (negative errno), or a data message given to parse (whose result
 * is returned; -ENOMSG when parse is set and none came). */
int xfrm_nl_transact(struct nl_sock *sk, struct nl_msg *m,
		     int (*parse)(struct nlmsghdr *h, void *arg), void *arg);

#endif
