/* FlexVPN client: applying the configuration reply (see
 * ikev2/runtime_session.h).  Not implemented yet: a reply is ignored. */
#include "ikev2/runtime_session.h"

int ikev2_rt_cp_received(const struct ikev2_ike_info *info, const struct ikev2_cp *cp)
{
	(void)info;
	(void)cp;
	return 0;
}

void ikev2_rt_client_ike_event(const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	(void)info;
	(void)ev;
}
