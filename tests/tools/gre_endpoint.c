/*
 * gre-endpoint: a GRE/IPv4 tunnel end in userspace, standing in for the
 * Linux "gre" link type on a kernel that has none (test tool for
 * tests/scenario/ikesh_strongswan_gre.sh).
 *
 *   gre-endpoint --dev gre1 --local 192.0.2.2 --remote 192.0.2.1
 *
 * It creates the TUN device DEV (IFF_TUN | IFF_NO_PI; the caller adds its
 * address, MTU and routes with ip) and a raw IPv4 socket for protocol 47
 * bound to LOCAL and connected to REMOTE, then forwards:
 *   TUN -> [GRE: no checksum/key/sequence, protocol 0x0800] -> raw socket
 *   raw socket (IP header included) -> checks -> inner packet -> TUN
 * The kernel builds the delivery header (LOCAL -> REMOTE, protocol 47) and
 * routes it; policy routing may send it into an IPsec device.
 *
 * It is written independently of ikesh's ipsec/gre.c so that it checks
 * ikesh rather than agreeing with it.  Everything read from the network is
 * validated; what is refused is counted by reason and printed on SIGUSR1
 * and at exit (SIGTERM, SIGINT) to stderr:
 *   gre-endpoint: tx N rx N drops: REASON=N ...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define GRE_PROTO 47
#define GRE_HLEN 4
#define ETH_P_IPV4 0x0800
#define BUF_LEN 65536
#define BATCH 64	/* packets per readable descriptor and wake-up */

enum drop {
	D_OUTER_SHORT,	/* datagram shorter than an IPv4 header */
	D_OUTER_HDR,	/* not IPv4, bad IHL or total length */
	D_OUTER_PROTO,	/* not protocol 47 */
	D_OUTER_FRAG,	/* a fragment (the kernel reassembles; never expected) */
	D_OUTER_SRC,	/* not from --remote */
	D_OUTER_DST,	/* not to --local */
	D_GRE_SHORT,	/* shorter than the GRE header */
	D_GRE_FLAGS,	/* checksum/key/sequence/reserved bits or version set */
	D_GRE_PROTO,	/* protocol type not 0x0800 */
	D_INNER,	/* payload not a whole IPv4 packet */
	D_TUN_WRITE,	/* write to the TUN failed */
	D_TUN_NOT_IPV4,	/* the TUN gave something else than IPv4 */
	D_SEND,		/* send on the raw socket failed */
	D_SOCK_ERR,	/* an ICMP error reported on the raw socket (SO_ERROR) */
	D_COUNT
};

static const char *const drop_name[D_COUNT] = {
	[D_OUTER_SHORT] = "outer-short", [D_OUTER_HDR] = "outer-header",
	[D_OUTER_PROTO] = "outer-proto", [D_OUTER_FRAG] = "outer-fragment",
	[D_OUTER_SRC] = "outer-source",	 [D_OUTER_DST] = "outer-destination",
	[D_GRE_SHORT] = "gre-short",	 [D_GRE_FLAGS] = "gre-flags",
	[D_GRE_PROTO] = "gre-proto",	 [D_INNER] = "inner-not-ipv4",
	[D_TUN_WRITE] = "tun-write",	 [D_TUN_NOT_IPV4] = "tun-not-ipv4",
	[D_SEND] = "send",		 [D_SOCK_ERR] = "socket-error",
};

struct stats {
	unsigned long long tx, rx, drops[D_COUNT];
};

static volatile sig_atomic_t stop_flag, report_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_report(int sig)
{
	(void)sig;
	report_flag = 1;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void print_stats(const struct stats *s)
{
	fprintf(stderr, "gre-endpoint: tx %llu rx %llu drops:", s->tx, s->rx);
	for (int i = 0; i < D_COUNT; i++)
		fprintf(stderr, " %s=%llu", drop_name[i], s->drops[i]);
	fputc('\n', stderr);
	fflush(stderr);
}

static void usage(void)
{
	fprintf(stderr, "usage: gre-endpoint --dev NAME --local IPV4 --remote IPV4\n");
	exit(2);
}

/* A whole IPv4 packet of exactly len octets (IHL, total length): 0/-1. */
static int ipv4_whole(const uint8_t *p, size_t len, size_t *ihl_out)
{
	if (len < 20 || p[0] >> 4 != 4)
		return -1;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	size_t tot = be16(p + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return -1;
	if (ihl_out)
		*ihl_out = ihl;
	return 0;
}

/*
 * One datagram from the raw socket (IPv4 header included): the offset and
 * length of the inner packet, or the reason to drop it.
 */
static int gre_in(const uint8_t *p, size_t len, struct in_addr local, struct in_addr remote,
		  size_t *off, size_t *inner_len)
{
	if (len < 20)
		return D_OUTER_SHORT;
	size_t ihl;
	if (ipv4_whole(p, len, &ihl) != 0)
		return D_OUTER_HDR;
	size_t tot = be16(p + 2);
	if (p[9] != GRE_PROTO)
		return D_OUTER_PROTO;
	if ((be16(p + 6) & 0x3fff) != 0)	/* MF or a fragment offset */
		return D_OUTER_FRAG;
	if (memcmp(p + 12, &remote, 4) != 0)
		return D_OUTER_SRC;
	if (memcmp(p + 16, &local, 4) != 0)
		return D_OUTER_DST;
	const uint8_t *g = p + ihl;
	size_t glen = tot - ihl;
	if (glen < GRE_HLEN)
		return D_GRE_SHORT;
	/* RFC 2784: C, reserved0 (incl. RFC 2890 K/S) and version all zero */
	if (be16(g) != 0)
		return D_GRE_FLAGS;
	if (be16(g + 2) != ETH_P_IPV4)
		return D_GRE_PROTO;
	if (ipv4_whole(g + GRE_HLEN, glen - GRE_HLEN, NULL) != 0)
		return D_INNER;
	*off = ihl + GRE_HLEN;
	*inner_len = be16(g + GRE_HLEN + 2);	/* trimmed to its total length */
	return -1;
}

static int tun_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		perror("gre-endpoint: /dev/net/tun");
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("gre-endpoint: TUNSETIFF");
		close(fd);
		return -1;
	}
	return fd;
}

static int raw_open(struct in_addr local, struct in_addr remote)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, GRE_PROTO);
	if (fd < 0) {
		perror("gre-endpoint: raw socket");
		return -1;
	}
	/* room for a TCP burst: the scenario checks that nothing is dropped */
	int rcv = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = local };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("gre-endpoint: bind");
		close(fd);
		return -1;
	}
	sa.sin_addr = remote;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("gre-endpoint: connect");
		close(fd);
		return -1;
	}
	return fd;
}

/* TUN -> GRE -> raw socket, up to BATCH packets */
static void pump_out(int tun, int raw, uint8_t *buf, struct stats *st)
{
	for (int i = 0; i < BATCH; i++) {
		ssize_t n = read(tun, buf + GRE_HLEN, BUF_LEN - GRE_HLEN);
		if (n < 0)
			return;	/* EAGAIN, or the device went away (poll reports it) */
		if (ipv4_whole(buf + GRE_HLEN, (size_t)n, NULL) != 0) {
			st->drops[D_TUN_NOT_IPV4]++;
			continue;
		}
		buf[0] = buf[1] = 0;
		buf[2] = ETH_P_IPV4 >> 8;
		buf[3] = ETH_P_IPV4 & 0xff;
		if (send(raw, buf, (size_t)n + GRE_HLEN, 0) < 0)
			st->drops[D_SEND]++;
		else
			st->tx++;
	}
}

/* raw socket -> checks -> TUN, up to BATCH datagrams */
static void pump_in(int raw, int tun, uint8_t *buf, struct in_addr local, struct in_addr remote,
		    struct stats *st)
{
	for (int i = 0; i < BATCH; i++) {
		ssize_t n = recv(raw, buf, BUF_LEN, 0);
		if (n < 0)
			return;
		size_t off = 0, len = 0;
		int why = gre_in(buf, (size_t)n, local, remote, &off, &len);
		if (why >= 0) {
			st->drops[why]++;
			continue;
		}
		if (write(tun, buf + off, len) != (ssize_t)len)
			st->drops[D_TUN_WRITE]++;
		else
			st->rx++;
	}
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *ls = NULL, *rs = NULL;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--dev"))
			dev = argv[++i];
		else if (!strcmp(argv[i], "--local"))
			ls = argv[++i];
		else if (!strcmp(argv[i], "--remote"))
			rs = argv[++i];
		else
			usage();
	}
	struct in_addr local, remote;
	if (!dev || !ls || !rs || strlen(dev) == 0 || strlen(dev) >= IFNAMSIZ ||
	    inet_pton(AF_INET, ls, &local) != 1 || inet_pton(AF_INET, rs, &remote) != 1)
		usage();

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;	/* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_report;
	sigaction(SIGUSR1, &sa, NULL);

	int tun = tun_open(dev);
	if (tun < 0)
		return 1;
	int raw = raw_open(local, remote);
	if (raw < 0)
		return 1;
	uint8_t *buf = malloc(BUF_LEN);
	if (!buf)
		return 1;
	fprintf(stderr, "gre-endpoint: %s up, %s -> %s\n", dev, ls, rs);
	fflush(stderr);

	struct stats st;
	memset(&st, 0, sizeof(st));
	int rc = 0;
	while (!stop_flag) {
		if (report_flag) {
			report_flag = 0;
			print_stats(&st);
		}
		struct pollfd pf[2] = { { .fd = tun, .events = POLLIN }, { .fd = raw, .events = POLLIN } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("gre-endpoint: poll");
			rc = 1;
			break;
		}
		if ((pf[0].revents & (POLLERR | POLLHUP | POLLNVAL)) || (pf[1].revents & POLLNVAL)) {
			fprintf(stderr, "gre-endpoint: descriptor error (tun %#x raw %#x)\n",
				pf[0].revents, pf[1].revents);
			rc = 1;
			break;
		}
		if (pf[1].revents & POLLERR) {
			/* a connected raw socket keeps an ICMP error (e.g.
			 * unreachable) pending: read it and go on */
			int err = 0;
			socklen_t el = sizeof(err);
			(void)getsockopt(raw, SOL_SOCKET, SO_ERROR, &err, &el);
			st.drops[D_SOCK_ERR]++;
		}
		if (pf[0].revents & POLLIN)
			pump_out(tun, raw, buf, &st);
		if (pf[1].revents & POLLIN)
			pump_in(raw, tun, buf, local, remote, &st);
	}
	print_stats(&st);
	free(buf);
	close(raw);
	close(tun);
	return rc;
}
