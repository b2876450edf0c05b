/* Helpers for tunnel devices (see ikev2/runtime_link.h). */
#include "ikev2/runtime_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikev2/runtime_socket.h"

unsigned rt_link_path_mtu(const struct ipsec_addr *remote)
{
	if (remote->family != 4)
		return 1500;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 1500;
	/* a connected UDP socket asks the routing table, no packet is sent */
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(IKEV2_PORT)};
	memcpy(&sa.sin_addr, remote->ip, 4);
	int mtu = 0;
	socklen_t len = sizeof(mtu);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockopt(s, IPPROTO_IP, IP_MTU, &mtu, &len) != 0 || mtu < 576)
		mtu = 1500;
	close(s);
	return (unsigned)mtu;
}

void rt_link_disable_ipv6(const char *linux_name)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", linux_name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0) {
		/* no IPv6 here: nothing to keep off */
	}
	close(fd);
}
