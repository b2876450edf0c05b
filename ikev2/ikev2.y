/* IKEv2 configuration: crypto ikev2 proposal / policy / keyring / profile /
 * name-mangler, the global "crypto ikev2 ..." settings and their show
 * commands.  Handlers live in ikev2/config_*.c. */

config_cmd:
    "crypto" "ikev2" "proposal" WORD                          { C(h_ikev2_proposal); }
  | "no" "crypto" "ikev2" "proposal" WORD                     { C(h_ikev2_proposal); }
  | "crypto" "ikev2" "policy" WORD                            { C(h_ikev2_policy); }
  | "no" "crypto" "ikev2" "policy" WORD                       { C(h_ikev2_policy); }
  | "crypto" "ikev2" "keyring" WORD                           { C(h_ikev2_keyring); }
  | "no" "crypto" "ikev2" "keyring" WORD                      { C(h_ikev2_keyring); }
  | "crypto" "ikev2" "profile" WORD                           { C(h_ikev2_profile); }
  | "no" "crypto" "ikev2" "profile" WORD                      { C(h_ikev2_profile); }
  | "crypto" "ikev2" "name-mangler" WORD                      { C(h_ikev2_mangler); }
  | "no" "crypto" "ikev2" "name-mangler" WORD                 { C(h_ikev2_mangler); }
  | "crypto" "ikev2" "cookie-challenge" "<1-1000>"            { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "cookie-challenge"                  { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "cookie-challenge" "<1-1000>"       { C(h_ikev2_global); }
  | "crypto" "ikev2" "limit" "max-sa" "<1-99999>"             { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "limit" "max-sa"                    { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "limit" "max-sa" "<1-99999>"        { C(h_ikev2_global); }
  | "crypto" "ikev2" "limit" "max-in-negotiation-sa" "<1-99999>"                      { C(h_ikev2_global); }
  | "crypto" "ikev2" "limit" "max-in-negotiation-sa" "<1-99999>" ikev2_direction      { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "limit" "max-in-negotiation-sa"                            { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "limit" "max-in-negotiation-sa" "<1-99999>"                { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "limit" "max-in-negotiation-sa" "<1-99999>" ikev2_direction { C(h_ikev2_global); }
  | "crypto" "ikev2" "window" "<1-200>"                       { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "window"                            { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "window" "<1-200>"                  { C(h_ikev2_global); }
  | "crypto" "ikev2" "dpd" "<10-3600>" "<2-60>" ikev2_dpd_mode        { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "dpd"                                       { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "dpd" "<10-3600>" "<2-60>" ikev2_dpd_mode   { C(h_ikev2_global); }
  | "crypto" "ikev2" "nat" "keepalive" "<5-3600>"             { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "nat" "keepalive"                   { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "nat" "keepalive" "<5-3600>"        { C(h_ikev2_global); }
  | "crypto" "ikev2" "fragmentation"                          { C(h_ikev2_global); }
  | "crypto" "ikev2" "fragmentation" "mtu" "<68-1500>"        { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "fragmentation"                     { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "fragmentation" "mtu"               { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "fragmentation" "mtu" "<68-1500>"   { C(h_ikev2_global); }
  | "crypto" "ikev2" "redirect" "client"                                  { C(h_ikev2_global); }
  | "crypto" "ikev2" "redirect" "client" "max-redirects" "<1-255>"        { C(h_ikev2_global); }
  | "crypto" "ikev2" "redirect" "gateway" ikev2_redirect_when             { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "redirect" "client"                             { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "redirect" "client" "max-redirects"             { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "redirect" "client" "max-redirects" "<1-255>"   { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "redirect" "gateway" ikev2_redirect_when        { C(h_ikev2_global); }
  | "crypto" "ikev2" "diagnose" "error" "<1-1000>"            { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "diagnose" "error"                  { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "diagnose" "error" "<1-1000>"       { C(h_ikev2_global); }
  | "crypto" "ikev2" "http-url" "cert"                        { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "http-url" "cert"                   { C(h_ikev2_global); }
  | "crypto" "ikev2" "certificate-cache" "<1-4000>"           { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "certificate-cache"                 { C(h_ikev2_global); }
  | "no" "crypto" "ikev2" "certificate-cache" "<1-4000>"      { C(h_ikev2_global); }
  ;

ikev2_direction: "incoming" | "outgoing" ;
ikev2_dpd_mode: "on-demand" | "periodic" ;
ikev2_redirect_when: "init" | "auth" ;

show_what:
    "crypto" "ikev2" "proposal"                               { C(h_ikev2_show_proposal); }
  | "crypto" "ikev2" "proposal" WORD                          { C(h_ikev2_show_proposal); }
  | "crypto" "ikev2" "policy"                                 { C(h_ikev2_show_policy); }
  | "crypto" "ikev2" "policy" WORD                            { C(h_ikev2_show_policy); }
  | "crypto" "ikev2" "profile"                                { C(h_ikev2_show_profile); }
  | "crypto" "ikev2" "profile" WORD                           { C(h_ikev2_show_profile); }
  ;

/* ---- crypto ikev2 proposal ---- */

ikev2_proposal_cmd:
    "encryption" ikev2_encr_list                              { C(h_ikev2_prop_set); }
  | "no" "encryption"                                         { C(h_ikev2_prop_set); }
  | "no" "encryption" ikev2_encr_list                         { C(h_ikev2_prop_set); }
  | "default" "encryption"                                    { C(h_ikev2_prop_set); }
  | "integrity" ikev2_hash_list                               { C(h_ikev2_prop_set); }
  | "no" "integrity"                                          { C(h_ikev2_prop_set); }
  | "no" "integrity" ikev2_hash_list                          { C(h_ikev2_prop_set); }
  | "default" "integrity"                                     { C(h_ikev2_prop_set); }
  | "prf" ikev2_hash_list                                     { C(h_ikev2_prop_set); }
  | "no" "prf"                                                { C(h_ikev2_prop_set); }
  | "no" "prf" ikev2_hash_list                                { C(h_ikev2_prop_set); }
  | "default" "prf"                                           { C(h_ikev2_prop_set); }
  | "group" ikev2_group_list                                  { C(h_ikev2_prop_set); }
  | "no" "group"                                              { C(h_ikev2_prop_set); }
  | "no" "group" ikev2_group_list                             { C(h_ikev2_prop_set); }
  | "default" "group"                                         { C(h_ikev2_prop_set); }
  ;

ikev2_encr_list: ikev2_encr | ikev2_encr_list ikev2_encr ;
ikev2_encr: "aes-cbc-128" | "aes-cbc-192" | "aes-cbc-256" | "aes-gcm-128" | "aes-gcm-256" ;
ikev2_hash_list: ikev2_hash | ikev2_hash_list ikev2_hash ;
ikev2_hash: "sha1" | "sha256" | "sha384" | "sha512" ;
ikev2_group_list: ikev2_group | ikev2_group_list ikev2_group ;
ikev2_group: "14" | "15" | "16" | "19" | "20" | "21" | "24" | "31" ;

/* ---- crypto ikev2 policy ---- */

ikev2_policy_cmd:
    "proposal" WORD                                           { C(h_ikev2_pol_set); }
  | "no" "proposal"                                           { C(h_ikev2_pol_set); }
  | "no" "proposal" WORD                                      { C(h_ikev2_pol_set); }
  | "match" "fvrf" WORD                                       { C(h_ikev2_pol_set); }
  | "match" "fvrf" "any"                                      { C(h_ikev2_pol_set); }
  | "no" "match" "fvrf"                                       { C(h_ikev2_pol_set); }
  | "no" "match" "fvrf" WORD                                  { C(h_ikev2_pol_set); }
  | "no" "match" "fvrf" "any"                                 { C(h_ikev2_pol_set); }
  | "match" "address" "local" IPV4                            { C(h_ikev2_pol_set); }
  | "match" "address" "local" IPV6                            { C(h_ikev2_pol_set); }
  | "no" "match" "address" "local"                            { C(h_ikev2_pol_set); }
  | "no" "match" "address" "local" IPV4                       { C(h_ikev2_pol_set); }
  | "no" "match" "address" "local" IPV6                       { C(h_ikev2_pol_set); }
  ;

/* ---- crypto ikev2 keyring ---- */

ikev2_keyring_cmd:
    "peer" WORD                                               { C(h_ikev2_kr_peer); }
  | "no" "peer" WORD                                          { C(h_ikev2_kr_peer); }
  ;

ikev2_keyring_peer_cmd:
    "description" LINE                                        { C(h_ikev2_peer_set); }
  | "no" "description"                                        { C(h_ikev2_peer_set); }
  | "no" "description" LINE                                   { C(h_ikev2_peer_set); }
  | "address" IPV4                                            { C(h_ikev2_peer_set); }
  | "address" IPV4 IPV4                                       { C(h_ikev2_peer_set); }
  | "address" IPV6PFX                                         { C(h_ikev2_peer_set); }
  | "no" "address"                                            { C(h_ikev2_peer_set); }
  | "no" "address" IPV4                                       { C(h_ikev2_peer_set); }
  | "no" "address" IPV4 IPV4                                  { C(h_ikev2_peer_set); }
  | "no" "address" IPV6PFX                                    { C(h_ikev2_peer_set); }
  | "hostname" WORD                                           { C(h_ikev2_peer_set); }
  | "no" "hostname"                                           { C(h_ikev2_peer_set); }
  | "no" "hostname" WORD                                      { C(h_ikev2_peer_set); }
  | "identity" ikev2_peer_identity                            { C(h_ikev2_peer_set); }
  | "no" "identity"                                           { C(h_ikev2_peer_set); }
  | "no" "identity" ikev2_peer_identity                       { C(h_ikev2_peer_set); }
  | "pre-shared-key" ikev2_psk_value                          { C(h_ikev2_peer_set); }
  | "pre-shared-key" "local" ikev2_psk_value                  { C(h_ikev2_peer_set); }
  | "pre-shared-key" "remote" ikev2_psk_value                 { C(h_ikev2_peer_set); }
  | "no" "pre-shared-key"                                     { C(h_ikev2_peer_set); }
  | "no" "pre-shared-key" ikev2_psk_value                     { C(h_ikev2_peer_set); }
  | "no" "pre-shared-key" "local"                             { C(h_ikev2_peer_set); }
  | "no" "pre-shared-key" "local" ikev2_psk_value             { C(h_ikev2_peer_set); }
  | "no" "pre-shared-key" "remote"                            { C(h_ikev2_peer_set); }
  | "no" "pre-shared-key" "remote" ikev2_psk_value            { C(h_ikev2_peer_set); }
  ;

ikev2_peer_identity:
    "address" IPV4
  | "address" IPV6
  | "fqdn" WORD
  | "fqdn" "domain" WORD
  | "email" WORD
  | "email" "domain" WORD
  | "key-id" WORD
  ;

ikev2_psk_value: LINE | "0" LINE | "6" LINE ;

/* ---- crypto ikev2 profile ---- */

ikev2_profile_cmd:
    "description" LINE                                        { C(h_ikev2_prof_set); }
  | "no" "description"                                        { C(h_ikev2_prof_set); }
  | "no" "description" LINE                                   { C(h_ikev2_prof_set); }
  | "shutdown"                                                { C(h_ikev2_prof_set); }
  | "no" "shutdown"                                           { C(h_ikev2_prof_set); }
  | "match" "fvrf" WORD                                       { C(h_ikev2_prof_match); }
  | "match" "fvrf" "any"                                      { C(h_ikev2_prof_match); }
  | "no" "match" "fvrf"                                       { C(h_ikev2_prof_match); }
  | "no" "match" "fvrf" WORD                                  { C(h_ikev2_prof_match); }
  | "no" "match" "fvrf" "any"                                 { C(h_ikev2_prof_match); }
  | "match" "address" "local" IPV4                            { C(h_ikev2_prof_match); }
  | "match" "address" "local" IPV6                            { C(h_ikev2_prof_match); }
  | "match" "address" "local" "interface" ikev2_ifname        { C(h_ikev2_prof_match); }
  | "no" "match" "address" "local"                            { C(h_ikev2_prof_match); }
  | "no" "match" "address" "local" IPV4                       { C(h_ikev2_prof_match); }
  | "no" "match" "address" "local" IPV6                       { C(h_ikev2_prof_match); }
  | "no" "match" "address" "local" "interface" ikev2_ifname   { C(h_ikev2_prof_match); }
  | "match" "identity" "remote" ikev2_remote_id               { C(h_ikev2_prof_match); }
  | "no" "match" "identity" "remote" ikev2_remote_id          { C(h_ikev2_prof_match); }
  | "match" "certificate" WORD                                { C(h_ikev2_prof_match); }
  | "no" "match" "certificate" WORD                           { C(h_ikev2_prof_match); }
  | "identity" "local" ikev2_local_id                         { C(h_ikev2_prof_set); }
  | "no" "identity" "local"                                   { C(h_ikev2_prof_set); }
  | "no" "identity" "local" ikev2_local_id                    { C(h_ikev2_prof_set); }
  | "authentication" "local" ikev2_auth_local                 { C(h_ikev2_prof_auth); }
  | "authentication" "remote" ikev2_auth_remote               { C(h_ikev2_prof_auth); }
  | "no" "authentication" "local"                             { C(h_ikev2_prof_auth); }
  | "no" "authentication" "local" ikev2_auth_local            { C(h_ikev2_prof_auth); }
  | "no" "authentication" "remote"                            { C(h_ikev2_prof_auth); }
  | "no" "authentication" "remote" ikev2_auth_remote          { C(h_ikev2_prof_auth); }
  | "keyring" "local" WORD                                    { C(h_ikev2_prof_keyring); }
  | "keyring" "aaa" WORD                                      { C(h_ikev2_prof_keyring); }
  | "keyring" "aaa" WORD "name-mangler" WORD                  { C(h_ikev2_prof_keyring); }
  | "keyring" "aaa" WORD "password" ikev2_password            { C(h_ikev2_prof_keyring); }
  | "keyring" "aaa" WORD "name-mangler" WORD "password" ikev2_password { C(h_ikev2_prof_keyring); }
  | "no" "keyring"                                            { C(h_ikev2_prof_keyring); }
  | "no" "keyring" "local"                                    { C(h_ikev2_prof_keyring); }
  | "no" "keyring" "local" WORD                               { C(h_ikev2_prof_keyring); }
  | "no" "keyring" "aaa"                                      { C(h_ikev2_prof_keyring); }
  | "no" "keyring" "aaa" WORD                                 { C(h_ikev2_prof_keyring); }
  | "pki" "trustpoint" WORD                                   { C(h_ikev2_prof_set); }
  | "pki" "trustpoint" WORD ikev2_tp_use                      { C(h_ikev2_prof_set); }
  | "no" "pki" "trustpoint" WORD                              { C(h_ikev2_prof_set); }
  | "no" "pki" "trustpoint" WORD ikev2_tp_use                 { C(h_ikev2_prof_set); }
  | "lifetime" "<120-86400>"                                  { C(h_ikev2_prof_set); }
  | "no" "lifetime"                                           { C(h_ikev2_prof_set); }
  | "no" "lifetime" "<120-86400>"                             { C(h_ikev2_prof_set); }
  | "default" "lifetime"                                      { C(h_ikev2_prof_set); }
  | "dpd" "<10-3600>" "<2-60>" ikev2_dpd_mode                 { C(h_ikev2_prof_set); }
  | "no" "dpd"                                                { C(h_ikev2_prof_set); }
  | "no" "dpd" "<10-3600>" "<2-60>" ikev2_dpd_mode            { C(h_ikev2_prof_set); }
  | "default" "dpd"                                           { C(h_ikev2_prof_set); }
  | "nat" "keepalive" "<5-3600>"                              { C(h_ikev2_prof_set); }
  | "no" "nat" "keepalive"                                    { C(h_ikev2_prof_set); }
  | "no" "nat" "keepalive" "<5-3600>"                         { C(h_ikev2_prof_set); }
  | "ivrf" WORD                                               { C(h_ikev2_prof_set); }
  | "no" "ivrf"                                               { C(h_ikev2_prof_set); }
  | "no" "ivrf" WORD                                          { C(h_ikev2_prof_set); }
  | "virtual-template" "<1-4095>"                             { C(h_ikev2_prof_set); }
  | "no" "virtual-template"                                   { C(h_ikev2_prof_set); }
  | "no" "virtual-template" "<1-4095>"                        { C(h_ikev2_prof_set); }
  | "config-exchange" "request"                               { C(h_ikev2_prof_set); }
  | "config-exchange" "set" "send"                            { C(h_ikev2_prof_set); }
  | "config-exchange" "set" "accept"                          { C(h_ikev2_prof_set); }
  | "no" "config-exchange" "request"                          { C(h_ikev2_prof_set); }
  | "no" "config-exchange" "set" "send"                       { C(h_ikev2_prof_set); }
  | "no" "config-exchange" "set" "accept"                     { C(h_ikev2_prof_set); }
  | "default" "config-exchange" "request"                     { C(h_ikev2_prof_set); }
  | "default" "config-exchange" "set" "send"                  { C(h_ikev2_prof_set); }
  | "default" "config-exchange" "set" "accept"                { C(h_ikev2_prof_set); }
  | "config-mode" "set"                                       { C(h_ikev2_prof_set); }
  | "no" "config-mode" "set"                                  { C(h_ikev2_prof_set); }
  | "initial-contact" "force"                                 { C(h_ikev2_prof_set); }
  | "no" "initial-contact" "force"                            { C(h_ikev2_prof_set); }
  | "redirect" "gateway" "auth"                               { C(h_ikev2_prof_set); }
  | "no" "redirect" "gateway" "auth"                          { C(h_ikev2_prof_set); }
  | "aaa" "authentication" "eap" WORD                         { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authentication" "eap"                         { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authentication" "eap" WORD                    { C(h_ikev2_prof_aaa); }
  | "aaa" "authorization" "group" ikev2_aaa_kind ikev2_aaa_list                 { C(h_ikev2_prof_aaa); }
  | "aaa" "authorization" "group" "override" ikev2_aaa_kind ikev2_aaa_list      { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "group" ikev2_aaa_kind                           { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "group" ikev2_aaa_kind ikev2_aaa_list            { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "group" "override" ikev2_aaa_kind                { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "group" "override" ikev2_aaa_kind ikev2_aaa_list { C(h_ikev2_prof_aaa); }
  | "aaa" "authorization" "user" "psk" "cached"               { C(h_ikev2_prof_aaa); }
  | "aaa" "authorization" "user" "eap" "cached"               { C(h_ikev2_prof_aaa); }
  | "aaa" "authorization" "user" ikev2_aaa_kind ikev2_aaa_list                  { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "user" ikev2_aaa_kind                            { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "user" "psk" "cached"          { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "user" "eap" "cached"          { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "authorization" "user" ikev2_aaa_kind ikev2_aaa_list             { C(h_ikev2_prof_aaa); }
  | "aaa" "accounting" ikev2_aaa_kind WORD                    { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "accounting" ikev2_aaa_kind                    { C(h_ikev2_prof_aaa); }
  | "no" "aaa" "accounting" ikev2_aaa_kind WORD               { C(h_ikev2_prof_aaa); }
  ;

ikev2_remote_id:
    "address" IPV4
  | "address" IPV4 IPV4
  | "address" IPV6PFX
  | "fqdn" WORD
  | "fqdn" "domain" WORD
  | "email" WORD
  | "email" "domain" WORD
  | "key-id" WORD
  | "any"
  ;

ikev2_local_id:
    "address" IPV4
  | "address" IPV6
  | "fqdn" WORD
  | "email" WORD
  | "key-id" WORD
  | "dn"
  ;

ikev2_auth_local:
    "pre-share"
  | "pre-share" "key" ikev2_psk_value
  | "rsa-sig"
  | "ecdsa-sig"
  | "eap"
  | "eap" ikev2_eap_method
  | "eap" ikev2_eap_creds
  | "eap" ikev2_eap_method ikev2_eap_creds
  ;

ikev2_eap_method: "gtc" | "md5" | "mschapv2" ;
ikev2_eap_creds:
    "username" WORD
  | "username" WORD "password" ikev2_password
  | "password" ikev2_password
  ;
ikev2_password: WORD | "0" WORD | "6" WORD ;

ikev2_auth_remote:
    "pre-share"
  | "pre-share" "key" ikev2_psk_value
  | "rsa-sig"
  | "ecdsa-sig"
  | "eap"
  | "eap" "query-identity"
  | "eap" "timeout" "<45-180>"
  | "eap" "query-identity" "timeout" "<45-180>"
  ;

ikev2_tp_use: "sign" | "verify" ;
ikev2_aaa_kind: "psk" | "cert" | "eap" ;
ikev2_aaa_list:
    "list" WORD
  | "list" WORD WORD
  | "list" WORD "name-mangler" WORD
  ;

ikev2_ifname:
    "GigabitEthernet" IFID
  | "FastEthernet" IFID
  | "Ethernet" IFID
  | "TenGigabitEthernet" IFID
  | "Loopback" "<0-2147483647>"
  | "Tunnel" "<0-2147483647>"
  | "Dialer" "<0-255>"
  | "Cellular" IFID
  ;

/* ---- crypto ikev2 name-mangler ---- */

ikev2_mangler_cmd:
    "fqdn" ikev2_mangle_fqdn                                  { C(h_ikev2_mangler_set); }
  | "no" "fqdn"                                               { C(h_ikev2_mangler_set); }
  | "no" "fqdn" ikev2_mangle_fqdn                             { C(h_ikev2_mangler_set); }
  | "email" ikev2_mangle_email                                { C(h_ikev2_mangler_set); }
  | "no" "email"                                              { C(h_ikev2_mangler_set); }
  | "no" "email" ikev2_mangle_email                           { C(h_ikev2_mangler_set); }
  | "dn" ikev2_dn_field                                       { C(h_ikev2_mangler_set); }
  | "no" "dn"                                                 { C(h_ikev2_mangler_set); }
  | "no" "dn" ikev2_dn_field                                  { C(h_ikev2_mangler_set); }
  | "eap" ikev2_mangle_eap                                    { C(h_ikev2_mangler_set); }
  | "no" "eap"                                                { C(h_ikev2_mangler_set); }
  | "no" "eap" ikev2_mangle_eap                               { C(h_ikev2_mangler_set); }
  ;

ikev2_mangle_fqdn: "all" | "hostname" | "domain" ;
ikev2_mangle_email: "all" | "username" | "domain" ;
ikev2_dn_field:
    "common-name" | "country" | "domain" | "locality" | "organization"
  | "organization-unit" | "state"
  ;
ikev2_mangle_eap:
    "all"
  | "dn" ikev2_dn_field
  | "prefix" "delimiter" ikev2_delimiter
  | "suffix" "delimiter" ikev2_delimiter
  ;
ikev2_delimiter: "." | "@" ;
