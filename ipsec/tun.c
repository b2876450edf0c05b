/*
 * TUN devices: open, MTU, up/down, addresses, routes (see ipsec/tun.h).
 */
#include "ipsec/tun.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipsec/gso.h"

#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

/* ------------------------------------------------------------ names */

static const struct {
	const char *ios, *linux_;
} name_map[] = {
	{"Tunnel", "Tu"},
	{"Virtual-Access", "Vi"},
	{"Virtual-Template", "Vt"},
	{"Loopback", "Lo"},
};

int tun_linux_name(const char *ios, char *out, size_t out_size)
{
	if (!ios || !out || out_size == 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(name_map) / sizeof(name_map[0]); i++) {
		size_t n = strlen(name_map[i].ios);
		if (strncasecmp(ios, name_map[i].ios, n) != 0)
			continue;
		const char *unit = ios + n;
		while (*unit == ' ')
			unit++;
		if (!isdigit((unsigned char)*unit))
			return -EINVAL;
		char buf[IFNAMSIZ + 1];
		size_t len = strlen(name_map[i].linux_);
		memcpy(buf, name_map[i].linux_, len);
		for (const char *p = unit; *p; p++) {
			char c = *p;
			if (c == '/')
				c = '_';
			else if (!isdigit((unsigned char)c) && c != '.')
				return -EINVAL;
			if (len >= IFNAMSIZ - 1)
				return -ENAMETOOLONG;
			buf[len++] = c;
		}
		buf[len] = '\0';
		if (len + 1 > out_size)
			return -ENAMETOOLONG;
		memcpy(out, buf, len + 1);
		return 0;
	}
	return -EINVAL;
}

/* ------------------------------------------------------------ device */

static int tun_attach(const char *name, unsigned flags, char *out_name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (flags & TUN_F_MULTI_QUEUE)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (flags & (TUN_F_VNET_HDR | TUN_F_OFFLOAD))
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (name)
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	/* CSUM: packets may come with a partial checksum; TSO4/6: TCP
	 * super-packets up to 64 KB, segmented by the reader (ipsec/gso.h) */
	if ((flags & TUN_F_OFFLOAD) &&
	    ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (flags & TUN_F_NONBLOCK) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			int e = -errno;
			close(fd);
			return e;
		}
	}
	if (out_name)
		snprintf(out_name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

int tun_open(struct tun_dev *t, const char *name, unsigned flags)
{
	if (!t)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (name && strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	int fd = tun_attach(name, flags, t->name);
	if (fd < 0)
		return fd;
	if ((flags & TUN_F_PERSIST) && ioctl(fd, TUNSETPERSIST, 1) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	t->ifindex = (int)if_nametoindex(t->name);
	if (t->ifindex == 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	t->fd = fd;
	t->flags = flags;
	return 0;
}

int tun_open_queue(const struct tun_dev *t)
{
	if (!t || t->fd < 0 || !(t->flags & TUN_F_MULTI_QUEUE))
		return -EINVAL;
	return tun_attach(t->name, t->flags, NULL);
}

void tun_close(struct tun_dev *t)
{
	if (t && t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
}

int tun_destroy(struct tun_dev *t)
{
	if (!t || t->fd < 0)
		return -EINVAL;
	int rc = ioctl(t->fd, TUNSETPERSIST, 0) < 0 ? -errno : 0;
	tun_close(t);
	return rc;
}

/* ------------------------------------------------------------ ioctls */

static int ifreq_ioctl(const struct tun_dev *t, unsigned long req, struct ifreq *ifr)
{
	if (!t || !t->name[0])
		return -EINVAL;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", t->name);
	int rc = ioctl(s, req, ifr) < 0 ? -errno : 0;
	close(s);
	return rc;
}

int tun_set_mtu(const struct tun_dev *t, unsigned mtu)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	if (mtu < 68 || mtu > 65535)
		return -EINVAL;
	ifr.ifr_mtu = (int)mtu;
	return ifreq_ioctl(t, SIOCSIFMTU, &ifr);
}

int tun_get_mtu(const struct tun_dev *t)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	int rc = ifreq_ioctl(t, SIOCGIFMTU, &ifr);
	return rc < 0 ? rc : ifr.ifr_mtu;
}

int tun_set_up(const struct tun_dev *t, bool up)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	int rc = ifreq_ioctl(t, SIOCGIFFLAGS, &ifr);
	if (rc < 0)
		return rc;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ifreq_ioctl(t, SIOCSIFFLAGS, &ifr);
}

int tun_set_txqlen(const struct tun_dev *t, unsigned qlen)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	if (qlen == 0 || qlen > 1000000)
		return -EINVAL;
	ifr.ifr_qlen = (int)qlen;
	return ifreq_ioctl(t, SIOCSIFTXQLEN, &ifr);
}

int tun_is_up(const struct tun_dev *t)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	int rc = ifreq_ioctl(t, SIOCGIFFLAGS, &ifr);
	return rc < 0 ? rc : (ifr.ifr_flags & IFF_UP) != 0;
}

/* ------------------------------------------------------------ rtnetlink */

static int nl_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_PERM: return -EPERM;
	case NLE_NODEV: return -ENODEV;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_BUSY: return -EBUSY;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	}
	return -EIO;
}

static struct nl_sock *nl_open(int *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk) {
		*err = -ENOMEM;
		return NULL;
	}
	int rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(sk);
		*err = nl_to_errno(rc);
		return NULL;
	}
	return sk;
}

static struct nl_addr *mk_addr(int family, const void *a, unsigned plen)
{
	size_t n = family == AF_INET6 ? 16 : 4;
	if ((family != AF_INET && family != AF_INET6) || !a || plen > n * 8)
		return NULL;
	struct nl_addr *na = nl_addr_build(family, a, n);
	if (na)
		nl_addr_set_prefixlen(na, (int)plen);
	return na;
}

static int addr_op(const struct tun_dev *t, int family, const void *addr, unsigned plen,
		   const void *peer, bool add)
{
	if (!t || t->ifindex <= 0)
		return -EINVAL;
	struct nl_addr *local = mk_addr(family, addr, plen);
	if (!local)
		return -EINVAL;
	int rc = -ENOMEM;
	struct nl_sock *sk = NULL;
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *pa = NULL;
	if (!ra)
		goto out;
	rtnl_addr_set_ifindex(ra, t->ifindex);
	rtnl_addr_set_family(ra, family);
	if ((rc = nl_to_errno(rtnl_addr_set_local(ra, local))) < 0)
		goto out;
	if (peer) {
		pa = mk_addr(family, peer, plen);
		if (!pa || (rc = nl_to_errno(rtnl_addr_set_peer(ra, pa))) < 0) {
			rc = pa ? rc : -EINVAL;
			goto out;
		}
	}
	rtnl_addr_set_prefixlen(ra, (int)plen);
	if (!(sk = nl_open(&rc)))
		goto out;
	rc = nl_to_errno(add ? rtnl_addr_add(sk, ra, 0) : rtnl_addr_delete(sk, ra, 0));
out:
	if (sk)
		nl_socket_free(sk);
	if (ra)
		rtnl_addr_put(ra);
	nl_addr_put(local);
	if (pa)
		nl_addr_put(pa);
	return rc;
}

int tun_addr_add(const struct tun_dev *t, int family, const void *addr, unsigned plen,
		 const void *peer)
{
	return addr_op(t, family, addr, plen, peer, true);
}

int tun_addr_del(const struct tun_dev *t, int family, const void *addr, unsigned plen)
{
	return addr_op(t, family, addr, plen, NULL, false);
}

static int route_op(const struct tun_dev *t, int family, const void *dst, unsigned plen,
		    uint32_t table, uint32_t metric, bool add)
{
	if (!t || t->ifindex <= 0)
		return -EINVAL;
	struct nl_addr *d = mk_addr(family, dst, plen);
	if (!d)
		return -EINVAL;
	int rc = -ENOMEM;
	struct nl_sock *sk = NULL;
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = NULL;
	if (!r)
		goto out;
	rtnl_route_set_family(r, (uint8_t)family);
	if ((rc = nl_to_errno(rtnl_route_set_dst(r, d))) < 0)
		goto out;
	rtnl_route_set_table(r, table ? table : RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_type(r, RTN_UNICAST);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	if (metric)
		rtnl_route_set_priority(r, metric);
	nh = rtnl_route_nh_alloc();
	if (!nh) {
		rc = -ENOMEM;
		goto out;
	}
	rtnl_route_nh_set_ifindex(nh, t->ifindex);
	rtnl_route_add_nexthop(r, nh);	/* the route owns it now */
	if (!(sk = nl_open(&rc)))
		goto out;
	rc = nl_to_errno(add ? rtnl_route_add(sk, r, NLM_F_EXCL) : rtnl_route_delete(sk, r, 0));
out:
	if (sk)
		nl_socket_free(sk);
	if (r)
		rtnl_route_put(r);
	nl_addr_put(d);
	return rc;
}

int tun_route_add(const struct tun_dev *t, int family, const void *dst, unsigned plen,
		  uint32_t table, uint32_t metric)
{
	return route_op(t, family, dst, plen, table, metric, true);
}

int tun_route_del(const struct tun_dev *t, int family, const void *dst, unsigned plen,
		  uint32_t table, uint32_t metric)
{
	return route_op(t, family, dst, plen, table, metric, false);
}

int tun_set_master(const struct tun_dev *t, int master_ifindex)
{
	if (!t || t->ifindex <= 0 || master_ifindex < 0)
		return -EINVAL;
	int rc = -ENOMEM;
	struct nl_sock *sk = NULL;
	struct rtnl_link *orig = rtnl_link_alloc(), *chg = rtnl_link_alloc();
	if (!orig || !chg)
		goto out;
	rtnl_link_set_ifindex(orig, t->ifindex);
	rtnl_link_set_master(chg, master_ifindex);
	if (!(sk = nl_open(&rc)))
		goto out;
	rc = nl_to_errno(rtnl_link_change(sk, orig, chg, 0));
out:
	if (sk)
		nl_socket_free(sk);
	if (orig)
		rtnl_link_put(orig);
	if (chg)
		rtnl_link_put(chg);
	return rc;
}

/* ------------------------------------------------------------ I/O */

ssize_t tun_read(const struct tun_dev *t, uint8_t *buf, size_t size)
{
	if (!t || t->fd < 0 || !buf)
		return -EINVAL;
	for (;;) {
		ssize_t n = read(t->fd, buf, size);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

ssize_t tun_write_gso(const struct tun_dev *t, const struct gso_info *h,
		      const struct iovec *iov, unsigned n)
{
	if (!t || t->fd < 0 || !iov || n == 0 || n > TUN_IOV_MAX ||
	    !(t->flags & (TUN_F_VNET_HDR | TUN_F_OFFLOAD)))
		return -EINVAL;
	struct iovec v[TUN_IOV_MAX + 1];
	uint8_t hdr[GSO_VNET_HDR_LEN] = {0};
	if (h)
		gso_put_vnet(hdr, h);
	v[0] = (struct iovec){hdr, sizeof(hdr)};
	memcpy(v + 1, iov, n * sizeof(*iov));
	for (;;) {
		ssize_t r = writev(t->fd, v, (int)n + 1);
		if (r >= (ssize_t)sizeof(hdr))
			return r - (ssize_t)sizeof(hdr);
		if (r >= 0)
			return -EIO;
		if (errno != EINTR)
			return -errno;
	}
}

ssize_t tun_write(const struct tun_dev *t, const uint8_t *pkt, size_t len)
{
	if (!t || t->fd < 0 || !pkt)
		return -EINVAL;
	if (t->flags & (TUN_F_VNET_HDR | TUN_F_OFFLOAD)) {
		struct iovec iov = {(void *)pkt, len};
		return tun_write_gso(t, NULL, &iov, 1);
	}
	for (;;) {
		ssize_t n = write(t->fd, pkt, len);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}
