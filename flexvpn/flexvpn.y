/* FlexVPN: IKEv2 authorization policies, FlexVPN client profiles, IP local
 * pools.  Handlers: flexvpn/config_author.c, config_client.c, config_pool.c. */

config_cmd:
    "crypto" "ikev2" "authorization" "policy" flexvpn_author_name        { C(h_fv_author_policy); }
  | "no" "crypto" "ikev2" "authorization" "policy" flexvpn_author_name   { C(h_fv_author_policy); }
  | "crypto" "ikev2" "client" "flexvpn" WORD                             { C(h_fv_client); }
  | "no" "crypto" "ikev2" "client" "flexvpn" WORD                        { C(h_fv_client); }
  | "ip" "local" "pool" flexvpn_pool_name IPV4                           { C(h_fv_ip_local_pool); }
  | "ip" "local" "pool" flexvpn_pool_name IPV4 IPV4                      { C(h_fv_ip_local_pool); }
  | "no" "ip" "local" "pool" flexvpn_pool_name                           { C(h_fv_ip_local_pool); }
  | "no" "ip" "local" "pool" flexvpn_pool_name IPV4                      { C(h_fv_ip_local_pool); }
  | "no" "ip" "local" "pool" flexvpn_pool_name IPV4 IPV4                 { C(h_fv_ip_local_pool); }
  ;

flexvpn_author_name: WORD | "default" ;
flexvpn_pool_name: WORD | "default" ;

show_what:
    "ip" "local" "pool"                                                  { C(h_fv_show_ip_local_pool); }
  | "ip" "local" "pool" WORD                                             { C(h_fv_show_ip_local_pool); }
  ;

/* Interfaces a FlexVPN command can name. */
flexvpn_ifname:
    "Tunnel" "<0-2147483647>"
  | "Loopback" "<0-2147483647>"
  | "Virtual-Template" "<1-4095>"
  | "Dialer" "<0-255>"
  | "Vlan" "<1-4094>"
  | "Ethernet" IFID
  | "FastEthernet" IFID
  | "GigabitEthernet" IFID
  | "TenGigabitEthernet" IFID
  | "Cellular" IFID
  ;

/* ---- (config-ikev2-author-policy) ---- */

ikev2_author_cmd:
    "pool" WORD                                          { C(h_fv_author_set); }
  | "no" "pool" flexvpn_opt_word                         { C(h_fv_author_set); }
  | "dns" IPV4                                           { C(h_fv_author_set); }
  | "dns" IPV4 IPV4                                      { C(h_fv_author_set); }
  | "no" "dns" flexvpn_opt_ipv4s                         { C(h_fv_author_set); }
  | "wins" IPV4                                          { C(h_fv_author_set); }
  | "wins" IPV4 IPV4                                     { C(h_fv_author_set); }
  | "no" "wins" flexvpn_opt_ipv4s                        { C(h_fv_author_set); }
  | "netmask" IPV4                                       { C(h_fv_author_set); }
  | "no" "netmask" flexvpn_opt_ipv4s                     { C(h_fv_author_set); }
  | "def-domain" WORD                                    { C(h_fv_author_set); }
  | "no" "def-domain" flexvpn_opt_word                   { C(h_fv_author_set); }
  | "split-dns" WORD                                     { C(h_fv_author_set); }
  | "no" "split-dns" flexvpn_opt_word                    { C(h_fv_author_set); }
  | "backup-gateway" WORD                                { C(h_fv_author_set); }
  | "no" "backup-gateway" flexvpn_opt_word               { C(h_fv_author_set); }
  | "subnet-acl" WORD                                    { C(h_fv_author_set); }
  | "no" "subnet-acl" flexvpn_opt_word                   { C(h_fv_author_set); }
  | "pfs"                                                { C(h_fv_author_set); }
  | "no" "pfs"                                           { C(h_fv_author_set); }
  | "include-local-lan"                                  { C(h_fv_author_set); }
  | "no" "include-local-lan"                             { C(h_fv_author_set); }
  | "smartcard-removal-disconnect"                       { C(h_fv_author_set); }
  | "no" "smartcard-removal-disconnect"                  { C(h_fv_author_set); }
  | "session-lifetime" "<120-25920000>"                  { C(h_fv_author_set); }
  | "no" "session-lifetime"                              { C(h_fv_author_set); }
  | "no" "session-lifetime" "<120-25920000>"             { C(h_fv_author_set); }
  | "ipsec" "flow-limit" "<0-50000>"                     { C(h_fv_author_set); }
  | "no" "ipsec" "flow-limit"                            { C(h_fv_author_set); }
  | "no" "ipsec" "flow-limit" "<0-50000>"                { C(h_fv_author_set); }
  | "aaa" "attribute" "list" WORD                        { C(h_fv_author_set); }
  | "no" "aaa" "attribute" "list" flexvpn_opt_word       { C(h_fv_author_set); }
  | "dhcp" "server" WORD                                 { C(h_fv_author_set); }
  | "dhcp" "giaddr" IPV4                                 { C(h_fv_author_set); }
  | "dhcp" "timeout" "<4-30>"                            { C(h_fv_author_set); }
  | "no" "dhcp" "server" flexvpn_opt_word                { C(h_fv_author_set); }
  | "no" "dhcp" "giaddr" flexvpn_opt_ipv4s               { C(h_fv_author_set); }
  | "no" "dhcp" "timeout"                                { C(h_fv_author_set); }
  | "no" "dhcp" "timeout" "<4-30>"                       { C(h_fv_author_set); }
  | "ipv6" "pool" WORD                                   { C(h_fv_author_set); }
  | "ipv6" "dns" IPV6                                    { C(h_fv_author_set); }
  | "ipv6" "dns" IPV6 IPV6                               { C(h_fv_author_set); }
  | "ipv6" "prefix" "<1-128>"                            { C(h_fv_author_set); }
  | "no" "ipv6" "pool" flexvpn_opt_word                  { C(h_fv_author_set); }
  | "no" "ipv6" "dns"                                    { C(h_fv_author_set); }
  | "no" "ipv6" "dns" IPV6                               { C(h_fv_author_set); }
  | "no" "ipv6" "dns" IPV6 IPV6                          { C(h_fv_author_set); }
  | "no" "ipv6" "prefix"                                 { C(h_fv_author_set); }
  | "no" "ipv6" "prefix" "<1-128>"                       { C(h_fv_author_set); }
  | "route" "set" "interface"                            { C(h_fv_author_route); }
  | "route" "set" "interface" flexvpn_ifname             { C(h_fv_author_route); }
  | "route" "set" "access-list" WORD                     { C(h_fv_author_route); }
  | "route" "set" "access-list" "ipv6" WORD              { C(h_fv_author_route); }
  | "route" "set" "remote" "ipv4" IPV4 IPV4              { C(h_fv_author_route); }
  | "route" "set" "remote" "ipv6" IPV6PFX                { C(h_fv_author_route); }
  | "route" "accept" "any" flexvpn_accept_opts           { C(h_fv_author_route); }
  | "no" "route" "set"                                   { C(h_fv_author_route); }
  | "no" "route" "set" "interface"                       { C(h_fv_author_route); }
  | "no" "route" "set" "interface" flexvpn_ifname        { C(h_fv_author_route); }
  | "no" "route" "set" "access-list" flexvpn_opt_word    { C(h_fv_author_route); }
  | "no" "route" "set" "access-list" "ipv6" flexvpn_opt_word { C(h_fv_author_route); }
  | "no" "route" "set" "remote"                          { C(h_fv_author_route); }
  | "no" "route" "set" "remote" "ipv4"                   { C(h_fv_author_route); }
  | "no" "route" "set" "remote" "ipv4" IPV4 IPV4         { C(h_fv_author_route); }
  | "no" "route" "set" "remote" "ipv6"                   { C(h_fv_author_route); }
  | "no" "route" "set" "remote" "ipv6" IPV6PFX           { C(h_fv_author_route); }
  | "no" "route" "accept" "any" flexvpn_accept_opts      { C(h_fv_author_route); }
  ;

flexvpn_opt_word: %empty | WORD ;
flexvpn_opt_ipv4s: %empty | IPV4 | IPV4 IPV4 ;
flexvpn_accept_opts:
    %empty
  | "tag" "<1-497777>"
  | "distance" "<1-255>"
  | "tag" "<1-497777>" "distance" "<1-255>"
  ;

/* ---- (config-ikev2-flexvpn) ---- */

ikev2_flexvpn_cmd:
    "peer" "<1-255>" IPV4 flexvpn_track_opt                       { C(h_fv_client_peer); }
  | "peer" "<1-255>" IPV6 flexvpn_track_opt                       { C(h_fv_client_peer); }
  | "peer" "<1-255>" "fqdn" WORD flexvpn_fqdn_opts flexvpn_track_opt { C(h_fv_client_peer); }
  | "peer" "reactivate"                                           { C(h_fv_client_peer); }
  | "no" "peer" "<1-255>"                                         { C(h_fv_client_peer); }
  | "no" "peer" "<1-255>" LINE                                    { C(h_fv_client_peer); }
  | "no" "peer" "reactivate"                                      { C(h_fv_client_peer); }
  | "connect" "auto"                                              { C(h_fv_client_connect); }
  | "connect" "manual"                                            { C(h_fv_client_connect); }
  | "connect" "track" "<1-1000>" flexvpn_updown                   { C(h_fv_client_connect); }
  | "no" "connect"                                                { C(h_fv_client_connect); }
  | "no" "connect" LINE                                           { C(h_fv_client_connect); }
  | "client" "connect" "Tunnel" "<0-2147483647>"                  { C(h_fv_client_client); }
  | "no" "client" "connect"                                       { C(h_fv_client_client); }
  | "no" "client" "connect" "Tunnel" "<0-2147483647>"             { C(h_fv_client_client); }
  | "client" "inside" flexvpn_ifname                              { C(h_fv_client_client); }
  | "no" "client" "inside"                                        { C(h_fv_client_client); }
  | "no" "client" "inside" flexvpn_ifname                         { C(h_fv_client_client); }
  | "source" "<1-255>" flexvpn_ifname                             { C(h_fv_client_source); }
  | "source" "<1-255>" flexvpn_ifname "track" "<1-1000>"          { C(h_fv_client_source); }
  | "no" "source" "<1-255>"                                       { C(h_fv_client_source); }
  | "no" "source" "<1-255>" LINE                                  { C(h_fv_client_source); }
  | "backup" "group" "<1-255>"                                    { C(h_fv_client_backup); }
  | "backup" "group" "default"                                    { C(h_fv_client_backup); }
  | "no" "backup" "group"                                         { C(h_fv_client_backup); }
  | "no" "backup" "group" LINE                                    { C(h_fv_client_backup); }
  ;

flexvpn_track_opt: %empty | "track" "<1-1000>" flexvpn_updown ;
flexvpn_updown: %empty | "up" | "down" ;
flexvpn_fqdn_opts: %empty | "dynamic" | "ipv6" | "dynamic" "ipv6" ;
