/*
 * Batched packet I/O around the userspace data plane: TUN offloads,
 * sendmmsg / recvmmsg, receive coalescing (see ipsec/userspace_io.h).
 */
#include "ipsec/userspace_io.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipsec/gso.h"

#define TXQ_MSGS 128u
#define TXQ_ARENA (256u * 1024u)
#define RX_SLOTS 32u
#define RX_SLOT 65536u

static struct userspace_io_stats st;

/* ------------------------------------------------------------ send */

/* ESP packets waiting for one sendmmsg(): they lie one after the other in
 * the arena, where userspace_output() built them.  Two such batches: the
 * event loop fills one while a sender thread hands the other to the
 * kernel (whose sendmmsg() also carries the IP output, and on this host
 * the receiving side's softirq work).  The sender touches nothing but a
 * submitted batch and its socket: no data-plane state. */
struct txbatch {
	unsigned n;
	size_t used;
	int fd;
	uint64_t sent, errors, calls;	/* results, read after completion */
	struct mmsghdr msg[TXQ_MSGS];
	struct iovec iov[TXQ_MSGS];
	struct sockaddr_in to[TXQ_MSGS];
	uint8_t arena[TXQ_ARENA] __attribute__((aligned(64)));
};

static struct txbatch txb[2];
static struct txbatch *txq = &txb[0];	/* being filled */

static struct {
	bool tried, running;
	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	struct txbatch *work;		/* submitted, not finished */
	struct txbatch *unread;		/* finished, results not collected */
} snd = {.mu = PTHREAD_MUTEX_INITIALIZER,
	 .work_cv = PTHREAD_COND_INITIALIZER,
	 .done_cv = PTHREAD_COND_INITIALIZER};

static uint8_t rdbuf[GSO_VNET_HDR_LEN + 65536] __attribute__((aligned(64)));
static uint8_t segbuf[65536] __attribute__((aligned(64)));

static void batch_send(struct txbatch *b)
{
	unsigned done = 0;
	b->sent = b->errors = b->calls = 0;
	while (done < b->n) {
		int r = sendmmsg(b->fd, b->msg + done, b->n - done, 0);
		b->calls++;
		if (r > 0) {
			done += (unsigned)r;
			b->sent += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			/* socket buffer full: the rest would fail as well */
			b->errors += b->n - done;
			break;
		}
		b->errors++;	/* this one was refused; try the others */
		done++;
	}
}

static void *sender_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&snd.mu);
	for (;;) {
		while (!snd.work)
			pthread_cond_wait(&snd.work_cv, &snd.mu);
		struct txbatch *b = snd.work;
		pthread_mutex_unlock(&snd.mu);
		batch_send(b);
		pthread_mutex_lock(&snd.mu);
		snd.work = NULL;
		snd.unread = b;
		pthread_cond_signal(&snd.done_cv);
	}
	return NULL;
}

static void sender_start(void)
{
	snd.tried = true;
	const char *e = getenv("IKESH_DP_SENDER_THREAD");
	if (e && strcmp(e, "0") == 0)
		return;	/* everything inline (for comparisons) */
	pthread_t th;
	sigset_t all, old;
	sigfillset(&all);
	/* signals stay with the event loop's thread */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	snd.running = pthread_create(&th, NULL, sender_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (snd.running)
		pthread_detach(th);
}

static void collect(struct txbatch *b, struct userspace_io_tx_counts *c)
{
	c->esp_tx += b->sent;
	c->esp_tx_errors += b->errors;
	st.sendmmsg_calls += b->calls;
	b->n = 0;
	b->used = 0;
}

/* Wait until no batch is in flight; count the finished one. */
static void sender_wait(struct userspace_io_tx_counts *c)
{
	if (!snd.running)
		return;
	pthread_mutex_lock(&snd.mu);
	while (snd.work)
		pthread_cond_wait(&snd.done_cv, &snd.mu);
	struct txbatch *b = snd.unread;
	snd.unread = NULL;
	pthread_mutex_unlock(&snd.mu);
	if (b)
		collect(b, c);
}

/* Send the filled batch and continue with the other one: `inline_` (the
 * last batch of a call, or one that must go before a packet sent another
 * way) here, after what is in flight; else through the sender thread, so
 * that the next batch fills meanwhile. */
static void txq_flush(int fd, struct userspace_io_tx_counts *c, bool inline_)
{
	if (!txq->n)
		return;
	txq->fd = fd;
	if (!snd.tried && !inline_)
		sender_start();
	sender_wait(c);
	if (inline_ || !snd.running) {
		batch_send(txq);
		collect(txq, c);
		return;
	}
	pthread_mutex_lock(&snd.mu);
	snd.work = txq;
	pthread_cond_signal(&snd.work_cv);
	pthread_mutex_unlock(&snd.mu);
	txq = txq == &txb[0] ? &txb[1] : &txb[0];
}

struct tx_ctx {
	struct userspace_dp *dp;
	uint32_t id;
	const struct tun_dev *tun;
	int raw_fd;
	userspace_io_send_fn send;
	void *arg;
	struct userspace_io_tx_counts *c;
};

/* Room in the arena for the output of a len-octet packet. */
static uint8_t *tx_slot(const struct tx_ctx *x, size_t len)
{
	if (txq->n == TXQ_MSGS || TXQ_ARENA - txq->used < len + USERSPACE_MAX_OVERHEAD)
		txq_flush(x->raw_fd, x->c, false);
	return txq->arena + txq->used;
}

/* One IP packet through the data plane into out (from tx_slot()), queued
 * or sent. */
static void out_at(const struct tx_ctx *x, uint8_t *out, const uint8_t *pkt, size_t len)
{
	struct userspace_tx tx;
	int rc = userspace_output(x->dp, x->id, pkt, len, out, TXQ_ARENA - txq->used, &tx);
	if (rc == USERSPACE_OK) {
		if (x->raw_fd >= 0 && tx.l3 && tx.dst.family == 4) {
			struct sockaddr_in *to = &txq->to[txq->n];
			memset(to, 0, sizeof(*to));
			to->sin_family = AF_INET;
			memcpy(&to->sin_addr, tx.dst.ip, 4);
			txq->iov[txq->n] = (struct iovec){out, tx.len};
			struct msghdr *mh = &txq->msg[txq->n].msg_hdr;
			memset(mh, 0, sizeof(*mh));
			mh->msg_name = to;
			mh->msg_namelen = sizeof(*to);
			mh->msg_iov = &txq->iov[txq->n];
			mh->msg_iovlen = 1;
			txq->n++;
			txq->used += (tx.len + 63) & ~(size_t)63;
		} else {
			/* keep the order: what is queued goes first (out lies
			 * beyond it, untouched by the sender) */
			txq_flush(x->raw_fd, x->c, true);
			sender_wait(x->c);
			x->send(x->arg, &tx, out);
		}
	} else if (rc == USERSPACE_ICMP) {
		if (tun_write(x->tun, out, tx.len) > 0)
			x->c->icmp_sent++;
	}
	/* other results: dropped, counted by the data plane */
}

static void out_one(const struct tx_ctx *x, const uint8_t *pkt, size_t len)
{
	out_at(x, tx_slot(x, len), pkt, len);
}

/* A packet read from a TUN with virtio-net header. */
static void out_vnet(const struct tx_ctx *x, uint8_t *p, size_t n)
{
	if (n < GSO_VNET_HDR_LEN)
		return;
	struct gso_info h;
	gso_get_vnet(p, &h);
	uint8_t *pkt = p + GSO_VNET_HDR_LEN;
	size_t len = n - GSO_VNET_HDR_LEN;
	if ((h.type & (uint8_t)~GSO_TYPE_ECN) == GSO_TYPE_NONE) {
		if ((h.flags & GSO_F_NEEDS_CSUM) &&
		    gso_csum_complete(pkt, len, h.csum_start, h.csum_offset) != 0) {
			x->c->bad_offload++;
			return;
		}
		out_one(x, pkt, len);
		return;
	}
	struct gso_seg s;
	if (gso_seg_init(&s, &h, pkt, len) != 0) {
		x->c->bad_offload++;
		return;
	}
	int m;
	for (;;) {
		/* build each segment where the ESP payload goes (one copy less),
		 * or, for GRE, in segbuf */
		size_t at = userspace_output_offset(x->dp, x->id);
		uint8_t *out = tx_slot(x, s.hdr + s.mss);
		uint8_t *seg = at ? out + at : segbuf;
		m = gso_seg_next(&s, seg, at ? s.hdr + s.mss : sizeof(segbuf));
		if (m <= 0)
			break;
		x->c->segments++;
		out_at(x, out, seg, (size_t)m);
	}
	if (m < 0)
		x->c->bad_offload++;
}

void userspace_io_tun_output(struct userspace_dp *dp, uint32_t tunnel_id,
			     const struct tun_dev *tun, unsigned max_reads, int raw_fd,
			     userspace_io_send_fn send, void *arg,
			     struct userspace_io_tx_counts *c)
{
	struct userspace_io_tx_counts local = {0};
	struct tx_ctx x = {dp, tunnel_id, tun, raw_fd, send, arg, &local};
	bool vnet = (tun->flags & (TUN_F_VNET_HDR | TUN_F_OFFLOAD)) != 0;
	userspace_dp_batch_begin(dp);
	for (unsigned i = 0; i < max_reads; i++) {
		ssize_t n = read(tun->fd, rdbuf, sizeof(rdbuf));
		if (n <= 0)
			break;
		local.tun_reads++;
		if (vnet)
			out_vnet(&x, rdbuf, (size_t)n);
		else
			out_one(&x, rdbuf, (size_t)n);
	}
	txq_flush(raw_fd, &local, true);
	sender_wait(&local);	/* nothing in flight between calls */
	userspace_dp_batch_end(dp);
	c->tun_reads += local.tun_reads;
	c->segments += local.segments;
	c->esp_tx += local.esp_tx;
	c->esp_tx_errors += local.esp_tx_errors;
	c->icmp_sent += local.icmp_sent;
	c->bad_offload += local.bad_offload;
	st.tx.tun_reads += local.tun_reads;
	st.tx.segments += local.segments;
	st.tx.esp_tx += local.esp_tx;
	st.tx.esp_tx_errors += local.esp_tx_errors;
	st.tx.icmp_sent += local.icmp_sent;
	st.tx.bad_offload += local.bad_offload;
}

/* ------------------------------------------------------------ receive queue */

/* The packet being coalesced; others are written when they come. */
static struct {
	const struct tun_dev *tun;	/* NULL: nothing pending */
	uint64_t *ok, *err;
	struct gso_coal c;
	unsigned n;
	struct iovec iov[TUN_IOV_MAX];
} rxq;

static void rx_done(ssize_t rc, unsigned pkts, uint64_t *ok, uint64_t *err)
{
	st.rx_writes++;
	if (rc < 0) {
		st.rx_write_errors += pkts;
		if (err)
			*err += pkts;
	} else if (ok) {
		*ok += pkts;
	}
}

void userspace_io_rx_flush(void)
{
	if (!rxq.tun)
		return;
	struct gso_info h, *hp = NULL;
	if (rxq.n > 1) {
		gso_coal_finish(&rxq.c, &h);
		hp = &h;
	}
	ssize_t rc = (rxq.tun->flags & (TUN_F_VNET_HDR | TUN_F_OFFLOAD))
			     ? tun_write_gso(rxq.tun, hp, rxq.iov, rxq.n)
			     : tun_write(rxq.tun, rxq.iov[0].iov_base, rxq.iov[0].iov_len);
	rx_done(rc, rxq.n, rxq.ok, rxq.err);
	rxq.tun = NULL;
	rxq.n = 0;
}

void userspace_io_rx_add(const struct tun_dev *tun, uint8_t *pkt, size_t len, uint64_t *ok,
			 uint64_t *err)
{
	size_t off;
	if (rxq.tun == tun && rxq.n < TUN_IOV_MAX && gso_coal_append(&rxq.c, pkt, len, &off)) {
		rxq.iov[rxq.n++] = (struct iovec){pkt + off, len - off};
		st.rx_coalesced++;
		return;
	}
	userspace_io_rx_flush();
	bool vnet = (tun->flags & (TUN_F_VNET_HDR | TUN_F_OFFLOAD)) != 0;
	if (vnet && gso_coal_start(&rxq.c, pkt, len) == 0) {
		rxq.tun = tun;
		rxq.ok = ok;
		rxq.err = err;
		rxq.iov[0] = (struct iovec){pkt, len};
		rxq.n = 1;
		return;
	}
	rx_done(tun_write(tun, pkt, len), 1, ok, err);
}

/* ------------------------------------------------------------ raw input */

static struct {
	struct mmsghdr msg[RX_SLOTS];
	struct iovec iov[RX_SLOTS];
	uint8_t buf[RX_SLOTS][RX_SLOT] __attribute__((aligned(64)));
} rxb;

unsigned userspace_io_raw_input(struct userspace_dp *dp, int raw_fd, unsigned max,
				userspace_io_deliver_fn deliver, void *arg)
{
	unsigned got = 0;
	userspace_dp_batch_begin(dp);
	while (got < max) {
		unsigned want = max - got < RX_SLOTS ? max - got : RX_SLOTS;
		for (unsigned i = 0; i < want; i++) {
			rxb.iov[i] = (struct iovec){rxb.buf[i], RX_SLOT};
			memset(&rxb.msg[i], 0, sizeof(rxb.msg[i]));
			rxb.msg[i].msg_hdr.msg_iov = &rxb.iov[i];
			rxb.msg[i].msg_hdr.msg_iovlen = 1;
		}
		int r = recvmmsg(raw_fd, rxb.msg, want, MSG_DONTWAIT, NULL);
		st.recvmmsg_calls++;
		if (r <= 0)
			break;
		for (int i = 0; i < r; i++) {
			struct userspace_rx rx;
			size_t n = rxb.msg[i].msg_len;
			if (rxb.msg[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			if (userspace_input_ipv4(dp, rxb.buf[i], n, &rx) == USERSPACE_OK)
				deliver(arg, &rx, rxb.buf[i]);
		}
		userspace_io_rx_flush();	/* the buffers are reused next */
		got += (unsigned)r;
		st.esp_rx += (unsigned)r;
		if ((unsigned)r < want)
			break;
	}
	userspace_dp_batch_end(dp);
	return got;
}

void userspace_io_get_stats(struct userspace_io_stats *out)
{
	*out = st;
}
