/* The IKE UDP sockets (see ikev2/runtime_socket.h). */
#include "ikev2/runtime_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ikev2/runtime.h"
#include "ikev2/runtime_dataplane.h"
#include "lib/evloop.h"
#include "lib/log.h"

enum { S_V4_500, S_V4_4500, S_V6_500, S_V6_4500, S_COUNT };

struct sock {
	int fd;
	int family;		/* 4 or 6 */
	uint16_t port;
};

static struct sock socks[S_COUNT] = {
	{-1, 4, IKEV2_PORT}, {-1, 4, IKEV2_NATT_PORT}, {-1, 6, IKEV2_PORT}, {-1, 6, IKEV2_NATT_PORT},
};
static struct ikev2_socket_stats st;
static ikev2_esp_hook esp_hook;
static void *esp_ctx;
/* the data plane's input (ikev2/runtime_dataplane.h): decrypts in place */
static ikev2_esp_input_fn esp_input;
static void (*esp_batch_end)(void *ctx);
static void *esp_input_ctx;

#define RX_MAX 65536

static void on_readable(int fd, uint32_t events, void *arg);

static int open_one(struct sock *s)
{
	int af = s->family == 6 ? AF_INET6 : AF_INET;
	int fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	int rc;
	if (af == AF_INET) {
		rc = setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		/* IKE messages larger than the path MTU are fragmented by IP
		 * (as IOS and strongSwan do when RFC 7383 is off) */
		int pmtu = IP_PMTUDISC_DONT;
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	} else {
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (rc == 0)
			rc = setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		int pmtu = IPV6_PMTUDISC_DONT;
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	}
	if (rc != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
	socklen_t salen;
	memset(&sa, 0, sizeof(sa));
	if (af == AF_INET) {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(s->port);
		sa.v4.sin_addr.s_addr = htonl(INADDR_ANY);
		salen = sizeof(sa.v4);
	} else {
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(s->port);
		sa.v6.sin6_addr = in6addr_any;
		salen = sizeof(sa.v6);
	}
	if (bind(fd, (struct sockaddr *)&sa, salen) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (ev_add_fd(fd, EPOLLIN, on_readable, s) != 0) {
		close(fd);
		return -EIO;
	}
	s->fd = fd;
	return 0;
}

int ikev2_socket_open(void)
{
	int n = 0, errs[S_COUNT] = {0, 0, 0, 0};
	for (int i = 0; i < S_COUNT; i++) {
		struct sock *s = &socks[i];
		if (s->fd >= 0) {
			n++;
			continue;
		}
		errs[i] = open_one(s);
		if (errs[i] == 0)
			n++;
	}
	if (socks[S_V4_500].fd < 0 && socks[S_V6_500].fd < 0) {
		/* without port 500 we can neither initiate nor answer: one
		 * message, not four (e.g. not root) */
		int e = -errs[S_V4_500];
		ikev2_socket_close();
		log_msg(LOG_SEV_ERR, "IKEV2", "SOCKET",
			"Cannot open UDP port 500: %s%s; IKEv2 is not running", strerror(e),
			e == EACCES ? " (needs root or CAP_NET_BIND_SERVICE)" : "");
		return 0;
	}
	for (int i = 0; i < S_COUNT; i++) {
		const struct sock *s = &socks[i];
		int e = -errs[i];
		if (!e || (s->family == 6 && (e == EAFNOSUPPORT || e == EADDRNOTAVAIL)))
			continue; /* no IPv6 here: not worth a message */
		log_msg(LOG_SEV_ERR, "IKEV2", "SOCKET", "Cannot open UDP port %u (IPv%d): %s",
			s->port, s->family, strerror(e));
	}
	return n;
}

void ikev2_socket_close(void)
{
	for (int i = 0; i < S_COUNT; i++) {
		if (socks[i].fd < 0)
			continue;
		ev_del_fd(socks[i].fd);
		close(socks[i].fd);
		socks[i].fd = -1;
	}
}

int ikev2_socket_fd(int family, uint16_t port)
{
	for (int i = 0; i < S_COUNT; i++)
		if (socks[i].family == family && socks[i].port == port)
			return socks[i].fd;
	return -1;
}

void ikev2_socket_set_esp_hook(ikev2_esp_hook hook, void *ctx)
{
	esp_hook = hook;
	esp_ctx = ctx;
}

void ikev2_socket_set_esp_input(ikev2_esp_input_fn fn, void (*batch_end)(void *ctx), void *ctx)
{
	esp_input = fn;
	esp_batch_end = fn ? batch_end : NULL;
	esp_input_ctx = ctx;
}

void ikev2_socket_get_stats(struct ikev2_socket_stats *out)
{
	*out = st;
}

/* ------------------------------------------------------------ receive */

/* What dispatch() would hand to the data plane's ESP input. */
static bool is_esp(const struct sock *s, const uint8_t *d, size_t len)
{
	if (s->port != IKEV2_NATT_PORT || (len == 1 && d[0] == 0xff))
		return false;
	return !(len >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) && len >= 8;
}

/* Returns true when ESP was handed to the data plane's input. */
static bool dispatch(const struct sock *s, const struct ipsec_addr *local,
		     const struct ipsec_addr *remote, uint8_t *d, size_t len)
{
	if (s->port != IKEV2_NATT_PORT) {
		st.rx_ike++;
		ikev2_runtime_input(local, remote, d, len);
		return false;
	}
	if (len == 1 && d[0] == 0xff) {
		st.rx_keepalive++;
		return false;
	}
	if (len >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) {
		st.rx_ike++;
		ikev2_runtime_input(local, remote, d + 4, len - 4);
		return false;
	}
	if (len < 8) { /* ESP: SPI, sequence number at least */
		st.rx_invalid++;
		return false;
	}
	if (esp_input) {
		/* "dropped" here: no SA of the data plane took it */
		if (esp_input(esp_input_ctx, local, remote, d, len))
			st.rx_esp++;
		else
			st.rx_esp_dropped++;
		return true;
	}
	if (esp_hook) {
		st.rx_esp++;
		esp_hook(esp_ctx, local, remote, d, len);
	} else {
		st.rx_esp_dropped++;
	}
	return false;
}

/* Datagrams per recvmmsg(): ESP handed to the data plane stays in its
 * slot until esp_batch_end (the data plane queues decrypted packets to
 * coalesce them), so every slot has its own buffer. */
#define RX_SLOTS 32

static void on_readable(int fd, uint32_t events, void *arg)
{
	(void)events;
	const struct sock *s = arg;
	union ctlbuf {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	};
	union from {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	};
	static uint8_t buf[RX_SLOTS][RX_MAX];
	static struct mmsghdr msg[RX_SLOTS];
	static struct iovec iov[RX_SLOTS];
	static union from from[RX_SLOTS];
	static union ctlbuf ctl[RX_SLOTS];
	for (int budget = 0; budget < 64;) {
		for (int i = 0; i < RX_SLOTS; i++) {
			iov[i] = (struct iovec){buf[i], sizeof(buf[i])};
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_control = ctl[i].b;
			msg[i].msg_hdr.msg_controllen = sizeof(ctl[i].b);
		}
		int r = recvmmsg(fd, msg, RX_SLOTS, MSG_DONTWAIT, NULL);
		if (r <= 0) {
			if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				st.rx_errors++;
			break;
		}
		bool esp = false;
		for (int k = 0; k < r; k++) {
			struct msghdr *mh = &msg[k].msg_hdr;
			size_t n = msg[k].msg_len;
			if (mh->msg_flags & MSG_TRUNC) {
				st.rx_invalid++;
				continue;
			}
			struct ipsec_addr local, remote;
			memset(&local, 0, sizeof(local));
			memset(&remote, 0, sizeof(remote));
			local.port = s->port;
			bool have_local = false;
			for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
					struct in_pktinfo pi;
					memcpy(&pi, CMSG_DATA(c), sizeof(pi));
					local.family = 4;
					memcpy(local.ip, &pi.ipi_addr.s_addr, 4);
					have_local = true;
				} else if (c->cmsg_level == IPPROTO_IPV6 &&
					   c->cmsg_type == IPV6_PKTINFO) {
					struct in6_pktinfo pi;
					memcpy(&pi, CMSG_DATA(c), sizeof(pi));
					local.family = 6;
					memcpy(local.ip, &pi.ipi6_addr, 16);
					have_local = true;
				}
			}
			const union from *f = &from[k];
			if (s->family == 4 && mh->msg_namelen >= sizeof(f->v4) &&
			    f->v4.sin_family == AF_INET) {
				remote.family = 4;
				memcpy(remote.ip, &f->v4.sin_addr.s_addr, 4);
				remote.port = ntohs(f->v4.sin_port);
			} else if (s->family == 6 && mh->msg_namelen >= sizeof(f->v6) &&
				   f->v6.sin6_family == AF_INET6) {
				remote.family = 6;
				memcpy(remote.ip, &f->v6.sin6_addr, 16);
				remote.port = ntohs(f->v6.sin6_port);
			}
			if (!have_local || !remote.family) {
				st.rx_invalid++;
				continue;
			}
			/* IKE may change tunnels: queued ESP goes out first */
			if (esp && esp_batch_end && !is_esp(s, buf[k], n)) {
				esp_batch_end(esp_input_ctx);
				esp = false;
			}
			if (dispatch(s, &local, &remote, buf[k], n))
				esp = true;
		}
		if (esp && esp_batch_end)
			esp_batch_end(esp_input_ctx);
		budget += r;
		if (r < RX_SLOTS)
			break;
	}
}

/* ------------------------------------------------------------ send */

static const struct sock *sock_for(const struct ipsec_addr *local)
{
	for (int i = 0; i < S_COUNT; i++)
		if (socks[i].family == local->family && socks[i].port == local->port)
			return &socks[i];
	/* an unusual local port: the family's port 500 socket */
	for (int i = 0; i < S_COUNT; i++)
		if (socks[i].family == local->family && socks[i].port == IKEV2_PORT)
			return &socks[i];
	return NULL;
}

static int send_iov(const struct ipsec_addr *local, const struct ipsec_addr *remote,
		    struct iovec *iov, int niov)
{
	if (!local || !remote || (local->family != 4 && local->family != 6) ||
	    remote->family != local->family)
		return -EINVAL;
	const struct sock *s = sock_for(local);
	if (!s || s->fd < 0)
		return -ENOTCONN;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to;
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh;
	memset(&to, 0, sizeof(to));
	memset(&ctl, 0, sizeof(ctl));
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &to;
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)niov;
	mh.msg_control = ctl.b;
	struct cmsghdr *c = (struct cmsghdr *)ctl.b;
	bool any_local = true;
	for (int i = 0; i < (local->family == 6 ? 16 : 4); i++)
		if (local->ip[i])
			any_local = false;
	if (local->family == 4) {
		to.v4.sin_family = AF_INET;
		to.v4.sin_port = htons(remote->port);
		memcpy(&to.v4.sin_addr.s_addr, remote->ip, 4);
		mh.msg_namelen = sizeof(to.v4);
		if (!any_local) {
			struct in_pktinfo pi;
			memset(&pi, 0, sizeof(pi));
			memcpy(&pi.ipi_spec_dst.s_addr, local->ip, 4);
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	} else {
		to.v6.sin6_family = AF_INET6;
		to.v6.sin6_port = htons(remote->port);
		memcpy(&to.v6.sin6_addr, remote->ip, 16);
		mh.msg_namelen = sizeof(to.v6);
		if (!any_local) {
			struct in6_pktinfo pi;
			memset(&pi, 0, sizeof(pi));
			memcpy(&pi.ipi6_addr, local->ip, 16);
			mh.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	if (!mh.msg_controllen)
		mh.msg_control = NULL;
	if (sendmsg(s->fd, &mh, 0) < 0) {
		st.tx_errors++;
		return -errno;
	}
	return 0;
}

int ikev2_socket_send(const struct ipsec_addr *local, const struct ipsec_addr *remote,
		      const uint8_t *data, size_t len)
{
	static const uint8_t marker[4] = {0, 0, 0, 0};
	struct iovec iov[2];
	int n = 0;
	if (local && local->port == IKEV2_NATT_PORT)
		iov[n++] = (struct iovec){(void *)marker, sizeof(marker)};
	iov[n++] = (struct iovec){(void *)data, len};
	int rc = send_iov(local, remote, iov, n);
	if (rc == 0)
		st.tx_ike++;
	return rc;
}

int ikev2_socket_send_raw(const struct ipsec_addr *local, const struct ipsec_addr *remote,
			  const uint8_t *data, size_t len)
{
	struct iovec iov = {(void *)data, len};
	return send_iov(local, remote, &iov, 1);
}

void ikev2_socket_keepalive(const struct ipsec_addr *local, const struct ipsec_addr *remote)
{
	static const uint8_t ka = 0xff;
	struct ipsec_addr l = *local;
	l.port = IKEV2_NATT_PORT;
	struct iovec iov = {(void *)&ka, 1};
	if (send_iov(&l, remote, &iov, 1) == 0)
		st.tx_keepalive++;
}
