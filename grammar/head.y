/* ikesh IOS command grammar: head.  grammar/merge.sh appends the generated
 * token declarations, the module fragments and tail.y. */
%define api.pure full
%define api.push-pull push
%define parse.lac full
%define parse.error custom
%define api.token.prefix {T_}
%param {struct parsectx *ctx}
%define api.value.type {int}
%expect 0

%code requires {
#include "grammar/cmd.h"
struct parsectx { struct cmd *cmd; };
}
%code {
#include <stdio.h>
#include <string.h>
/* The innermost command rule names the handler; wrappers such as "do" leave it. */
#define C(h) do { if (!ctx->cmd->handler) ctx->cmd->handler = (h); } while (0)
static void yyerror(struct parsectx *ctx, const char *msg) { (void)ctx; (void)msg; }
}

/* Value shapes; the driver decides which one a word is. */
%token WORD "WORD"
%token LINE "LINE"
%token IPV4 "A.B.C.D"
%token IPV4PFX "A.B.C.D/nn"
%token IPV6 "X:X:X:X::X"
%token IPV6PFX "X:X:X:X::X/<0-128>"
%token IFID "<slot/port>"
