/* show crypto pki trustpoints / certificates.
 *
 * There is no PKI runtime yet: no trustpoint has been authenticated or
 * enrolled, so no certificate exists.  Like IOS for such trustpoints, show
 * crypto pki trustpoints prints only the name line of each (IOS adds the CA
 * certificate's subject and serial number once one is installed), and show
 * crypto pki certificates prints nothing. */
#include <string.h>

#include "grammar/cmd.h"
#include "ikev2/pki.h"

/* show crypto pki trustpoints [NAME] */
int h_show_pki_trustpoints(struct cmdctx *c)
{
	const struct cmdarg *a = cmd_after(c, "trustpoints");
	const char *name = a && a->kind == ARG_WORD ? a->text : NULL;
	int shown = 0;
	for (int i = 0; i < pki_trustpoint_count(); i++) {
		const struct pki_trustpoint *t = pki_trustpoint_at(i);
		if (name && strcmp(name, t->name) != 0)
			continue;
		/* entries are separated by two blank lines */
		cmd_out(c, "%sTrustpoint %s:\n", shown ? "\n\n" : "", t->name);
		shown++;
	}
	return 0;
}

/* show crypto pki certificates [NAME]: no certificates exist yet. */
int h_show_pki_certificates(struct cmdctx *c)
{
	(void)c;
	return 0;
}
