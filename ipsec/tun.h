/*
 * TUN devices for the userspace data plane: one per tunnel interface
 * (Tunnel0 -> "Tu0", Virtual-Access3 -> "Vi3").  The device carries bare
 * IP packets (IFF_TUN | IFF_NO_PI): what tun_read() returns goes to
 * userspace_output(), what userspace_input() delivers goes to tun_write().
 *
 * MTU and up/down are set with ioctls on the device name; addresses,
 * routes and the VRF master through rtnetlink (libnl-route-3).  All
 * functions act in the network namespace of the calling thread (the
 * device fd itself stays bound to the namespace it was created in).
 * Every function returns 0 (or a length) on success and a negative errno
 * value on failure.  Needs CAP_NET_ADMIN.
 */
#ifndef IKESH_IPSEC_TUN_H
#define IKESH_IPSEC_TUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* tun_open() flags */
#define TUN_F_NONBLOCK    0x1u	/* O_NONBLOCK on the fd (event loop) */
#define TUN_F_MULTI_QUEUE 0x2u	/* IFF_MULTI_QUEUE: more fds with tun_open_queue() */
#define TUN_F_VNET_HDR    0x4u	/* IFF_VNET_HDR: a struct virtio_net_hdr precedes
				 * each packet read (ipsec/gso.h) */
#define TUN_F_PERSIST     0x8u	/* TUNSETPERSIST: the device outlives the fd */
#define TUN_F_OFFLOAD     0x10u	/* TUN_F_VNET_HDR and TUNSETOFFLOAD: the kernel
				 * hands over TCP super-packets (TSO4/6) and
				 * partial checksums (ipsec/gso.h) */

struct tun_dev {
	int fd;			/* -1 when closed */
	int ifindex;
	char name[IFNAMSIZ];	/* the Linux name the kernel gave */
	unsigned flags;		/* TUN_F_* it was opened with */
};

/*
 * The Linux name of an IOS interface: the abbreviation IOS uses in
 * "show ip interface brief" style output, then the unit: "Tunnel0" ->
 * "Tu0", "Virtual-Access3" -> "Vi3", "Virtual-Template1" -> "Vt1",
 * "Loopback0" -> "Lo0" (case-insensitive; "/" becomes "_", as Linux
 * names cannot hold it).  -EINVAL for an unknown type or bad unit,
 * -ENAMETOOLONG if it does not fit IFNAMSIZ or out_size.
 */
int tun_linux_name(const char *ios_name, char *out, size_t out_size);

/* Create (or attach to) the TUN device `name` ("" lets the kernel pick
 * "tunN").  Fills *t; on failure t->fd is -1. */
int tun_open(struct tun_dev *t, const char *name, unsigned flags);
/* Another queue of a TUN_F_MULTI_QUEUE device: returns the new fd. */
int tun_open_queue(const struct tun_dev *t);
/* Close the fd: a device without TUN_F_PERSIST disappears. */
void tun_close(struct tun_dev *t);
/* Delete a persistent device (clears TUNSETPERSIST, then closes). */
int tun_destroy(struct tun_dev *t);

int tun_set_mtu(const struct tun_dev *t, unsigned mtu);
int tun_get_mtu(const struct tun_dev *t);			/* MTU or -errno */
int tun_set_up(const struct tun_dev *t, bool up);
int tun_is_up(const struct tun_dev *t);				/* 1, 0 or -errno */
/* Enslave to a VRF device (master ifindex), 0 to release. */
int tun_set_master(const struct tun_dev *t, int master_ifindex);

/* Address family AF_INET / AF_INET6, addr 4 / 16 octets, prefix length.
 * peer (may be NULL): point-to-point peer address. */
int tun_addr_add(const struct tun_dev *t, int family, const void *addr, unsigned plen,
		 const void *peer);
int tun_addr_del(const struct tun_dev *t, int family, const void *addr, unsigned plen);

/* A route to dst/plen through the device (table 0 = main; metric 0 =
 * none), e.g. "ip route 203.0.113.0 255.255.255.0 Tunnel0". */
int tun_route_add(const struct tun_dev *t, int family, const void *dst, unsigned plen,
		  uint32_t table, uint32_t metric);
int tun_route_del(const struct tun_dev *t, int family, const void *dst, unsigned plen,
		  uint32_t table, uint32_t metric);

/* Transmit queue length of the device (packets; the kernel's default is
 * 500).  With offloads one entry is a whole TCP super-packet. */
int tun_set_txqlen(const struct tun_dev *t, unsigned qlen);

/* One packet.  read: its length, -EAGAIN (non-blocking, nothing there),
 * -EMSGSIZE never (a too-short buffer truncates: size it to MTU).  On a
 * TUN_F_VNET_HDR device what is read starts with the 10-octet virtio-net
 * header (ipsec/gso.h: gso_get_vnet()).  tun_write() writes one IP packet
 * (it adds an empty virtio-net header itself when the device has them);
 * returns len. */
ssize_t tun_read(const struct tun_dev *t, uint8_t *buf, size_t size);
ssize_t tun_write(const struct tun_dev *t, const uint8_t *pkt, size_t len);
struct gso_info;
/* Write one packet gathered from iov[0..n), n <= TUN_IOV_MAX, with the
 * virtio-net header h (NULL: an empty one) to a TUN_F_VNET_HDR device,
 * e.g. a GSO packet coalesced from several segments.  Returns the packet
 * length. */
#define TUN_IOV_MAX 127u
ssize_t tun_write_gso(const struct tun_dev *t, const struct gso_info *h,
		      const struct iovec *iov, unsigned n);

#endif
