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
        Migration(version: 5, name: "data keys, withdrawal, invalidation batches, delivery date") { sql in
            [
                """
                CREATE TABLE data_keys (
                    id BIGINT PRIMARY KEY,
                    master_key_id TEXT NOT NULL,
                    wrapped_key \(sql.bytes) NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE invalidations (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    reason TEXT NOT NULL,
                    criteria TEXT NOT NULL,
                    signatures BIGINT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "ALTER TABLE signatures ADD COLUMN ended_at BIGINT",
                "ALTER TABLE signatures ADD COLUMN invalidation_id TEXT REFERENCES invalidations(id)",
                "ALTER TABLE petitions ADD COLUMN delivered_at BIGINT",
                "CREATE INDEX signatures_by_petition_created ON signatures (petition_id, created_at)",
            ]
        },
        // Used where instances share the database (PostgreSQL), where they are unlogged.
        Migration(version: 6, name: "redeemed proof-of-work challenges, shared rate buckets") { sql in
            [
                "\(sql.createEphemeralTable) redeemed_challenges (nonce \(sql.bytes) PRIMARY KEY, expires_at BIGINT NOT NULL)",
                "CREATE INDEX redeemed_challenges_by_expiry ON redeemed_challenges (expires_at)",
                // A bucket is 20 bits of a keyed hash of a client address: never the address.
                """
                \(sql.createEphemeralTable) rate_buckets (
                    bucket INTEGER NOT NULL,
                    window_seconds INTEGER NOT NULL,
                    window_start BIGINT NOT NULL,
                    hits BIGINT NOT NULL,
                    PRIMARY KEY (bucket, window_seconds, window_start)
                )
                """,
                "CREATE INDEX rate_buckets_by_window ON rate_buckets (window_start)",
            ]
        },
        Migration(version: 7, name: "signature logs: entries, perfect subtrees, state, signed tree heads") { sql in
            [
                """
                CREATE TABLE log_state (
                    petition_id TEXT PRIMARY KEY REFERENCES petitions(id),
                    size BIGINT NOT NULL,
                    frontier \(sql.bytes) NOT NULL,
                    confirmed BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE log_entries (
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    position BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    receipt_hash \(sql.bytes) NOT NULL,
                    recorded_at BIGINT NOT NULL,
                    PRIMARY KEY (petition_id, position)
                )
                """,
                "CREATE INDEX log_entries_by_receipt ON log_entries (petition_id, receipt_hash)",
                """
                CREATE TABLE log_nodes (
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    level INTEGER NOT NULL,
                    position BIGINT NOT NULL,
                    hash \(sql.bytes) NOT NULL,
                    PRIMARY KEY (petition_id, level, position)
                )
                """,
                """
                CREATE TABLE tree_heads (
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    size BIGINT NOT NULL,
                    root \(sql.bytes) NOT NULL,
                    signed_count BIGINT NOT NULL,
                    signed_at BIGINT NOT NULL,
                    key_id TEXT NOT NULL,
                    signature \(sql.bytes) NOT NULL,
                    PRIMARY KEY (petition_id, size)
                )
                """,
                // Every petition gets its (empty) log; signatures confirmed earlier are not in it.
                "INSERT INTO log_state (petition_id, size, frontier, confirmed) SELECT id, 0, \(sql.emptyBytes), 0 FROM petitions",
            ]
        },
        Migration(version: 8, name: "deliveries to targets, with evidence and the tree head they carried") { sql in
            [
                """
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    target_position INTEGER NOT NULL,
                    delivered_at BIGINT NOT NULL,
                    channel TEXT NOT NULL,
                    delivered_by TEXT NOT NULL,
                    notes TEXT NOT NULL,
                    evidence_name TEXT,
                    evidence_type TEXT,
                    evidence \(sql.bytes),
                    tree_head_size BIGINT NOT NULL,
                    recorded_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX deliveries_by_petition ON deliveries (petition_id, target_position)",
            ]
        },
        Migration(
            version: 9, name: "accounts, sessions, password resets, organizations, members, invitations, audit log"
        ) { sql in
            [
                // The address is sealed; its fingerprint (an HMAC) finds the account at sign-in.
                """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    email_fingerprint \(sql.bytes) NOT NULL UNIQUE,
                    sealed_email \(sql.bytes) NOT NULL,
                    password_hash TEXT NOT NULL,
                    is_admin \(sql.boolean) NOT NULL,
                    created_at BIGINT NOT NULL,
                    disabled_at BIGINT,
                    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
                    locked_until BIGINT
                )
                """,
                // Tokens are stored as their SHA-256 only.
                """
                CREATE TABLE sessions (
                    token_hash \(sql.bytes) PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sessions_by_account ON sessions (account_id)",
                """
                CREATE TABLE password_resets (
                    token_hash \(sql.bytes) PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    used_at BIGINT
                )
                """,
                "CREATE INDEX password_resets_by_account ON password_resets (account_id, created_at)",
                """
                CREATE TABLE organizations (
                    id TEXT PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE memberships (
                    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    role TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (organization_id, account_id)
                )
                """,
                "CREATE INDEX memberships_by_account ON memberships (account_id)",
                """
                CREATE TABLE invitations (
                    id TEXT PRIMARY KEY,
                    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    token_hash \(sql.bytes) NOT NULL UNIQUE,
                    email_fingerprint \(sql.bytes) NOT NULL,
                    sealed_email \(sql.bytes) NOT NULL,
                    role TEXT NOT NULL,
                    invited_by TEXT REFERENCES accounts(id),
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    accepted_at BIGINT,
                    accepted_by TEXT REFERENCES accounts(id),
                    revoked_at BIGINT
                )
                """,
                "CREATE INDEX invitations_by_organization ON invitations (organization_id, created_at)",
                // The actor is kept as an id without a foreign key: history outlives what it names.
                """
                CREATE TABLE audit_events (
                    id TEXT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    actor_account_id TEXT,
                    action TEXT NOT NULL,
                    subject_type TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    organization_id TEXT,
                    details TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_events_by_time ON audit_events (at)",
                "CREATE INDEX audit_events_by_organization ON audit_events (organization_id, at)",
            ]
        },
        Migration(version: 10, name: "targets' private links and public responses; announcements to signers") { sql in
            [
                """
                CREATE TABLE target_links (
                    token_hash \(sql.bytes) PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    target_position INTEGER NOT NULL,
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """,
                """
                CREATE TABLE responses (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    target_position INTEGER NOT NULL,
                    body_markdown TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX responses_by_petition ON responses (petition_id, created_at)",
                """
                CREATE TABLE announcements (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    cursor_created_at BIGINT,
                    cursor_id TEXT,
                    recipients BIGINT NOT NULL DEFAULT 0,
                    finished_at BIGINT
                )
                """,
            ]
        },
        Migration(version: 11, name: "petitions owned by organizations, their review, amendments and images") { sql in
            [
                // Petitions made before organizations (the seed) belong to none: admins run them.
                "ALTER TABLE petitions ADD COLUMN organization_id TEXT REFERENCES organizations(id)",
                // Why a petition was taken down (public) or sent back by a moderator (to its organizers).
                "ALTER TABLE petitions ADD COLUMN state_reason TEXT",
                "ALTER TABLE petitions ADD COLUMN state_changed_at BIGINT",
                "ALTER TABLE petitions ADD COLUMN updated_at BIGINT",
                "CREATE INDEX petitions_by_organization ON petitions (organization_id, created_at)",
                "CREATE INDEX petitions_by_state ON petitions (state, created_at)",
                """
                CREATE TABLE amendments (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    body_markdown TEXT NOT NULL,
                    author_account_id TEXT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX amendments_by_petition ON amendments (petition_id, created_at)",
                """
                CREATE TABLE petition_images (
                    petition_id TEXT PRIMARY KEY REFERENCES petitions(id),
                    content_type TEXT NOT NULL,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    digest TEXT NOT NULL,
                    alt_text TEXT NOT NULL,
                    bytes \(sql.bytes) NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
            ]
        },
        // Only the public half: the private key never reaches the server.
        Migration(version: 12, name: "organizations' public keys for delivery packages") { sql in
            [
                """
                CREATE TABLE organization_keys (
                    organization_id TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
                    public_key \(sql.bytes) NOT NULL,
                    set_at BIGINT NOT NULL
                )
                """
            ]
        },
        Migration(version: 13, name: "visitors' reports of petitions") { sql in
            [
                // No column for who reported: neither account nor address is ever kept.
                """
                CREATE TABLE petition_reports (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    reason TEXT NOT NULL,
                    details \(sql.bytes),
                    created_at BIGINT NOT NULL,
                    resolved_at BIGINT,
                    resolution TEXT
                )
                """,
                "CREATE INDEX open_petition_reports ON petition_reports (petition_id, created_at) WHERE resolved_at IS NULL",
            ]
        },
        Migration(version: 14, name: "organizers' updates; confirmations per day and source") { _ in
            [
                """
                CREATE TABLE updates (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    subject TEXT NOT NULL,
                    body_markdown TEXT NOT NULL,
                    author_account_id TEXT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX updates_by_petition ON updates (petition_id, created_at)",
                // Set on the announcement that emails an update; a target's response has none.
                "ALTER TABLE announcements ADD COLUMN update_id TEXT REFERENCES updates(id)",
                // Kept in the transaction of each confirmation, withdrawal and invalidation, like
                // country_counts, so a petition's dashboard reads a few hundred rows at any size.
                """
                CREATE TABLE daily_confirmations (
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    day BIGINT NOT NULL,
                    source TEXT NOT NULL,
                    confirmed BIGINT NOT NULL,
                    PRIMARY KEY (petition_id, day, source)
                )
                """,
                // Signatures confirmed before this table existed; a day is Unix milliseconds / 86,400,000 (UTC).
                """
                INSERT INTO daily_confirmations (petition_id, day, source, confirmed)
                SELECT petition_id, confirmed_at / 86400000, source, COUNT(*) FROM signatures
                WHERE state = 'confirmed' AND confirmed_at IS NOT NULL GROUP BY petition_id, confirmed_at / 86400000, source
                """,
            ]
        },
        Migration(version: 15, name: "petitions' translations") { _ in
            [
                """
                CREATE TABLE petition_translations (
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    language TEXT NOT NULL,
                    title TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    body_markdown TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (petition_id, language)
                )
                """
            ]
        },
        Migration(
            version: 16, name: "targets' responses wait for review; audit actors without an account; no account lockout"
        ) { _ in
            [
                // Responses posted before this step were published at once: they count as approved.
                "ALTER TABLE responses ADD COLUMN state TEXT NOT NULL DEFAULT 'approved'",
                "ALTER TABLE responses ADD COLUMN decided_at BIGINT",
                // The organizer who decided, kept without a foreign key as in the audit log.
                "ALTER TABLE responses ADD COLUMN decided_by TEXT",
                "UPDATE responses SET decided_at = created_at",
                "CREATE INDEX responses_by_target ON responses (petition_id, target_position, created_at)",
                // A target acting through its private link has no account.
                "ALTER TABLE audit_events ADD COLUMN actor_label TEXT",
                // Failed sign-ins are counted in memory now, per account and client address.
                "ALTER TABLE accounts DROP COLUMN failed_sign_ins",
                "ALTER TABLE accounts DROP COLUMN locked_until",
            ]
        },
        Migration(version: 17, name: "translations reviewed like the text") { _ in
            [
                // NULL while no moderator has seen it. Those of petitions that have opened were
                // public already; the others are approved with their petition.
                "ALTER TABLE petition_translations ADD COLUMN approved_at BIGINT",
                """
                UPDATE petition_translations SET approved_at = updated_at
                WHERE petition_id IN (SELECT id FROM petitions WHERE state NOT IN ('draft', 'pending_review'))
                """,
            ]
        },
        Migration(version: 18, name: "batches of signatures gathered on paper") { _ in
            [
                """
                CREATE TABLE paper_batches (
                    id TEXT PRIMARY KEY,
                    petition_id TEXT NOT NULL REFERENCES petitions(id),
                    collected_by TEXT NOT NULL,
                    place TEXT NOT NULL,
                    collected_on TEXT NOT NULL,
                    file_sha256 TEXT NOT NULL,
                    signer_rows INTEGER NOT NULL,
                    counted INTEGER NOT NULL,
                    imported_at BIGINT NOT NULL,
                    voided_at BIGINT,
                    void_reason TEXT
                )
                """,
                "CREATE INDEX paper_batches_by_petition ON paper_batches (petition_id, imported_at)",
                "ALTER TABLE signatures ADD COLUMN paper_batch_id TEXT REFERENCES paper_batches(id)",
                "CREATE INDEX signatures_by_paper_batch ON signatures (paper_batch_id) WHERE paper_batch_id IS NOT NULL",
            ]
        },
        Migration(version: 19, name: "partner sites' API keys") { sql in
            [
                """
                CREATE TABLE partner_keys (
                    id TEXT PRIMARY KEY,
                    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    label TEXT NOT NULL,
                    hint TEXT NOT NULL,
                    secret_hash \(sql.bytes) NOT NULL UNIQUE,
                    created_at BIGINT NOT NULL,
                    created_by TEXT REFERENCES accounts(id),
                    last_used_at BIGINT,
                    revoked_at BIGINT
                )
                """,
                "CREATE INDEX partner_keys_by_organization ON partner_keys (organization_id, created_at)",
            ]
        },
        Migration(version: 20, name: "organizers' notices: members' choices, goals reached") { _ in
            [
                // NULL until the member chooses: their role's default (NoticeChoice.standard).
                "ALTER TABLE memberships ADD COLUMN notices TEXT",
                // The highest goal whose reaching was told. A petition past its goal already
                // counts as told, so that an upgrade sends no late news.
                "ALTER TABLE petitions ADD COLUMN goal_reached BIGINT NOT NULL DEFAULT 0",
                "UPDATE petitions SET goal_reached = goal WHERE signature_count >= goal",
                // Who last submitted a petition is read from its audit events.
                "CREATE INDEX audit_events_by_subject ON audit_events (subject_id, at)",
            ]
        },
        Migration(version: 21, name: "the language of the emails each account is sent") { _ in
            [
                // NULL until the account signs in or chooses one: English.
                "ALTER TABLE accounts ADD COLUMN language TEXT"
            ]
        },
        Migration(version: 22, name: "who speaks in an announcement, told in each signer's language") { _ in
            [
                // NULL for announcements stored before: their body begins with an English lead.
                "ALTER TABLE announcements ADD COLUMN lead_kind TEXT",
                "ALTER TABLE announcements ADD COLUMN lead_name TEXT",
            ]
        },
        Migration(version: 23, name: "index only the signatures not confirmed") { _ in
            [
                // A confirmation moved an entry in each of these, to a random place among
                // millions; it now only removes one from an index of the few not confirmed.
                "DROP INDEX signatures_by_petition_state",
                "DROP INDEX signatures_by_state_age",
                // The queries repeat these conditions word for word (`SignatureIndexes`).
                "CREATE INDEX signatures_unconfirmed ON signatures (petition_id, state) WHERE state <> 'confirmed'",
                "CREATE INDEX signatures_pending_by_age ON signatures (created_at) WHERE state = 'pending'",
            ]
        },
        Migration(version: 24, name: "the outbox's figures read from its index") { _ in
            [
                // The queue's depth and its oldest message, for /metrics, read the index alone;
                // they read every queued message's row, a few kilobytes each, at every scrape.
                "DROP INDEX outbox_due",
                "CREATE INDEX outbox_due ON outbox (state, next_attempt_at, created_at)",
            ]
        },
        Migration(version: 25, name: "the outbox's sealed messages kept in their rows") { sql in
            // Sealed emails that held both their bodies often passed 2 KB, and announcements can
            // be longer: each such was compressed in vain, written to a second table, and read
            // back from it when sent.
            sql.storedInline("outbox", "sealed_message")
        },
        Migration(version: 26, name: "receipts queued as the signatures they are written from") { _ in
            [
                // Set on a receipt (``QueuedReceipt``): its sealed_message is then the
                // signature's sealed personal data, and the email is written when sent.
                "ALTER TABLE outbox ADD COLUMN receipt_signature_id TEXT",
                "ALTER TABLE outbox ADD COLUMN receipt_petition_id TEXT",
            ]
        },
        Migration(version: 27, name: "news queued for a signer dropped when they stop it") { _ in
            [
                // Set on an update or a response emailed to a signer who asked for news: when
                // they withdraw or unsubscribe before it goes, it is found here and dropped
                // (``QueuedEmail/newsFor``).
                "ALTER TABLE outbox ADD COLUMN news_signature_id TEXT",
                "CREATE INDEX outbox_news ON outbox (news_signature_id) WHERE news_signature_id IS NOT NULL",
            ]
        },
        Migration(version: 28, name: "confirmation requests queued as the signatures they are written from") { _ in
            [
                // Set on a confirmation request (``QueuedSignerEmail``), as the receipt's columns
                // are on a receipt. Columns of its own: an instance older than this migration,
                // still running until it restarts, reads the receipt's as a receipt, and would
                // send one in the request's place; it gives up a row it cannot read.
                "ALTER TABLE outbox ADD COLUMN confirmation_signature_id TEXT",
                "ALTER TABLE outbox ADD COLUMN confirmation_petition_id TEXT",
            ]
        },
        Migration(version: 29, name: "sent emails deleted by a plan made for the outbox as it is") { sql in
            // PostgreSQL only, where the delete rides in the prepared insert of new signatures
            // (``NewSignatureInsert``). A prepared statement soon runs one plan made once: made
            // while the outbox was nearly empty, it read the whole outbox for every batch. The
            // function's statement is planned at each call, for the ids it is given.
            guard sql.dialect == .postgres else { return [] }
            return [
                """
                CREATE FUNCTION outbox_delete_sent(ids TEXT[]) RETURNS BIGINT LANGUAGE plpgsql
                SET plan_cache_mode = force_custom_plan AS $$
                DECLARE deleted BIGINT;
                BEGIN
                    DELETE FROM outbox WHERE id = ANY (ids);
                    GET DIAGNOSTICS deleted = ROW_COUNT;
                    RETURN deleted;
                END
                $$
                """
            ]
        },
        Migration(version: 30, name: "each email's failed attempts kept in its own row") { sql in
            // A table of attempts referring to the outbox had every email sent delete through
            // it, a lookup per row, though few emails ever fail: on PostgreSQL a fifth of the
            // database's time a signature. In the row, the history goes with its email.
            // An instance older than this step fails to record an attempt until it restarts;
            // its email stays leased and is tried again when the lease ends. PostgreSQL orders
            // an aggregate's rows itself; SQLite's JSON aggregate takes them in the order of an
            // ordered subquery.
            let history =
                sql.dialect == .postgres
                ? """
                UPDATE outbox SET attempt_history = history.attempts FROM (
                    SELECT outbox_id, json_agg(json_build_object(
                        'number', attempt, 'at', attempted_at, 'outcome', outcome, 'replyCode', reply_code, 'detail', detail
                    ) ORDER BY attempt)::text AS attempts
                    FROM outbox_attempts GROUP BY outbox_id
                ) AS history
                WHERE outbox.id = history.outbox_id
                """
                : """
                UPDATE outbox SET attempt_history = (
                    SELECT json_group_array(json(attempt)) FROM (
                        SELECT json_object(
                            'number', attempt, 'at', attempted_at, 'outcome', outcome, 'replyCode', reply_code, 'detail', detail
                        ) AS attempt
                        FROM outbox_attempts WHERE outbox_id = outbox.id ORDER BY outbox_attempts.attempt
                    )
                )
                WHERE id IN (SELECT outbox_id FROM outbox_attempts)
                """
            return ["ALTER TABLE outbox ADD COLUMN attempt_history TEXT", history, "DROP TABLE outbox_attempts"]
        },
    ]
}
