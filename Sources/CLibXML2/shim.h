// libxml2's HTML parser (Debian libxml2-dev): the forgiving parser browsers' quirks are modelled on.
// Debian builds libxml2 with ICU, whose headers clash with the ICU that Foundation carries; whet uses none of
// libxml2's ICU encoders (it hands the parser UTF-8), so their declarations are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
