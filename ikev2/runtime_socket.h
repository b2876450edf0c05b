/*
 * The IKE sockets: UDP 500 and 4500 (RFC 7296 2.23, RFC 3948), IPv4 and
 * IPv6, bound to the wildcard address with IP_PKTINFO / IPV6_RECVPKTINFO
 * so that every datagram's local address is known and answers leave from
 * the address the peer talked to.  Registered in lib/evloop.
 *
 * Port 4500 carries three things (RFC 3948 2.2, RFC 7296 2.23):
 *   - one byte 0xFF: a NAT-T keepalive, ignored (counted);
 *   - four zero bytes (the non-ESP marker) then an IKE message: the
 *     marker is stripped and the message goes to the IKE runtime;
 *   - anything else: ESP in UDP, handed to the ESP hook the data plane
 *     registers (counted and dropped while there is none).
 * IKE messages sent from port 4500 get the marker prepended.
 */
#ifndef IKESH_IKEV2_RUNTIME_SOCKET_H
#define IKESH_IKEV2_RUNTIME_SOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "ipsec/sa_install.h"

#define IKEV2_PORT 500
#define IKEV2_NATT_PORT 4500

/* Open and register the sockets.  Each one that cannot be opened (port in
 * use, no IPv6) is reported with log_msg and skipped.  Returns the number
 * of sockets open (0: none). */
int ikev2_socket_open(void);
void ikev2_socket_close(void);

/* Send one IKE message from local (address and port 500/4500) to remote;
 * the non-ESP marker is added on port 4500.  0 or -errno. */
int ikev2_socket_send(const struct ipsec_addr *local, const struct ipsec_addr *remote,
		      const uint8_t *data, size_t len);
/* A NAT-T keepalive (one 0xFF byte) from local:4500 to remote. */
void ikev2_socket_keepalive(const struct ipsec_addr *local, const struct ipsec_addr *remote);
/* Send raw bytes (no marker) from local:port (ESP in UDP, for the data
 * plane).  0 or -errno. */
int ikev2_socket_send_raw(const struct ipsec_addr *local, const struct ipsec_addr *remote,
			  const uint8_t *data, size_t len);

/* ESP in UDP received on port 4500 (data starts with the SPI). */
typedef void (*ikev2_esp_hook)(void *ctx, const struct ipsec_addr *local,
			       const struct ipsec_addr *remote, const uint8_t *data, size_t len);
void ikev2_socket_set_esp_hook(ikev2_esp_hook hook, void *ctx);

/* The fd of a socket (family 4 or 6, port 500 or 4500), -1 if not open
 * (e.g. for the kernel data plane to set UDP_ENCAP on port 4500). */
int ikev2_socket_fd(int family, uint16_t port);

struct ikev2_socket_stats {
	uint64_t rx_ike, tx_ike, rx_keepalive, tx_keepalive;
	uint64_t rx_esp, rx_esp_dropped;	/* ESP in UDP: handed over / no hook */
	uint64_t rx_invalid, rx_errors, tx_errors;
};
void ikev2_socket_get_stats(struct ikev2_socket_stats *out);

#endif
