/* ikesh IOS command grammar: tail (the driver lives in driver_impl.c so that it
 * can use the parser's static expected-tokens query). */
#include "grammar/driver_impl.c"
