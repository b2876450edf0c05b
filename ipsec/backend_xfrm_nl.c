/*
 * Netlink plumbing of the kernel data plane (ipsec/backend_xfrm.h): one
 * request/reply exchange on an XFRM socket, and the ESP probe for
 * "--dataplane auto".
 */
#include "ipsec/backend_xfrm_int.h"

#include <errno.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipsec/config.h"
#include "ipsec/xfrm_msg.h"

struct reply {
	int err;			/* negative errno from NLMSG_ERROR */
	bool got;			/* a data message arrived */
	bool done;			/* the ack or the error arrived */
	int (*parse)(struct nlmsghdr *h, void *arg);
	void *arg;
};

static int on_valid(struct nl_msg *m, void *arg)
{
	struct reply *r = arg;
	if (r->parse && !r->got)
		r->err = r->parse(nlmsg_hdr(m), r->arg);
	r->got = true;
	/* every request carries NLM_F_ACK (libnl adds it): read on to the
	 * ack, or it would be taken as the answer to the next request */
	return NL_OK;
}

static int on_ack(struct nl_msg *m, void *arg)
{
	(void)m;
	((struct reply *)arg)->done = true;
	return NL_STOP;
}

static int on_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	struct reply *r = arg;
	r->err = e->error;	/* already negative */
	r->done = true;
	return NL_STOP;
}

int xfrm_nl_transact(struct nl_sock *sk, struct nl_msg *m,
		     int (*parse)(struct nlmsghdr *h, void *arg), void *arg)
{
	struct reply r = {0, false, false, parse, arg};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_err, &r);
	int rc = nl_send_auto(sk, m);
	/* the message may carry keys */
	memset(nlmsg_hdr(m), 0, nlmsg_hdr(m)->nlmsg_len);
	nlmsg_free(m);
	if (rc < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	/* nl_recvmsgs() returns after each datagram of a non-multipart
	 * answer: a reply and its ack come in two */
	do
		rc = nl_recvmsgs(sk, cb);
	while (rc >= 0 && !r.done);
	nl_cb_put(cb);
	if (r.err)
		return r.err;
	if (rc < 0)
		return -EIO;
	if (parse && !r.got)
		return -ENOMSG;
	return 0;
}

struct nl_sock *xfrm_nl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	if (nl_connect(sk, NETLINK_XFRM) < 0) {
		nl_socket_free(sk);
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	return sk;
}

/* ------------------------------------------------------------ ESP probe */

/* In the child: a test SA in a fresh netns (gone when the child exits). */
static int probe_child(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return 2;
	struct nl_sock *sk = xfrm_nl_open();
	if (!sk)
		return 3;
	struct ipsec_sa_params p;
	memset(&p, 0, sizeof(p));
	p.key.src.family = p.key.dst.family = 4;
	memcpy(p.key.src.ip, "\xc0\x00\x02\x01", 4);	/* 192.0.2.1 */
	memcpy(p.key.dst.ip, "\xc0\x00\x02\x02", 4);
	p.key.spi = 0xc0de0001;
	p.key.proto = IPSEC_PROTO_ESP;
	p.encr = IPSEC_IANA_ENCR_AES_GCM_16;
	p.encr_keybits = 128;
	p.encr_key_len = 20;
	p.replay_window = 32;
	struct nl_msg *m;
	int rc = xfrm_msg_sa(&p, 0, false, &m);
	if (rc == 0)
		rc = xfrm_nl_transact(sk, m, NULL, NULL);
	nl_socket_free(sk);
	return rc == 0 ? 0 : 1;
}

int xfrm_kernel_esp_works(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(probe_child());
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
