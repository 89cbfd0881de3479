// The Snowball project's stemmers (Debian libstemmer-dev): one algorithm per language.
#include <libstemmer.h>
