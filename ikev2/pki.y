/* PKI configuration: crypto pki trustpoint (ca-trustpoint) and crypto pki
 * certificate map (ca-certificate-map), and their show commands. */

config_cmd:
    "crypto" "pki" "trustpoint" WORD                             { C(h_pki_trustpoint); }
  | "no" "crypto" "pki" "trustpoint" WORD                        { C(h_pki_trustpoint); }
  | "crypto" "pki" "certificate" "map" WORD "<1-1000>"           { C(h_pki_certmap); }
  | "no" "crypto" "pki" "certificate" "map" WORD                 { C(h_pki_certmap); }
  | "no" "crypto" "pki" "certificate" "map" WORD "<1-1000>"      { C(h_pki_certmap); }
  ;

ca_trustpoint_cmd:
    "enrollment" pki_enroll                      { C(h_pki_tp_enrollment); }
  | "no" "enrollment"                            { C(h_pki_tp_enrollment); }
  | "no" "enrollment" pki_enroll                 { C(h_pki_tp_enrollment); }
  | "default" "enrollment"                       { C(h_pki_tp_enrollment); }
  | "subject-name" LINE                          { C(h_pki_tp_opt); }
  | "no" "subject-name"                          { C(h_pki_tp_opt); }
  | "no" "subject-name" LINE                     { C(h_pki_tp_opt); }
  | "subject-alt-name" LINE                      { C(h_pki_tp_opt); }
  | "no" "subject-alt-name"                      { C(h_pki_tp_opt); }
  | "no" "subject-alt-name" LINE                 { C(h_pki_tp_opt); }
  | "revocation-check" pki_revo_list             { C(h_pki_tp_opt); }
  | "no" "revocation-check"                      { C(h_pki_tp_opt); }
  | "no" "revocation-check" pki_revo_list        { C(h_pki_tp_opt); }
  | "default" "revocation-check"                 { C(h_pki_tp_opt); }
  | "rsakeypair" WORD                            { C(h_pki_tp_opt); }
  | "rsakeypair" WORD "<512-4096>"               { C(h_pki_tp_opt); }
  | "rsakeypair" WORD "<512-4096>" "<512-4096>"  { C(h_pki_tp_opt); }
  | "no" "rsakeypair"                            { C(h_pki_tp_opt); }
  | "no" "rsakeypair" WORD                       { C(h_pki_tp_opt); }
  | "eckeypair" WORD                             { C(h_pki_tp_opt); }
  | "no" "eckeypair"                             { C(h_pki_tp_opt); }
  | "no" "eckeypair" WORD                        { C(h_pki_tp_opt); }
  | "fqdn" "none"                                { C(h_pki_tp_opt); }
  | "fqdn" WORD                                  { C(h_pki_tp_opt); }
  | "no" "fqdn"                                  { C(h_pki_tp_opt); }
  | "no" "fqdn" "none"                           { C(h_pki_tp_opt); }
  | "no" "fqdn" WORD                             { C(h_pki_tp_opt); }
  | "ip-address" "none"                          { C(h_pki_tp_opt); }
  | "ip-address" IPV4                            { C(h_pki_tp_opt); }
  | "ip-address" WORD                            { C(h_pki_tp_opt); }
  | "no" "ip-address"                            { C(h_pki_tp_opt); }
  | "no" "ip-address" "none"                     { C(h_pki_tp_opt); }
  | "no" "ip-address" IPV4                       { C(h_pki_tp_opt); }
  | "no" "ip-address" WORD                       { C(h_pki_tp_opt); }
  | "serial-number"                              { C(h_pki_tp_opt); }
  | "serial-number" "none"                       { C(h_pki_tp_opt); }
  | "no" "serial-number"                         { C(h_pki_tp_opt); }
  | "no" "serial-number" "none"                  { C(h_pki_tp_opt); }
  | "chain-validation" "stop"                    { C(h_pki_tp_opt); }
  | "chain-validation" "continue"                { C(h_pki_tp_opt); }
  | "chain-validation" "continue" WORD           { C(h_pki_tp_opt); }
  | "no" "chain-validation"                      { C(h_pki_tp_opt); }
  | "no" "chain-validation" "stop"               { C(h_pki_tp_opt); }
  | "no" "chain-validation" "continue"           { C(h_pki_tp_opt); }
  | "no" "chain-validation" "continue" WORD      { C(h_pki_tp_opt); }
  | "default" "chain-validation"                 { C(h_pki_tp_opt); }
  | "auto-enroll"                                { C(h_pki_tp_opt); }
  | "auto-enroll" "<0-100>"                      { C(h_pki_tp_opt); }
  | "auto-enroll" "regenerate"                   { C(h_pki_tp_opt); }
  | "auto-enroll" "<0-100>" "regenerate"         { C(h_pki_tp_opt); }
  | "no" "auto-enroll"                           { C(h_pki_tp_opt); }
  | "no" "auto-enroll" "<0-100>"                 { C(h_pki_tp_opt); }
  | "no" "auto-enroll" "regenerate"              { C(h_pki_tp_opt); }
  | "no" "auto-enroll" "<0-100>" "regenerate"    { C(h_pki_tp_opt); }
  | "hash" pki_hash                              { C(h_pki_tp_opt); }
  | "no" "hash"                                  { C(h_pki_tp_opt); }
  | "no" "hash" pki_hash                         { C(h_pki_tp_opt); }
  ;
pki_enroll:
    "terminal"
  | "terminal" "pem"
  | "url" WORD
  | "selfsigned"
  | "pkcs12"
  | "mode" "ra"
  ;
pki_revo_list:
    pki_revo
  | pki_revo pki_revo
  | pki_revo pki_revo pki_revo
  ;
pki_revo: "crl" | "none" | "ocsp" ;
pki_hash: "md5" | "sha1" | "sha256" | "sha384" | "sha512" ;

ca_certmap_cmd:
    pki_cm_field pki_cm_op LINE                  { C(h_pki_certmap_rule); }
  | "no" pki_cm_field pki_cm_op LINE             { C(h_pki_certmap_rule); }
  ;
pki_cm_field:
    "subject-name" | "issuer-name" | "alt-subject-name" | "serial-number"
  | "unstructured-subject-name"
  ;
pki_cm_op: "co" | "eq" | "nc" | "ne" ;

show_what:
    "crypto" "pki" "trustpoints"                 { C(h_show_pki_trustpoints); }
  | "crypto" "pki" "trustpoints" WORD            { C(h_show_pki_trustpoints); }
  | "crypto" "pki" "certificates"                { C(h_show_pki_certificates); }
  | "crypto" "pki" "certificates" WORD           { C(h_show_pki_certificates); }
  ;
