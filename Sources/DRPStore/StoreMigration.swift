/// One schema step of the store. The schema version (`PRAGMA user_version`) is the number of
/// migrations applied; opening a store runs, in one transaction each, every migration past it.
///
/// To add tables (review vectors, LLM cache, profiles...): append a new `StoreMigration` at the end
/// of `StoreMigration.all` with the SQL that creates them. Never edit or reorder a migration that
/// has shipped: databases in the field have already applied it.
public struct StoreMigration: Sendable {
  /// A short description.
  public let name: String
  /// SQL statements run in one transaction.
  public let sql: String

  /// Creates a migration.
  public init(name: String, sql: String) {
    self.name = name
    self.sql = sql
  }

  /// Every migration, in order. Version N means `all[0..<N]` are applied.
  public static let all: [StoreMigration] = [
    StoreMigration(
      name: "users, items, reviews",
      sql: """
        CREATE TABLE users (id TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE items (
          id TEXT PRIMARY KEY,
          title TEXT NOT NULL DEFAULT '',
          description TEXT NOT NULL DEFAULT '',
          categories TEXT NOT NULL DEFAULT '[]',
          main_category TEXT NOT NULL DEFAULT '',
          metadata TEXT NOT NULL DEFAULT '{}'
        ) WITHOUT ROWID;
        CREATE TABLE reviews (
          id INTEGER PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id),
          item_id TEXT NOT NULL REFERENCES items(id),
          rating REAL NOT NULL,
          title TEXT NOT NULL,
          text TEXT NOT NULL,
          timestamp INTEGER NOT NULL,
          helpful_votes INTEGER NOT NULL DEFAULT 0,
          verified INTEGER NOT NULL DEFAULT 0,
          text_hash INTEGER NOT NULL
        );
        -- "reviews of user U ordered by time", and duplicate removal (same user, time, item, text).
        CREATE UNIQUE INDEX reviews_by_user_time ON reviews(user_id, timestamp, item_id, text_hash);
        -- "users who reviewed item I".
        CREATE INDEX reviews_by_item_user ON reviews(item_id, user_id);
        """),
    StoreMigration(
      name: "review vectors, embedder state, index metadata",
      sql: """
        -- One vector per review and embedder name; text_hash is the review's text_hash when embedded.
        CREATE TABLE review_vectors (
          review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
          embedder TEXT NOT NULL,
          text_hash INTEGER NOT NULL,
          vector BLOB NOT NULL,
          PRIMARY KEY (review_id, embedder)
        );
        CREATE INDEX review_vectors_by_embedder ON review_vectors(embedder, review_id);
        -- Fitted state of an embedder family (the builtin embedder's IDF).
        CREATE TABLE embedder_state (
          embedder TEXT PRIMARY KEY,
          idf BLOB,
          documents INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL DEFAULT 0
        );
        -- Which embedder built a vector index file; stale = 1 when the file lags behind the store.
        CREATE TABLE index_meta (
          name TEXT PRIMARY KEY,
          embedder TEXT NOT NULL,
          dimension INTEGER NOT NULL,
          stale INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL DEFAULT 0
        );
        """),
    StoreMigration(
      name: "llm_cache",
      sql: """
        -- LLM replies by cache key (stage/template/model/digest of the rendered request).
        CREATE TABLE llm_cache (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL,
          created INTEGER NOT NULL
        ) WITHOUT ROWID;
        """),
    StoreMigration(
      name: "profiles",
      sql: """
        -- Difference profiles: a ProfileResult JSON per user, mode and options variant.
        CREATE TABLE profiles (
          user_id TEXT NOT NULL,
          mode TEXT NOT NULL,
          variant TEXT NOT NULL,
          result TEXT NOT NULL,
          stale INTEGER NOT NULL DEFAULT 0,
          created INTEGER NOT NULL,
          PRIMARY KEY (user_id, mode, variant)
        ) WITHOUT ROWID;
        """),
    StoreMigration(
      name: "profiles keyed by the user's review set",
      sql: """
        -- A digest of the user's (visible) reviews when the profile was built: a stored profile is
        -- current only while the digest still matches, whichever process added a review since.
        ALTER TABLE profiles ADD COLUMN reviews_digest TEXT NOT NULL DEFAULT '';
        """),
    StoreMigration(
      name: "held-out reviews and fit exclusions",
      sql: """
        -- A user's held-out review (e.g. the target of a DPL benchmark row): what `drp eval --targets`
        -- evaluates. One per user; `source` names where the mark came from (`dpl`).
        CREATE TABLE held_out (
          user_id TEXT PRIMARY KEY,
          review_id INTEGER NOT NULL,
          source TEXT NOT NULL
        ) WITHOUT ROWID;
        -- Reviews an embedder family's fitted state (the builtin IDF) was fitted without.
        CREATE TABLE fit_exclusions (
          embedder TEXT NOT NULL,
          review_id INTEGER NOT NULL,
          PRIMARY KEY (embedder, review_id)
        ) WITHOUT ROWID;
        -- The largest review id when the state was fitted (0: unknown, fitted before this column existed).
        ALTER TABLE embedder_state ADD COLUMN fitted_through INTEGER NOT NULL DEFAULT 0;
        """),
  ]
}
