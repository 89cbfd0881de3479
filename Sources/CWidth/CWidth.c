#include "CWidth.h"
#include <locale.h>
#include <string.h>

int whet_use_utf8_ctype(void) {
    const char *set = setlocale(LC_CTYPE, "");
    if (set && (strstr(set, "UTF-8") || strstr(set, "utf8") || strstr(set, "UTF8"))) return 1;
    return setlocale(LC_CTYPE, "C.UTF-8") != NULL;
}
