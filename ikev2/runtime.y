/* The live IKEv2 runtime: show / clear / debug (ikev2/runtime_*.c). */

show_what:
    "crypto" "ikev2" "sa"                                     { C(h_ikev2_rt_show_sa); }
  | "crypto" "ikev2" "sa" "detailed"                          { C(h_ikev2_rt_show_sa); }
  | "crypto" "ikev2" "sa" "local" IPV4                        { C(h_ikev2_rt_show_sa); }
  | "crypto" "ikev2" "sa" "local" IPV4 "detailed"             { C(h_ikev2_rt_show_sa); }
  | "crypto" "ikev2" "sa" "remote" IPV4                       { C(h_ikev2_rt_show_sa); }
  | "crypto" "ikev2" "sa" "remote" IPV4 "detailed"            { C(h_ikev2_rt_show_sa); }
  | "crypto" "ikev2" "session"                                { C(h_ikev2_rt_show_session); }
  | "crypto" "ikev2" "session" "detailed"                     { C(h_ikev2_rt_show_session); }
  | "crypto" "ikev2" "stats"                                  { C(h_ikev2_rt_show_stats); }
  ;

clear_what:
    "crypto" "ikev2" "sa"                                     { C(h_ikev2_rt_clear_sa); }
  | "crypto" "ikev2" "sa" IPV4                                { C(h_ikev2_rt_clear_sa); }
  | "crypto" "ikev2" "sa" "local" IPV4                        { C(h_ikev2_rt_clear_sa); }
  | "crypto" "ikev2" "sa" "remote" IPV4                       { C(h_ikev2_rt_clear_sa); }
  | "crypto" "session"                                        { C(h_ikev2_rt_clear_session); }
  | "crypto" "session" "local" IPV4                           { C(h_ikev2_rt_clear_session); }
  | "crypto" "session" "remote" IPV4                          { C(h_ikev2_rt_clear_session); }
  ;

debug_what:
    "crypto" "ikev2"                                          { C(h_ikev2_rt_debug); }
  | "crypto" "ikev2" "packet"                                 { C(h_ikev2_rt_debug); }
  | "crypto" "ikev2" "internal"                               { C(h_ikev2_rt_debug); }
  | "crypto" "ikev2" "error"                                  { C(h_ikev2_rt_debug); }
  ;
