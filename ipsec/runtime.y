/* IPsec SAs of the live data plane: show / clear (ipsec/show_ipsec_sa.c). */

show_what:
    "crypto" "ipsec" "sa"                                         { C(h_ipsec_rt_show_sa); }
  | "crypto" "ipsec" "sa" "detail"                                { C(h_ipsec_rt_show_sa); }
  | "crypto" "ipsec" "sa" "peer" IPV4                             { C(h_ipsec_rt_show_sa); }
  | "crypto" "ipsec" "sa" "peer" IPV4 "detail"                    { C(h_ipsec_rt_show_sa); }
  | "crypto" "ipsec" "sa" "interface" tunnel_ifname              { C(h_ipsec_rt_show_sa); }
  | "crypto" "ipsec" "sa" "interface" tunnel_ifname "detail"     { C(h_ipsec_rt_show_sa); }
  | "crypto" "session"                                            { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "detail"                                   { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "local" IPV4                               { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "local" IPV4 "detail"                      { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "remote" IPV4                              { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "remote" IPV4 "detail"                     { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "interface" tunnel_ifname                  { C(h_ipsec_rt_show_session); }
  | "crypto" "session" "interface" tunnel_ifname "detail"         { C(h_ipsec_rt_show_session); }
  ;

clear_what:
    "crypto" "sa"                                                 { C(h_ipsec_rt_clear_sa); }
  | "crypto" "sa" "peer" IPV4                                     { C(h_ipsec_rt_clear_sa); }
  | "crypto" "sa" "counters"                                      { C(h_ipsec_rt_clear_sa); }
  ;
