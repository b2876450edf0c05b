/* The crypto engine (IPsec data plane) in use: show (ipsec/show_engine.c). */

show_what:
    "crypto" "engine" "brief"                                     { C(h_ipsec_show_engine); }
  | "crypto" "engine" "configuration"                             { C(h_ipsec_show_engine); }
  | "crypto" "engine" "connections" "active"                      { C(h_ipsec_show_engine_conn); }
  ;
