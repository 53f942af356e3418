/// The schema, one numbered step at a time. A released step is never edited: a change is a
/// new step.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: @Sendable (SQLFlavor) -> [String]
}

enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "petitions, targets, signatures, outbox") { sql in
            [
                """
                CREATE TABLE petitions (
                    id TEXT PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL,
                    language TEXT NOT NULL,
                    title TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    body_markdown TEXT NOT NULL,
                    organizer TEXT NOT NULL,
                    goal BIGINT NOT NULL,
                    signature_count BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE targets (
                    petition_id TEXT NOT NULL REFERENCES petitions(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    organization TEXT NOT NULL,
                    contact TEXT,
                    PRIMARY KEY (petition_id, position)
                )
                """,
                """
                CREATE TABLE signatures (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    email_fingerprint \(sql.bytes) NOT NULL,
                    state TEXT NOT NULL,
                    country TEXT NOT NULL,
                    show_name \(sql.boolean) NOT NULL,
                    wants_updates \(sql.boolean) NOT NULL,
                    source TEXT NOT NULL,
                    personal_data \(sql.bytes),
                    created_at BIGINT NOT NULL,
                    confirmed_at BIGINT,
                    UNIQUE (petition_id, email_fingerprint)
                )
                """,
                "CREATE INDEX signatures_by_petition_state ON signatures (petition_id, state)",
                """
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY,
                    sealed_message \(sql.bytes) NOT NULL,
                    created_at BIGINT NOT NULL,
                    next_attempt_at BIGINT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                )
                """,
                "CREATE INDEX outbox_due ON outbox (next_attempt_at)",
            ]
        },
        Migration(version: 2, name: "find unconfirmed signatures by age") { _ in
            ["CREATE INDEX signatures_by_state_age ON signatures (state, created_at)"]
        },
        Migration(version: 3, name: "confirmed signatures per country") { _ in
            [
                """
                CREATE TABLE country_counts (
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    country TEXT NOT NULL,
                    confirmed BIGINT NOT NULL,
                    PRIMARY KEY (petition_id, country)
                )
                """,
                // Signatures confirmed before this table existed.
                """
                INSERT INTO country_counts (petition_id, country, confirmed)
                SELECT petition_id, country, COUNT(*) FROM signatures WHERE state = 'confirmed' GROUP BY petition_id, country
                """,
            ]
        },
        Migration(version: 4, name: "outbox: messages given up on, and the history of failed attempts") { _ in
            [
                "ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'queued'",
                "DROP INDEX outbox_due",
                "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
                """
                CREATE TABLE outbox_attempts (
                    outbox_id TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
                    attempt INTEGER NOT NULL,
                    attempted_at BIGINT NOT NULL,
                    outcome TEXT NOT NULL,
                    reply_code INTEGER,
                    detail TEXT NOT NULL,
                    PRIMARY KEY (outbox_id, attempt)
                )
                """,
            ]
        },
    ]
}
