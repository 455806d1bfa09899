#include <sqlite3.h>

/// Turns SQLite's memory statistics off (on: 1) for the whole process; SQLITE_MISUSE once SQLite
/// is initialized (call it before the first connection opens). `sqlite3_config` is variadic,
/// which Swift cannot call, so this one option is a plain function. With the statistics on (the
/// default), every allocation SQLite makes takes one process-wide mutex.
static inline int drp_sqlite3_config_memstatus(int on) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
