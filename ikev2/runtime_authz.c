/* FlexVPN server: authorization and configuration reply (see
 * ikev2/runtime_session.h).  Not implemented yet: peers are accepted
 * and get no configuration payload. */
#include "ikev2/runtime_session.h"

int ikev2_rt_authorize(const struct ikev2_ike_info *info, const struct ikev2_cp *req,
		       struct ikev2_cp *reply)
{
	(void)info;
	(void)req;
	reply->type = 0;
	reply->n = 0;
	return 0;
}

void ikev2_rt_authz_ike_event(const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	(void)info;
	(void)ev;
}
