// glibc's malloc_trim: gives freed heap memory back to the system (RecallSync's
// `releaseFreedMemory`, after reading a large deck file). Part of libc: nothing to link.
#include <malloc.h>
