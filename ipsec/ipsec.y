/* IPsec configuration: crypto ipsec transform-set / profile / globals, the
 * (cfg-crypto-trans) and (ipsec-profile) sub-modes, and their show commands. */

config_cmd:
    "crypto" "ipsec" "transform-set" WORD ipsec_transforms            { C(h_ipsec_transform_set); }
  | "no" "crypto" "ipsec" "transform-set" WORD                        { C(h_ipsec_transform_set); }
  | "no" "crypto" "ipsec" "transform-set" WORD ipsec_transforms       { C(h_ipsec_transform_set); }
  | "crypto" "ipsec" "profile" WORD                                   { C(h_ipsec_profile); }
  | "no" "crypto" "ipsec" "profile" WORD                              { C(h_ipsec_profile); }
  | "crypto" "ipsec" "security-association" ipsec_sa_global           { C(h_ipsec_sa_global); }
  | "no" "crypto" "ipsec" "security-association" ipsec_sa_global_no   { C(h_ipsec_sa_global); }
  | "default" "crypto" "ipsec" "security-association" ipsec_sa_global_no { C(h_ipsec_sa_global); }
  | "crypto" "ipsec" "df-bit" ipsec_dfbit                             { C(h_ipsec_global_misc); }
  | "no" "crypto" "ipsec" "df-bit" ipsec_dfbit                        { C(h_ipsec_global_misc); }
  | "crypto" "ipsec" "fragmentation" ipsec_frag                       { C(h_ipsec_global_misc); }
  | "no" "crypto" "ipsec" "fragmentation" ipsec_frag                  { C(h_ipsec_global_misc); }
  | "crypto" "ipsec" "nat-transparency" "udp-encapsulation"           { C(h_ipsec_global_misc); }
  | "no" "crypto" "ipsec" "nat-transparency" "udp-encapsulation"      { C(h_ipsec_global_misc); }
  | "default" "crypto" "ipsec" "nat-transparency" "udp-encapsulation" { C(h_ipsec_global_misc); }
  ;

/* One encryption transform and at most one ESP authentication transform, in
 * either order; GCM carries its own integrity and takes no authentication. */
ipsec_transforms:
    ipsec_enc_cbc
  | ipsec_enc_cbc ipsec_auth
  | ipsec_auth
  | ipsec_auth ipsec_enc_cbc
  | ipsec_enc_gcm
  ;
ipsec_enc_cbc:
    "esp-aes"
  | "esp-aes" ipsec_keysize
  ;
ipsec_enc_gcm:
    "esp-gcm"
  | "esp-gcm" ipsec_keysize
  ;
ipsec_keysize: "128" | "192" | "256" ;
ipsec_auth: "esp-sha-hmac" | "esp-sha256-hmac" | "esp-sha384-hmac" | "esp-sha512-hmac" ;

ipsec_sa_global:
    "lifetime" "seconds" "<120-2592000>"
  | "lifetime" "kilobytes" "<2560-4294967295>"
  | "lifetime" "kilobytes" "disable"
  | "replay" "window-size" ipsec_window
  | "replay" "window-size"
  | "replay" "disable"
  | "idle-time" "<60-86400>"
  ;
ipsec_sa_global_no:
    "lifetime" "seconds"
  | "lifetime" "seconds" "<120-2592000>"
  | "lifetime" "kilobytes"
  | "lifetime" "kilobytes" "<2560-4294967295>"
  | "lifetime" "kilobytes" "disable"
  | "replay" "window-size"
  | "replay" "window-size" ipsec_window
  | "replay" "disable"
  | "idle-time"
  | "idle-time" "<60-86400>"
  ;
ipsec_window: "64" | "128" | "256" | "512" | "1024" ;
ipsec_dfbit: "clear" | "set" | "copy" ;
ipsec_frag: "before-encryption" | "after-encryption" ;

crypto_trans_cmd:
    "mode" ipsec_mode_kind                      { C(h_ipsec_ts_mode); }
  | "no" "mode"                                 { C(h_ipsec_ts_mode); }
  | "no" "mode" ipsec_mode_kind                 { C(h_ipsec_ts_mode); }
  | "default" "mode"                            { C(h_ipsec_ts_mode); }
  ;
ipsec_mode_kind: "tunnel" | "transport" ;

ipsec_profile_cmd:
    "set" "transform-set" ipsec_ts_names                        { C(h_ipsec_prof_set); }
  | "no" "set" "transform-set"                                  { C(h_ipsec_prof_set); }
  | "no" "set" "transform-set" ipsec_ts_names                   { C(h_ipsec_prof_set); }
  | "default" "set" "transform-set"                             { C(h_ipsec_prof_set); }
  | "set" "pfs"                                                 { C(h_ipsec_prof_set); }
  | "set" "pfs" ipsec_pfs_group                                 { C(h_ipsec_prof_set); }
  | "no" "set" "pfs"                                            { C(h_ipsec_prof_set); }
  | "no" "set" "pfs" ipsec_pfs_group                            { C(h_ipsec_prof_set); }
  | "default" "set" "pfs"                                       { C(h_ipsec_prof_set); }
  | "set" "ikev2-profile" WORD                                  { C(h_ipsec_prof_set); }
  | "no" "set" "ikev2-profile"                                  { C(h_ipsec_prof_set); }
  | "no" "set" "ikev2-profile" WORD                             { C(h_ipsec_prof_set); }
  | "default" "set" "ikev2-profile"                             { C(h_ipsec_prof_set); }
  | "set" "security-association" ipsec_sa_prof                  { C(h_ipsec_prof_set); }
  | "no" "set" "security-association" ipsec_sa_global_no        { C(h_ipsec_prof_set); }
  | "default" "set" "security-association" ipsec_sa_global_no   { C(h_ipsec_prof_set); }
  | "responder-only"                                            { C(h_ipsec_prof_misc); }
  | "no" "responder-only"                                       { C(h_ipsec_prof_misc); }
  | "default" "responder-only"                                  { C(h_ipsec_prof_misc); }
  | "description" LINE                                          { C(h_ipsec_prof_misc); }
  | "no" "description"                                          { C(h_ipsec_prof_misc); }
  | "no" "description" LINE                                     { C(h_ipsec_prof_misc); }
  | "default" "description"                                     { C(h_ipsec_prof_misc); }
  ;
ipsec_ts_names: WORD | ipsec_ts_names WORD ;
ipsec_pfs_group:
    "group1" | "group2" | "group5" | "group14" | "group15" | "group16"
  | "group19" | "group20" | "group21" | "group24"
  ;
ipsec_sa_prof:
    "lifetime" "seconds" "<120-2592000>"
  | "lifetime" "kilobytes" "<2560-4294967295>"
  | "lifetime" "kilobytes" "disable"
  | "replay" "window-size" ipsec_window
  | "replay" "disable"
  | "idle-time" "<60-86400>"
  ;

show_what:
    "crypto" "ipsec" "transform-set"                            { C(h_show_ipsec_ts); }
  | "crypto" "ipsec" "transform-set" WORD                       { C(h_show_ipsec_ts); }
  | "crypto" "ipsec" "transform-set" "tag" WORD                 { C(h_show_ipsec_ts); }
  | "crypto" "ipsec" "profile"                                  { C(h_show_ipsec_profile); }
  | "crypto" "ipsec" "profile" WORD                             { C(h_show_ipsec_profile); }
  | "crypto" "ipsec" "security-association"                     { C(h_show_ipsec_sa_global); }
  | "crypto" "ipsec" "security-association" "lifetime"          { C(h_show_ipsec_sa_global); }
  ;
