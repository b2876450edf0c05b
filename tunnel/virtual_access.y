/* Virtual-Access interfaces (tunnel/virtual_access.c): derived configuration. */

show_what:
    "derived-config" "interface" tunnel_ifname                   { C(h_tunnel_show_derived_if); }
  ;
