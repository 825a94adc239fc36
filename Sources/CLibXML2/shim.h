// libxml2 as Debian builds it enables ICU, whose headers clash with the ICU copy inside
// Swift's Foundation when one module imports both. recall never touches libxml2's ICU
// converters (it always parses UTF-8), so the headers are read with ICU turned off:
// xmlversion.h is included first and its guard keeps the #undef in force.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/// `xmlFree` is a global function pointer, which Swift 6 refuses to read from concurrent code.
static inline void recall_xml_free(void *pointer) { xmlFree(pointer); }
