#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call: the one setting recall changes, in a
// function of fixed arguments. Only before SQLite is first used (`Database`).
static inline int recall_sqlite_statement_journal_spill(int bytes) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes);
}
