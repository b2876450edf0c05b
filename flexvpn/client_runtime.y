/* FlexVPN client at run time: connect, clear, show (flexvpn/client_cmds.c). */

priv_cmd:
    "crypto" "ikev2" "client" "flexvpn" "connect" WORD           { C(h_fvc_connect); }
  ;

show_what:
    "crypto" "ikev2" "client" "flexvpn"                          { C(h_fvc_show); }
  | "crypto" "ikev2" "client" "flexvpn" WORD                     { C(h_fvc_show); }
  ;

clear_what:
    "crypto" "ikev2" "client" "flexvpn" WORD                     { C(h_fvc_clear); }
  | "crypto" "ikev2" "client" "flexvpn" "connect" WORD           { C(h_fvc_clear); }
  ;
