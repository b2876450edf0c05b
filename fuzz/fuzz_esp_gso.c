/*
 * libFuzzer target for the TUN offload code in front of ESP (ipsec/gso.c):
 * what a TUN with TUN_F_OFFLOAD hands over (virtio-net header + packet) is
 * segmented or has its checksum completed, as ipsec/userspace_io.c does,
 * and the resulting segments are coalesced back as the receive side does.
 * Properties: no out-of-bounds access; every segment is at most header +
 * gso_size long, carries a valid IPv4 header checksum (IPv4) and a valid
 * TCP checksum; the segments' payloads, concatenated, are the super-
 * packet's payload; coalescing never produces more than 65535 octets.
 *
 * Build and run (not wired into CMake):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I/work/main \
 *     fuzz/fuzz_esp_gso.c ipsec/gso.c -o /tmp/fg && /tmp/fg -max_total_time=60
 *
 * Input: 10 octets of virtio-net header, then the packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/gso.h"

static uint8_t pkt[65536], seg[65536 + 64], segs[64][2048];

static uint16_t ones(const uint8_t *p, size_t n, uint32_t s)
{
	return gso_csum_fold(gso_csum_add(s, p, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < GSO_VNET_HDR_LEN || size - GSO_VNET_HDR_LEN > 65535)
		return 0;
	struct gso_info h;
	gso_get_vnet(data, &h);
	size_t len = size - GSO_VNET_HDR_LEN;
	memcpy(pkt, data + GSO_VNET_HDR_LEN, len);
	if ((h.type & 0x7f) == GSO_TYPE_NONE) {
		/* completed, the checksum verifies with what the field held (the
		 * pseudo-header sum) added back */
		size_t at = (size_t)h.csum_start + h.csum_offset;
		uint32_t partial = at + 2 <= len ? (uint32_t)(pkt[at] << 8 | pkt[at + 1]) : 0;
		if ((h.flags & GSO_F_NEEDS_CSUM) &&
		    gso_csum_complete(pkt, len, h.csum_start, h.csum_offset) == 0 &&
		    ones(pkt + h.csum_start, len - h.csum_start, partial) != 0)
			abort();
		return 0;
	}
	struct gso_seg s;
	if (gso_seg_init(&s, &h, pkt, len) != 0)
		return 0;
	size_t paylen = 0, hdr = s.hdr;
	unsigned n = 0;
	int m;
	struct gso_coal c;
	while ((m = gso_seg_next(&s, seg, sizeof(seg))) > 0) {
		if ((size_t)m > hdr + h.size || (size_t)m <= hdr)
			abort();
		bool v6 = seg[0] >> 4 == 6;
		if (!v6 && ones(seg, s.l4off, 0) != 0)
			abort();
		uint32_t ps = v6 ? gso_csum_add(0, seg + 8, 32) : gso_csum_add(0, seg + 12, 8);
		ps += 6 + (uint32_t)((size_t)m - s.l4off);
		if (ones(seg + s.l4off, (size_t)m - s.l4off, ps) != 0)
			abort();
		if (memcmp(seg + hdr, pkt + hdr + paylen, (size_t)m - hdr) != 0)
			abort();
		paylen += (size_t)m - hdr;
		/* the receive side: merge what it accepts */
		if (n < 64 && (size_t)m <= sizeof(segs[0])) {
			memcpy(segs[n], seg, (size_t)m);
			size_t off;
			if (n == 0 ? gso_coal_start(&c, segs[0], (size_t)m) == 0
				   : gso_coal_append(&c, segs[n], (size_t)m, &off))
				n++;
		}
	}
	if (m < 0 || paylen != len - hdr)
		abort();
	if (n > 1) {
		struct gso_info out;
		gso_coal_finish(&c, &out);
		if (c.total > 65535 || out.size == 0)
			abort();
	}
	return 0;
}
