/*
 * Micro-benchmark of the userspace data plane (ipsec/userspace*.c): 1400-
 * octet IPv4 packets read "from a TUN" go through A's userspace_output()
 * and B's userspace_input_inplace(), one thread, two data planes in one
 * process, SAs installed through the ipsec_backend ops with engine-like
 * lifetimes (3600 s, 4608000 KB: the clock is read per packet).  Not part
 * of the tests.
 *
 *   gcc -std=gnu11 -O2 -D_GNU_SOURCE -I/work/main bench/dp_bench.c \
 *     ipsec/userspace_backend.c ipsec/userspace_dp.c ipsec/esp*.c \
 *     ipsec/replay.c ipsec/sa_lifetime.c -lcrypto -o /tmp/dp_bench && /tmp/dp_bench
 *
 * Gbit/s counts inner-packet bits.  "out" is userspace_output() alone (one
 * end sending); "out+in" is both ends of the tunnel on one core, like
 * bench/esp_bench.c's "encap+decap", so the two can be compared to see
 * what the data plane adds to the ESP layer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipsec/userspace.h"

#define PKT 1400
#define SECS 1.0

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct setup {
	const char *name;
	uint16_t encr, keybits, integ;
	size_t klen, ilen;
	bool encap;
	enum esp_iv_mode iv;
};

static const struct setup setups[] = {
	{"AES-GCM-128", 20, 128, 0, 20, 0, false, ESP_IV_RANDOM},
	{"AES-GCM-128 NAT-T", 20, 128, 0, 20, 0, true, ESP_IV_RANDOM},
	{"AES-GCM-256", 20, 256, 0, 36, 0, false, ESP_IV_RANDOM},
	{"AES-CBC-256/SHA-256 rand IV", 12, 256, 12, 32, 32, false, ESP_IV_RANDOM},
	{"AES-CBC-256/SHA-256 ctr IV", 12, 256, 12, 32, 32, false, ESP_IV_COUNTER},
};

static void add(struct userspace_dp *dp, const struct setup *s, bool inbound, uint32_t spi)
{
	struct ipsec_sa_params p;
	memset(&p, 0, sizeof(p));
	p.inbound = inbound;
	p.key.proto = IPSEC_PROTO_ESP;
	p.key.src.family = p.key.dst.family = 4;
	memcpy(p.key.src.ip, inbound ? "\xc0\x00\x02\x02" : "\xc0\x00\x02\x01", 4);
	memcpy(p.key.dst.ip, inbound ? "\xc0\x00\x02\x01" : "\xc0\x00\x02\x02", 4);
	p.key.spi = spi;
	p.reqid = 1;
	p.encr = s->encr;
	p.encr_keybits = s->keybits;
	p.integ = s->integ;
	p.encr_key_len = s->klen;
	p.integ_key_len = s->ilen;
	for (size_t i = 0; i < sizeof(p.encr_key); i++)
		p.encr_key[i] = (uint8_t)(i * 11 + 3);
	for (size_t i = 0; i < sizeof(p.integ_key); i++)
		p.integ_key[i] = (uint8_t)(i * 5 + 1);
	p.replay_window = 64;
	p.lifetime.hard_seconds = 3600;
	p.lifetime.hard_bytes = (uint64_t)4608000 * 1024;
	p.lifetime.soft_bytes = p.lifetime.hard_bytes / 10 * 9;
	p.encap = s->encap;
	p.encap_sport = p.encap_dport = s->encap ? 4500 : 0;
	struct ipsec_backend be = userspace_dp_backend(dp);
	if (be.ops->add_sa(be.ctx, &p) != 0) {
		fprintf(stderr, "add_sa failed\n");
		exit(1);
	}
}

static void run(const struct setup *s)
{
	struct userspace_dp_config c = {.cbc_iv = s->iv};
	struct userspace_dp *a = userspace_dp_new(&c), *b = userspace_dp_new(&c);
	add(a, s, false, 0x1001);
	add(b, s, true, 0x1001);
	userspace_tunnel_add(a, 1, NULL);
	userspace_tunnel_bind(a, 1, 1);
	userspace_tunnel_add(b, 1, NULL);
	userspace_tunnel_bind(b, 1, 1);

	static uint8_t pkt[PKT], out[PKT + USERSPACE_MAX_OVERHEAD];
	memset(pkt, 0x5a, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[2] = PKT >> 8;
	pkt[3] = PKT & 0xff;
	pkt[8] = 64;
	pkt[9] = 17;
	memcpy(pkt + 12, "\xc6\x33\x64\x05\xcb\x00\x71\x07", 8); /* 198.51.100.5 -> 203.0.113.7 */
	pkt[10] = pkt[11] = 0;
	uint16_t ck = esp_inet_checksum(pkt, 20);
	pkt[10] = (uint8_t)(ck >> 8);
	pkt[11] = (uint8_t)ck;

	struct userspace_tx tx;
	struct userspace_rx rx;
	double gbps[2];
	for (int mode = 0; mode < 2; mode++) {
		unsigned long n = 0;
		double t0 = now_s(), t;
		do {
			for (int i = 0; i < 1000; i++) {
				if (userspace_output(a, 1, pkt, PKT, out, sizeof(out), &tx) != 0) {
					fprintf(stderr, "output failed\n");
					exit(1);
				}
				if (mode == 1) {
					/* the raw IPv4 / UDP payload as a socket would deliver it */
					int rc = tx.l3 ? userspace_input_ipv4(b, out, tx.len, &rx)
						       : userspace_input_inplace(b, &tx.src, &tx.dst, out,
										 tx.len, &rx);
					if (rc != 0 || rx.len != PKT) {
						fprintf(stderr, "input failed: %s\n",
							userspace_strerror(rc));
						exit(1);
					}
				}
			}
			n += 1000;
			t = now_s() - t0;
		} while (t < SECS);
		gbps[mode] = (double)n * PKT * 8 / t / 1e9;
		if (mode == 0)
			printf("%-30s out %6.2f Gbit/s (%5.0f kpps)", s->name, gbps[0],
			       (double)n / t / 1e3);
		else
			printf("   out+in %6.2f Gbit/s (%5.0f kpps)\n", gbps[1], (double)n / t / 1e3);
	}
	userspace_dp_free(a);
	userspace_dp_free(b);
}

int main(void)
{
	printf("userspace data plane, %d-octet packets, one core\n", PKT);
	for (size_t i = 0; i < sizeof(setups) / sizeof(setups[0]); i++)
		run(&setups[i]);
	return 0;
}
