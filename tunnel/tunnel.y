/* Interfaces (Tunnel, Loopback, Virtual-Template, Ethernet types), static
 * routes, access lists, track objects, VRFs, and their show commands. */

config_cmd:
    "interface" tunnel_ifname                                   { C(h_tunnel_interface); }
  | "interface" "Virtual-Template" "<1-4095>" "type" "tunnel"   { C(h_tunnel_interface); }
  | "no" "interface" tunnel_ifname                              { C(h_tunnel_interface); }
  | "ip" "route" tunnel_route_spec                              { C(h_tunnel_route); }
  | "ip" "route" "vrf" WORD tunnel_route_spec                   { C(h_tunnel_route); }
  | "no" "ip" "route" tunnel_route_spec                         { C(h_tunnel_route); }
  | "no" "ip" "route" "vrf" WORD tunnel_route_spec              { C(h_tunnel_route); }
  | "no" "ip" "route" IPV4 IPV4                                 { C(h_tunnel_route); }
  | "no" "ip" "route" "vrf" WORD IPV4 IPV4                      { C(h_tunnel_route); }
  | "access-list" "<1-99>" tunnel_acl_std                       { C(h_tunnel_acl_numbered); }
  | "access-list" "<1300-1999>" tunnel_acl_std                  { C(h_tunnel_acl_numbered); }
  | "access-list" "<100-199>" tunnel_acl_ext                    { C(h_tunnel_acl_numbered); }
  | "access-list" "<2000-2699>" tunnel_acl_ext                  { C(h_tunnel_acl_numbered); }
  | "access-list" "<1-99>" "remark" LINE                        { C(h_tunnel_acl_numbered); }
  | "access-list" "<1300-1999>" "remark" LINE                   { C(h_tunnel_acl_numbered); }
  | "access-list" "<100-199>" "remark" LINE                     { C(h_tunnel_acl_numbered); }
  | "access-list" "<2000-2699>" "remark" LINE                   { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<1-99>"                                 { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<1300-1999>"                            { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<100-199>"                              { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<2000-2699>"                            { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<1-99>" tunnel_acl_std                  { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<1300-1999>" tunnel_acl_std             { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<100-199>" tunnel_acl_ext               { C(h_tunnel_acl_numbered); }
  | "no" "access-list" "<2000-2699>" tunnel_acl_ext             { C(h_tunnel_acl_numbered); }
  | "ip" "access-list" "standard" WORD                          { C(h_tunnel_acl_named); }
  | "ip" "access-list" "extended" WORD                          { C(h_tunnel_acl_named); }
  | "no" "ip" "access-list" "standard" WORD                     { C(h_tunnel_acl_named); }
  | "no" "ip" "access-list" "extended" WORD                     { C(h_tunnel_acl_named); }
  | "track" "<1-1000>" "interface" tunnel_ifname "line-protocol"          { C(h_tunnel_track); }
  | "track" "<1-1000>" "interface" tunnel_ifname "ip" "routing"           { C(h_tunnel_track); }
  | "track" "<1-1000>" "ip" "sla" "<1-2147483647>"                        { C(h_tunnel_track); }
  | "track" "<1-1000>" "ip" "sla" "<1-2147483647>" "reachability"         { C(h_tunnel_track); }
  | "track" "<1-1000>" "ip" "sla" "<1-2147483647>" "state"                { C(h_tunnel_track); }
  | "track" "<1-1000>" "list" "boolean" "and"                             { C(h_tunnel_track); }
  | "track" "<1-1000>" "list" "boolean" "or"                              { C(h_tunnel_track); }
  | "no" "track" "<1-1000>"                                               { C(h_tunnel_track); }
  | "vrf" "definition" WORD                                     { C(h_tunnel_vrf); }
  | "no" "vrf" "definition" WORD                                { C(h_tunnel_vrf); }
  | "ip" "vrf" WORD                                             { C(h_tunnel_vrf); }
  | "no" "ip" "vrf" WORD                                        { C(h_tunnel_vrf); }
  ;

/* An interface name: type keyword, then its number. */
tunnel_ifname:
    "Tunnel" "<0-2147483647>"
  | "Loopback" "<0-2147483647>"
  | "Virtual-Template" "<1-4095>"
  | "Virtual-Access" "<1-2147483647>"
  | "GigabitEthernet" IFID
  | "FastEthernet" IFID
  | "Ethernet" IFID
  ;

/* ---- interface configuration ---- */

interface_cmd:
    "description" LINE                                          { C(h_tunnel_if_description); }
  | "no" "description"                                          { C(h_tunnel_if_description); }
  | "no" "description" LINE                                     { C(h_tunnel_if_description); }
  | "ip" "address" IPV4 IPV4                                    { C(h_tunnel_if_ip_address); }
  | "ip" "address" IPV4 IPV4 "secondary"                        { C(h_tunnel_if_ip_address); }
  | "ip" "address" "negotiated"                                 { C(h_tunnel_if_ip_address); }
  | "ip" "address" "dhcp"                                       { C(h_tunnel_if_ip_address); }
  | "no" "ip" "address"                                         { C(h_tunnel_if_ip_address); }
  | "no" "ip" "address" IPV4 IPV4                               { C(h_tunnel_if_ip_address); }
  | "no" "ip" "address" IPV4 IPV4 "secondary"                   { C(h_tunnel_if_ip_address); }
  | "no" "ip" "address" "negotiated"                            { C(h_tunnel_if_ip_address); }
  | "no" "ip" "address" "dhcp"                                  { C(h_tunnel_if_ip_address); }
  | "ip" "unnumbered" tunnel_ifname                             { C(h_tunnel_if_unnumbered); }
  | "no" "ip" "unnumbered"                                      { C(h_tunnel_if_unnumbered); }
  | "no" "ip" "unnumbered" tunnel_ifname                        { C(h_tunnel_if_unnumbered); }
  | "ipv6" "address" IPV6PFX                                    { C(h_tunnel_if_ipv6); }
  | "no" "ipv6" "address"                                       { C(h_tunnel_if_ipv6); }
  | "no" "ipv6" "address" IPV6PFX                               { C(h_tunnel_if_ipv6); }
  | "ipv6" "enable"                                             { C(h_tunnel_if_ipv6); }
  | "no" "ipv6" "enable"                                        { C(h_tunnel_if_ipv6); }
  | "ip" "mtu" "<68-9216>"                                      { C(h_tunnel_if_ip_opt); }
  | "no" "ip" "mtu"                                             { C(h_tunnel_if_ip_opt); }
  | "no" "ip" "mtu" "<68-9216>"                                 { C(h_tunnel_if_ip_opt); }
  | "ip" "tcp" "adjust-mss" "<500-1460>"                        { C(h_tunnel_if_ip_opt); }
  | "no" "ip" "tcp" "adjust-mss"                                { C(h_tunnel_if_ip_opt); }
  | "no" "ip" "tcp" "adjust-mss" "<500-1460>"                   { C(h_tunnel_if_ip_opt); }
  | "ip" "nat" "inside"                                         { C(h_tunnel_if_ip_opt); }
  | "ip" "nat" "outside"                                        { C(h_tunnel_if_ip_opt); }
  | "no" "ip" "nat" "inside"                                    { C(h_tunnel_if_ip_opt); }
  | "no" "ip" "nat" "outside"                                   { C(h_tunnel_if_ip_opt); }
  | "ip" "vrf" "forwarding" WORD                                { C(h_tunnel_if_vrf); }
  | "no" "ip" "vrf" "forwarding"                                { C(h_tunnel_if_vrf); }
  | "no" "ip" "vrf" "forwarding" WORD                           { C(h_tunnel_if_vrf); }
  | "vrf" "forwarding" WORD                                     { C(h_tunnel_if_vrf); }
  | "no" "vrf" "forwarding"                                     { C(h_tunnel_if_vrf); }
  | "no" "vrf" "forwarding" WORD                                { C(h_tunnel_if_vrf); }
  | "shutdown"                                                  { C(h_tunnel_if_shutdown); }
  | "no" "shutdown"                                             { C(h_tunnel_if_shutdown); }
  | "bandwidth" "<1-10000000>"                                  { C(h_tunnel_if_bandwidth); }
  | "no" "bandwidth"                                            { C(h_tunnel_if_bandwidth); }
  | "no" "bandwidth" "<1-10000000>"                             { C(h_tunnel_if_bandwidth); }
  | "keepalive"                                                 { C(h_tunnel_if_keepalive); }
  | "keepalive" "<0-32767>"                                     { C(h_tunnel_if_keepalive); }
  | "keepalive" "<0-32767>" "<1-255>"                           { C(h_tunnel_if_keepalive); }
  | "no" "keepalive"                                            { C(h_tunnel_if_keepalive); }
  | "tunnel" "source" IPV4                                      { C(h_tunnel_if_tunnel); }
  | "tunnel" "source" IPV6                                      { C(h_tunnel_if_tunnel); }
  | "tunnel" "source" "dynamic"                                 { C(h_tunnel_if_tunnel); }
  | "tunnel" "source" tunnel_ifname                             { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "source"                                      { C(h_tunnel_if_tunnel); }
  | "tunnel" "destination" IPV4                                 { C(h_tunnel_if_tunnel); }
  | "tunnel" "destination" IPV6                                 { C(h_tunnel_if_tunnel); }
  | "tunnel" "destination" "dynamic"                            { C(h_tunnel_if_tunnel); }
  | "tunnel" "destination" WORD                                 { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "destination"                                 { C(h_tunnel_if_tunnel); }
  | "tunnel" "mode" "ipsec" "ipv4"                              { C(h_tunnel_if_tunnel); }
  | "tunnel" "mode" "ipsec" "ipv6"                              { C(h_tunnel_if_tunnel); }
  | "tunnel" "mode" "gre" "ip"                                  { C(h_tunnel_if_tunnel); }
  | "tunnel" "mode" "gre" "ipv6"                                { C(h_tunnel_if_tunnel); }
  | "tunnel" "mode" "gre" "multipoint"                          { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "mode"                                        { C(h_tunnel_if_tunnel); }
  | "tunnel" "protection" "ipsec" "profile" WORD                { C(h_tunnel_if_tunnel); }
  | "tunnel" "protection" "ipsec" "profile" WORD "shared"       { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "protection" "ipsec" "profile"                { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "protection" "ipsec" "profile" WORD           { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "protection" "ipsec" "profile" WORD "shared"  { C(h_tunnel_if_tunnel); }
  | "tunnel" "key" "<0-4294967295>"                             { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "key"                                         { C(h_tunnel_if_tunnel); }
  | "tunnel" "vrf" WORD                                         { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "vrf"                                         { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "vrf" WORD                                    { C(h_tunnel_if_tunnel); }
  | "tunnel" "path-mtu-discovery"                               { C(h_tunnel_if_tunnel); }
  | "no" "tunnel" "path-mtu-discovery"                          { C(h_tunnel_if_tunnel); }
  ;

/* ---- static routes ---- */

tunnel_route_spec: IPV4 IPV4 tunnel_route_via tunnel_route_opts ;
tunnel_route_via:
    IPV4
  | tunnel_route_if
  | tunnel_route_if IPV4
  ;
tunnel_route_if: tunnel_ifname | "Null" "<0-0>" ;
tunnel_route_opts: %empty | tunnel_route_opts tunnel_route_opt ;
tunnel_route_opt:
    "<1-255>"
  | "tag" "<1-4294967295>"
  | "permanent"
  | "track" "<1-1000>"
  | "name" WORD
  ;

/* ---- access lists ---- */

tunnel_acl_action: "permit" | "deny" ;
tunnel_acl_std: tunnel_acl_action tunnel_acl_std_src tunnel_acl_std_log ;
tunnel_acl_std_log: %empty | "log" ;
tunnel_acl_std_src:
    "any"
  | "host" IPV4
  | IPV4
  | IPV4 IPV4
  ;
tunnel_acl_ext:
    tunnel_acl_action tunnel_acl_proto tunnel_acl_addr tunnel_acl_addr tunnel_acl_log
  | tunnel_acl_action "tcp" tunnel_acl_addr tunnel_acl_tcp_port tunnel_acl_addr tunnel_acl_tcp_port tunnel_acl_tcp_flags tunnel_acl_log
  | tunnel_acl_action "udp" tunnel_acl_addr tunnel_acl_udp_port tunnel_acl_addr tunnel_acl_udp_port tunnel_acl_log
  | tunnel_acl_action "icmp" tunnel_acl_addr tunnel_acl_addr tunnel_acl_icmp tunnel_acl_log
  ;
tunnel_acl_proto:
    "ip" | "gre" | "esp" | "ahp" | "eigrp" | "igmp" | "ipinip" | "nos" | "ospf" | "pcp"
  | "pim" | "<0-255>"
  ;
tunnel_acl_addr:
    "any"
  | "host" IPV4
  | IPV4 IPV4
  ;
tunnel_acl_tcp_port:
    %empty
  | "eq" tunnel_acl_tcp_pv
  | "neq" tunnel_acl_tcp_pv
  | "lt" tunnel_acl_tcp_pv
  | "gt" tunnel_acl_tcp_pv
  | "range" tunnel_acl_tcp_pv tunnel_acl_tcp_pv
  ;
tunnel_acl_tcp_pv:
    "<0-65535>" | "bgp" | "chargen" | "cmd" | "daytime" | "discard" | "domain" | "echo"
  | "exec" | "finger" | "ftp" | "ftp-data" | "gopher" | "hostname" | "ident" | "irc"
  | "klogin" | "kshell" | "login" | "lpd" | "msrpc" | "nntp" | "pop2" | "pop3" | "smtp"
  | "sunrpc" | "tacacs" | "talk" | "telnet" | "time" | "uucp" | "whois" | "www"
  ;
tunnel_acl_udp_port:
    %empty
  | "eq" tunnel_acl_udp_pv
  | "neq" tunnel_acl_udp_pv
  | "lt" tunnel_acl_udp_pv
  | "gt" tunnel_acl_udp_pv
  | "range" tunnel_acl_udp_pv tunnel_acl_udp_pv
  ;
tunnel_acl_udp_pv:
    "<0-65535>" | "biff" | "bootpc" | "bootps" | "discard" | "dnsix" | "domain" | "echo"
  | "isakmp" | "mobile-ip" | "nameserver" | "netbios-dgm" | "netbios-ns" | "netbios-ss"
  | "non500-isakmp" | "ntp" | "rip" | "snmp" | "snmptrap" | "sunrpc" | "syslog" | "tacacs"
  | "talk" | "tftp" | "time" | "who" | "xdmcp"
  ;
tunnel_acl_tcp_flags: %empty | "established" ;
tunnel_acl_icmp:
    %empty
  | "<0-255>"
  | "<0-255>" "<0-255>"
  | "echo" | "echo-reply" | "unreachable" | "time-exceeded" | "packet-too-big"
  | "parameter-problem" | "redirect" | "source-quench" | "timestamp-reply" | "timestamp-request"
  | "traceroute" | "ttl-exceeded"
  ;
tunnel_acl_log: %empty | "log" | "log-input" ;

std_nacl_cmd:
    tunnel_acl_std                                              { C(h_tunnel_acl_entry); }
  | "<1-2147483647>" tunnel_acl_std                             { C(h_tunnel_acl_entry); }
  | "remark" LINE                                               { C(h_tunnel_acl_entry); }
  | "no" tunnel_acl_std                                         { C(h_tunnel_acl_entry); }
  | "no" "<1-2147483647>"                                       { C(h_tunnel_acl_entry); }
  | "no" "remark" LINE                                          { C(h_tunnel_acl_entry); }
  ;

ext_nacl_cmd:
    tunnel_acl_ext                                              { C(h_tunnel_acl_entry); }
  | "<1-2147483647>" tunnel_acl_ext                             { C(h_tunnel_acl_entry); }
  | "remark" LINE                                               { C(h_tunnel_acl_entry); }
  | "no" tunnel_acl_ext                                         { C(h_tunnel_acl_entry); }
  | "no" "<1-2147483647>"                                       { C(h_tunnel_acl_entry); }
  | "no" "remark" LINE                                          { C(h_tunnel_acl_entry); }
  ;

/* ---- track objects ---- */

track_cmd:
    "delay" "up" "<0-180>"                                      { C(h_tunnel_track_opt); }
  | "delay" "up" "<0-180>" "down" "<0-180>"                     { C(h_tunnel_track_opt); }
  | "delay" "down" "<0-180>"                                    { C(h_tunnel_track_opt); }
  | "delay" "down" "<0-180>" "up" "<0-180>"                     { C(h_tunnel_track_opt); }
  | "no" "delay"                                                { C(h_tunnel_track_opt); }
  | "description" LINE                                          { C(h_tunnel_track_opt); }
  | "no" "description"                                          { C(h_tunnel_track_opt); }
  | "object" "<1-1000>"                                         { C(h_tunnel_track_opt); }
  | "object" "<1-1000>" "not"                                   { C(h_tunnel_track_opt); }
  | "no" "object" "<1-1000>"                                    { C(h_tunnel_track_opt); }
  ;

/* ---- VRFs ---- */

vrf_cmd:
    "rd" WORD                                                   { C(h_tunnel_vrf_opt); }
  | "no" "rd"                                                   { C(h_tunnel_vrf_opt); }
  | "no" "rd" WORD                                              { C(h_tunnel_vrf_opt); }
  | "description" LINE                                          { C(h_tunnel_vrf_opt); }
  | "no" "description"                                          { C(h_tunnel_vrf_opt); }
  | "address-family" "ipv4"                                     { C(h_tunnel_vrf_opt); }
  | "address-family" "ipv4" "unicast"                           { C(h_tunnel_vrf_opt); }
  | "address-family" "ipv6"                                     { C(h_tunnel_vrf_opt); }
  | "address-family" "ipv6" "unicast"                           { C(h_tunnel_vrf_opt); }
  | "no" "address-family" "ipv4"                                { C(h_tunnel_vrf_opt); }
  | "no" "address-family" "ipv4" "unicast"                      { C(h_tunnel_vrf_opt); }
  | "no" "address-family" "ipv6"                                { C(h_tunnel_vrf_opt); }
  | "no" "address-family" "ipv6" "unicast"                      { C(h_tunnel_vrf_opt); }
  ;

vrf_af_cmd:
    "exit-address-family"                                       { C(h_tunnel_vrf_opt); }
  ;

/* ---- show commands ---- */

show_what:
    "ip" "interface" "brief"                                    { C(h_tunnel_show_ip_int_brief); }
  | "interfaces"                                                { C(h_tunnel_show_interfaces); }
  | "interfaces" tunnel_ifname                                  { C(h_tunnel_show_interfaces); }
  | "running-config" "interface" tunnel_ifname                  { C(h_tunnel_show_run_if); }
  | "ip" "route"                                                { C(h_tunnel_show_ip_route); }
  | "ip" "route" "vrf" WORD                                     { C(h_tunnel_show_ip_route); }
  | "ip" "access-lists"                                         { C(h_tunnel_show_acl); }
  | "ip" "access-lists" WORD                                    { C(h_tunnel_show_acl); }
  | "access-lists"                                              { C(h_tunnel_show_acl); }
  | "access-lists" WORD                                         { C(h_tunnel_show_acl); }
  | "track"                                                     { C(h_tunnel_show_track); }
  | "track" "<1-1000>"                                          { C(h_tunnel_show_track); }
  | "vrf"                                                       { C(h_tunnel_show_vrf); }
  | "ip" "vrf"                                                  { C(h_tunnel_show_vrf); }
  ;
