/* Exec commands, the shell's own configuration (hostname, line, logging,
 * service) and the hooks other modules extend: show_what, clear_what,
 * debug_what, config_cmd. */

user_cmd:
    exec_common
  | "show" show_user_what pipe_opt
  ;

priv_cmd:
    exec_common
  | "show" show_what pipe_opt
  | "disable"                                   { C(h_disable); }
  | "configure" "terminal"                      { C(h_configure); }
  | "configure"                                 { C(h_configure); }
  | "write" "memory"                            { C(h_write_memory); }
  | "write"                                     { C(h_write_memory); }
  | "write" "terminal"                          { C(h_show_running); }
  | "copy" "running-config" "startup-config"    { C(h_write_memory); }
  | "copy" "startup-config" "running-config"    { C(h_copy_startup_running); }
  | "clear" clear_what
  | "debug" debug_what
  | "no" "debug" debug_what
  | "undebug" debug_what
  | "undebug" "all"                             { C(h_undebug_all); }
  | "no" "debug" "all"                          { C(h_undebug_all); }
  ;

exec_common:
    "enable"                                    { C(h_enable); }
  | "exit"                                      { C(h_exit); }
  | "logout"                                    { C(h_exit); }
  | "quit"                                      { C(h_exit); }
  | "terminal" "length" "<0-512>"               { C(h_terminal); }
  | "terminal" "width" "<0-512>"                { C(h_terminal); }
  | "terminal" "monitor"                        { C(h_terminal); }
  | "terminal" "no" "monitor"                   { C(h_terminal); }
  | "terminal" "no" "length"                    { C(h_terminal); }
  ;

pipe_opt:
    %empty
  | "|" pipe_kind LINE
  ;
pipe_kind: "include" | "exclude" | "begin" | "section" | "count" ;

show_user_what:
    "version"                                   { C(h_show_version); }
  | "history"                                   { C(h_show_history); }
  | "users"                                     { C(h_show_users); }
  | "clock"                                     { C(h_show_clock); }
  | "terminal"                                  { C(h_show_terminal); }
  ;

show_what:
    show_user_what
  | "running-config"                            { C(h_show_running); }
  | "running-config" "all"                      { C(h_show_running); }
  | "startup-config"                            { C(h_show_startup); }
  | "logging"                                   { C(h_show_logging); }
  | "debugging"                                 { C(h_show_debugging); }
  ;

debug_what:
    "cli"                                       { C(h_debug_cli); }
  ;

clear_what:
    "logging"                                   { C(h_clear_logging); }
  ;

common_config_cmd:
    "do" priv_cmd
  | "exit"                                      { C(h_config_exit); }
  | "end"                                       { C(h_config_end); }
  ;

config_cmd:
    "hostname" WORD                             { C(h_hostname); }
  | "no" "hostname"                             { C(h_hostname); }
  | "no" "hostname" WORD                        { C(h_hostname); }
  | "service" service_name                      { C(h_service); }
  | "no" "service" service_name                 { C(h_service); }
  | "service" "timestamps" ts_kind ts_format    { C(h_service); }
  | "no" "service" "timestamps" ts_kind         { C(h_service); }
  | "logging" "buffered" "<4096-2147483647>"    { C(h_logging); }
  | "logging" "buffered" log_level              { C(h_logging); }
  | "logging" "buffered"                        { C(h_logging); }
  | "logging" "console" log_level               { C(h_logging); }
  | "logging" "console"                         { C(h_logging); }
  | "logging" "monitor" log_level               { C(h_logging); }
  | "logging" "monitor"                         { C(h_logging); }
  | "logging" "host" IPV4                       { C(h_logging); }
  | "logging" "trap" log_level                  { C(h_logging); }
  | "no" "logging" "buffered"                   { C(h_logging); }
  | "no" "logging" "console"                    { C(h_logging); }
  | "no" "logging" "monitor"                    { C(h_logging); }
  | "no" "logging" "host" IPV4                  { C(h_logging); }
  | "no" "logging" "trap"                       { C(h_logging); }
  | "line" "con" "<0-0>"                        { C(h_line); }
  | "line" "vty" "<0-1869>"                     { C(h_line); }
  | "line" "vty" "<0-1869>" "<1-1869>"          { C(h_line); }
  ;

service_name: "password-encryption" | "tcp-keepalives-in" | "tcp-keepalives-out" ;
ts_kind: "debug" | "log" ;
ts_format:
    "datetime" ts_opts
  | "uptime"
  ;
ts_opts: %empty | ts_opts ts_opt ;
ts_opt: "msec" | "localtime" | "show-timezone" | "year" ;
log_level:
    "emergencies" | "alerts" | "critical" | "errors" | "warnings"
  | "notifications" | "informational" | "debugging"
  ;

line_cmd:
    "exec-timeout" "<0-35791>"                  { C(h_line_opt); }
  | "exec-timeout" "<0-35791>" "<0-2147483>"    { C(h_line_opt); }
  | "no" "exec-timeout"                         { C(h_line_opt); }
  | "logging" "synchronous"                     { C(h_line_opt); }
  | "no" "logging" "synchronous"                { C(h_line_opt); }
  | "privilege" "level" "<0-15>"                { C(h_line_opt); }
  | "no" "privilege" "level"                    { C(h_line_opt); }
  | "login"                                     { C(h_line_opt); }
  | "login" "local"                             { C(h_line_opt); }
  | "no" "login"                                { C(h_line_opt); }
  | "length" "<0-512>"                          { C(h_line_opt); }
  | "no" "length"                               { C(h_line_opt); }
  | "transport" "input" transport_list          { C(h_line_opt); }
  | "no" "transport" "input"                    { C(h_line_opt); }
  ;
transport_list: transport_kind | transport_list transport_kind ;
transport_kind: "ssh" | "telnet" | "none" | "all" ;
