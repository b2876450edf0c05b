/* AAA: aaa new-model, method lists, session-id, RADIUS dynamic authorization,
 * RADIUS servers and server groups, local users.  Handlers: aaa/config_*.c. */

config_cmd:
    "aaa" "new-model"                                                 { C(h_aaa_new_model); }
  | "no" "aaa" "new-model"                                            { C(h_aaa_new_model); }
  | "aaa" "authentication" "login" aaa_list_name aaa_login_methods    { C(h_aaa_method_list); }
  | "no" "aaa" "authentication" "login" aaa_list_name                 { C(h_aaa_method_list); }
  | "no" "aaa" "authentication" "login" aaa_list_name aaa_login_methods { C(h_aaa_method_list); }
  | "aaa" "authorization" aaa_author_type aaa_list_name aaa_author_methods  { C(h_aaa_method_list); }
  | "no" "aaa" "authorization" aaa_author_type aaa_list_name          { C(h_aaa_method_list); }
  | "no" "aaa" "authorization" aaa_author_type aaa_list_name aaa_author_methods { C(h_aaa_method_list); }
  | "aaa" "accounting" aaa_acct_type aaa_list_name aaa_acct_action    { C(h_aaa_method_list); }
  | "no" "aaa" "accounting" aaa_acct_type aaa_list_name               { C(h_aaa_method_list); }
  | "no" "aaa" "accounting" aaa_acct_type aaa_list_name aaa_acct_action { C(h_aaa_method_list); }
  | "aaa" "session-id" aaa_session_kind                               { C(h_aaa_session_id); }
  | "no" "aaa" "session-id"                                           { C(h_aaa_session_id); }
  | "no" "aaa" "session-id" aaa_session_kind                          { C(h_aaa_session_id); }
  | "aaa" "server" "radius" "dynamic-author"                          { C(h_aaa_dynamic_author); }
  | "no" "aaa" "server" "radius" "dynamic-author"                     { C(h_aaa_dynamic_author); }
  | "aaa" "group" "server" "radius" WORD                              { C(h_aaa_group_server); }
  | "no" "aaa" "group" "server" "radius" WORD                         { C(h_aaa_group_server); }
  | "radius" "server" WORD                                            { C(h_aaa_radius_server); }
  | "no" "radius" "server" WORD                                       { C(h_aaa_radius_server); }
  | "username" WORD                                                   { C(h_aaa_username); }
  | "username" WORD aaa_user_attrs                                    { C(h_aaa_username); }
  | "no" "username" WORD                                              { C(h_aaa_username); }
  ;

aaa_list_name: WORD | "default" ;
aaa_author_type: "network" | "exec" ;
aaa_acct_type: "network" | "exec" ;
aaa_session_kind: "common" | "unique" ;

/* At most four methods, as in IOS. */
aaa_login_methods:
    aaa_login_m
  | aaa_login_m aaa_login_m
  | aaa_login_m aaa_login_m aaa_login_m
  | aaa_login_m aaa_login_m aaa_login_m aaa_login_m
  ;
aaa_login_m: aaa_group_m | "local" | "local-case" | "none" | "enable" | "line" ;

aaa_author_methods:
    aaa_author_m
  | aaa_author_m aaa_author_m
  | aaa_author_m aaa_author_m aaa_author_m
  | aaa_author_m aaa_author_m aaa_author_m aaa_author_m
  ;
aaa_author_m: aaa_group_m | "local" | "none" | "if-authenticated" ;

/* "radius", "tacacs+" and "ldap" (every server of that protocol) are words
 * here, not keywords: as keywords they would take any abbreviation of them,
 * and a group named "RAD" would silently become "radius". */
aaa_group_m: "group" WORD ;

aaa_acct_action:
    "none"
  | "start-stop" aaa_acct_groups
  | "stop-only" aaa_acct_groups
  ;
aaa_acct_groups:
    aaa_acct_bcast aaa_group_m
  | aaa_acct_bcast aaa_group_m aaa_group_m
  | aaa_acct_bcast aaa_group_m aaa_group_m aaa_group_m
  | aaa_acct_bcast aaa_group_m aaa_group_m aaa_group_m aaa_group_m
  ;
aaa_acct_bcast: %empty | "broadcast" ;

aaa_user_attrs:
    "privilege" "<0-15>"
  | "privilege" "<0-15>" aaa_user_pw
  | aaa_user_pw
  ;
aaa_user_pw:
    "password" LINE
  | "password" "0" LINE
  | "password" "7" LINE
  | "secret" LINE
  | "secret" "0" LINE
  | "secret" "5" LINE
  | "secret" "8" LINE
  | "secret" "9" LINE
  ;

/* A shared secret: "[0|7] KEY". */
aaa_key: LINE | "0" LINE | "7" LINE ;

/* Interfaces an AAA command can name. */
aaa_ifname:
    "Tunnel" "<0-2147483647>"
  | "Loopback" "<0-2147483647>"
  | "Dialer" "<0-255>"
  | "Vlan" "<1-4094>"
  | "Ethernet" IFID
  | "FastEthernet" IFID
  | "GigabitEthernet" IFID
  | "TenGigabitEthernet" IFID
  | "Cellular" IFID
  ;

/* ---- (config-locsvr-da-radius) ---- */

localhost_da_cmd:
    "client" IPV4                                   { C(h_aaa_da); }
  | "client" IPV4 "server-key" aaa_key              { C(h_aaa_da); }
  | "client" IPV4 "vrf" WORD                        { C(h_aaa_da); }
  | "client" IPV4 "vrf" WORD "server-key" aaa_key   { C(h_aaa_da); }
  | "no" "client" IPV4                              { C(h_aaa_da); }
  | "no" "client" IPV4 LINE                         { C(h_aaa_da); }
  | "server-key" aaa_key                            { C(h_aaa_da); }
  | "no" "server-key"                               { C(h_aaa_da); }
  | "no" "server-key" LINE                          { C(h_aaa_da); }
  | "port" "<1-65535>"                              { C(h_aaa_da); }
  | "no" "port"                                     { C(h_aaa_da); }
  | "no" "port" "<1-65535>"                         { C(h_aaa_da); }
  | "auth-type" aaa_da_auth_type                    { C(h_aaa_da); }
  | "no" "auth-type"                                { C(h_aaa_da); }
  | "no" "auth-type" aaa_da_auth_type               { C(h_aaa_da); }
  | "ignore" aaa_da_ignore                          { C(h_aaa_da); }
  | "no" "ignore" aaa_da_ignore                     { C(h_aaa_da); }
  ;
aaa_da_auth_type: "any" | "all" | "session-key" ;
aaa_da_ignore: "session-key" | "server-key" ;

/* ---- (config-radius-server) ---- */

radius_server_cmd:
    "address" "ipv4" IPV4 aaa_rs_ports              { C(h_aaa_rs); }
  | "no" "address" "ipv4"                           { C(h_aaa_rs); }
  | "no" "address" "ipv4" IPV4 aaa_rs_ports         { C(h_aaa_rs); }
  | "key" aaa_key                                   { C(h_aaa_rs); }
  | "no" "key"                                      { C(h_aaa_rs); }
  | "no" "key" LINE                                 { C(h_aaa_rs); }
  | "timeout" "<1-1000>"                            { C(h_aaa_rs); }
  | "no" "timeout"                                  { C(h_aaa_rs); }
  | "no" "timeout" "<1-1000>"                       { C(h_aaa_rs); }
  | "retransmit" "<0-100>"                          { C(h_aaa_rs); }
  | "no" "retransmit"                               { C(h_aaa_rs); }
  | "no" "retransmit" "<0-100>"                     { C(h_aaa_rs); }
  ;
aaa_rs_ports:
    %empty
  | "auth-port" "<0-65535>"
  | "acct-port" "<0-65535>"
  | "auth-port" "<0-65535>" "acct-port" "<0-65535>"
  ;

/* ---- (config-sg-radius) ---- */

sg_radius_cmd:
    "server" "name" WORD                            { C(h_aaa_sg); }
  | "no" "server" "name" WORD                       { C(h_aaa_sg); }
  | "ip" "radius" "source-interface" aaa_ifname     { C(h_aaa_sg); }
  | "no" "ip" "radius" "source-interface"           { C(h_aaa_sg); }
  | "no" "ip" "radius" "source-interface" aaa_ifname { C(h_aaa_sg); }
  | "ip" "vrf" "forwarding" WORD                    { C(h_aaa_sg); }
  | "no" "ip" "vrf" "forwarding"                    { C(h_aaa_sg); }
  | "no" "ip" "vrf" "forwarding" WORD               { C(h_aaa_sg); }
  ;
