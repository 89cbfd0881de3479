// The terminal display width of a character, from the C library, which Swift's Glibc module does not export.
#ifndef WHET_CWIDTH_H
#define WHET_CWIDTH_H
#include <wchar.h>
int wcwidth(wchar_t c);
/// Sets LC_CTYPE from the environment, falling back to C.UTF-8, so wcwidth knows wide characters.
int whet_use_utf8_ctype(void);
#endif
