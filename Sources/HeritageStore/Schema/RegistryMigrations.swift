import GRDB

/// The registry's schema, as forward-only migrations. A released migration is never edited:
/// a change to the schema is a new migration appended at the end.
///
/// Each migration's SQL is frozen as literal text, as GRDB's migration guide advises: built from
/// the Swift vocabularies (`\(SiteKind.sqlList)`), a term added to an enum would have changed
/// what v1 creates in a new archive while old archives kept the old list, with nothing to
/// bring them level. A vocabulary now grows by a migration of its own
/// (``VocabularyMigration``), and a test fails when an enum and the schema's lists disagree.
/// v11 rewrote the lists of v1-v8 (`kind IN ('church', …)`) as comparisons, which SQLite checks
/// without building a lookup table for every row.
enum RegistryMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sites, surveys, condition history, audit log") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: assets, versions and blobs") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3: findings of scan comparisons") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4: findings of photo comparisons") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5: bags received from others, and where each file came from") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6: accounts of the people a server serves, their tokens and sessions") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7: proposals awaiting review, and the reviewers' decisions") { db in
            try db.execute(sql: v7)
        }
        migrator.registerMigration("v8: comparison jobs a server runs") { db in
            try db.execute(sql: v8)
        }
        migrator.registerMigration("v9: a photo comparison's changed area in a column of its own") { db in
            try db.execute(sql: v9)
        }
        migrator.registerMigration("v10: the sites in spatial order, in place of the R*Tree") { db in
            db.add(function: PlaceCell.function)
            try db.execute(sql: v10)
        }
        migrator.registerMigration("v11: vocabulary lists checked as comparisons") { db in
            try VocabularyMigration.listsToComparisons(db)
        }
        return migrator
    }

    /// The rules live in the schema so that no code path (or hand-written SQL) can break them.
    static let v1 = """
        CREATE TABLE site (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 64),
            kind TEXT NOT NULL CHECK (kind IN ('church', 'monastery', 'mosque', 'synagogue', 'temple', 'shrine', 'mausoleum', 'cemetery', 'cross-stone', 'monument', 'bridge', 'museum', 'archaeological-site', 'historic-building', 'other')),
            community TEXT,
            period TEXT,
            description TEXT,
            latitude REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
            longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
            precisionMetres REAL CHECK (precisionMetres IS NULL OR precisionMetres >= 0),
            locationCertainty TEXT NOT NULL CHECK (locationCertainty IN ('not-applicable', 'negligible', 'low', 'medium', 'high', 'definite')),
            boundary TEXT CHECK (boundary IS NULL OR json_valid(boundary)),
            country TEXT CHECK (country IS NULL OR (length(country) = 2 AND country = upper(country))),
            adminArea TEXT,
            sensitivity TEXT NOT NULL CHECK (sensitivity IN ('public', 'restricted')),
            sources TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources)),
            createdAt TEXT NOT NULL,
            updatedAt TEXT NOT NULL
        );
        -- No index on kind or country: they split the sites into a few dozen groups, a scan of
        -- 100,000 sites answers such a filter in milliseconds, and every index slows imports.

        -- A site's names, designations and external ids point at its rowid (seq), not its UUID:
        -- rows of a bulk import then append at the end of these tables instead of landing on
        -- random pages.
        CREATE TABLE siteName (
            siteSeq INTEGER NOT NULL REFERENCES site(seq),
            position INTEGER NOT NULL,
            language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 35),
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            isPrimary INTEGER NOT NULL CHECK (isPrimary IN (0, 1)),
            PRIMARY KEY (siteSeq, position)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX siteName_onePrimary ON siteName(siteSeq) WHERE isPrimary = 1;

        CREATE TABLE siteDesignation (
            siteSeq INTEGER NOT NULL REFERENCES site(seq),
            position INTEGER NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('hague-general', 'hague-special', 'hague-enhanced', 'world-heritage', 'world-heritage-in-danger', 'tentative-list', 'national-register', 'other')),
            reference TEXT,
            date TEXT,
            PRIMARY KEY (siteSeq, position)
        ) WITHOUT ROWID;
        CREATE INDEX siteDesignation_type ON siteDesignation(type, siteSeq);

        CREATE TABLE siteExternalId (
            siteSeq INTEGER NOT NULL REFERENCES site(seq),
            position INTEGER NOT NULL,
            scheme TEXT NOT NULL CHECK (scheme IN ('wikidata', 'unesco', 'national-register', 'other')),
            value TEXT NOT NULL CHECK (length(trim(value)) > 0),
            PRIMARY KEY (siteSeq, position),
            UNIQUE (siteSeq, scheme, value)
        ) WITHOUT ROWID;

        -- Spatial pre-filter: one degenerate box per site (rowid = site.seq), written with the
        -- site by the store. A trigger would do the same at three times the cost per row.
        CREATE VIRTUAL TABLE siteLocation USING rtree(seq, minLatitude, maxLatitude, minLongitude, maxLongitude);
        CREATE TRIGGER site_noDelete BEFORE DELETE ON site BEGIN
            SELECT RAISE(ABORT, 'sites are never deleted from the registry');
        END;

        -- Full-text search over every name, the code, the community and the description.
        -- rowid = site.seq. unicode61 folds case and Latin diacritics in every script.
        CREATE VIRTUAL TABLE siteSearch USING fts5(
            code, names, community, description, tokenize = 'unicode61 remove_diacritics 2');

        CREATE TABLE survey (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            siteId TEXT NOT NULL REFERENCES site(id),
            startDate TEXT NOT NULL,
            endDate TEXT CHECK (endDate IS NULL OR endDate >= startDate),
            team TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(team)),
            method TEXT NOT NULL CHECK (method IN ('terrestrial-laser-scan', 'photogrammetry', 'structured-light', 'airborne-lidar', 'satellite-imagery', 'photography', 'desk-based')),
            notes TEXT,
            createdAt TEXT NOT NULL
        );
        CREATE INDEX survey_site ON survey(siteId, startDate);
        CREATE TRIGGER survey_noDelete BEFORE DELETE ON survey BEGIN
            SELECT RAISE(ABORT, 'surveys are never deleted from the registry');
        END;

        CREATE TABLE conditionAssessment (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            siteId TEXT NOT NULL REFERENCES site(id),
            surveyId TEXT REFERENCES survey(id),
            assessor TEXT NOT NULL CHECK (length(trim(assessor)) > 0),
            dateQualifier TEXT NOT NULL CHECK (dateQualifier IN ('on', 'between', 'before', 'after')),
            date TEXT NOT NULL,
            endDate TEXT,
            timelineDate TEXT NOT NULL,
            activity TEXT NOT NULL CHECK (activity IN ('field-visit', 'satellite-imagery-assessment', 'aerial-imagery-assessment', 'scan-comparison', 'literature-review', 'media-report', 'other')),
            overallCondition TEXT NOT NULL CHECK (overallCondition IN ('good', 'fair', 'poor', 'very-bad', 'destroyed', 'unknown')),
            damageExtent TEXT NOT NULL CHECK (damageExtent IN ('none', '1-10', '11-30', '31-60', '61-90', '91-100', 'unknown')),
            causeCategory TEXT CHECK (causeCategory IS NULL OR causeCategory IN ('military-armed-conflict', 'looting-illegal-activities', 'vandalism', 'deliberate-destruction', 'building-and-development', 'natural', 'management-factors', 'unknown')),
            causeType TEXT CHECK (causeType IS NULL OR causeType IN ('explosion-heavy-weaponry', 'gunfire-light-weaponry', 'demolition-destruction', 'clearance', 'fire', 'breaking-smashing', 'graffiti', 'structural-robbing', 'theft-removal', 'unknown')),
            effects TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(effects)),
            certainty TEXT NOT NULL CHECK (certainty IN ('not-applicable', 'negligible', 'low', 'medium', 'high', 'definite')),
            threat TEXT CHECK (threat IS NULL OR threat IN ('none', 'low', 'medium', 'high', 'emergency', 'unknown')),
            priority TEXT CHECK (priority IS NULL OR priority IN ('none', 'low', 'medium', 'high', 'emergency', 'unknown')),
            notes TEXT,
            supersedes TEXT UNIQUE REFERENCES conditionAssessment(id),
            recordedAt TEXT NOT NULL,
            CHECK ((dateQualifier = 'between') = (endDate IS NOT NULL)),
            CHECK (endDate IS NULL OR endDate >= date)
        );
        CREATE INDEX conditionAssessment_timeline ON conditionAssessment(siteId, timelineDate, seq);
        CREATE TRIGGER conditionAssessment_noUpdate BEFORE UPDATE ON conditionAssessment BEGIN
            SELECT RAISE(ABORT, 'condition history is append-only: record a correction instead');
        END;
        CREATE TRIGGER conditionAssessment_noDelete BEFORE DELETE ON conditionAssessment BEGIN
            SELECT RAISE(ABORT, 'condition history is append-only: record a correction instead');
        END;
        CREATE TRIGGER conditionAssessment_sameSite BEFORE INSERT ON conditionAssessment
        WHEN (new.supersedes IS NOT NULL
                AND (SELECT siteId FROM conditionAssessment WHERE id = new.supersedes) IS NOT new.siteId)
            OR (new.surveyId IS NOT NULL AND (SELECT siteId FROM survey WHERE id = new.surveyId) IS NOT new.siteId)
        BEGIN
            SELECT RAISE(ABORT, 'a condition assessment can only cite a survey or supersede an assessment of its own site');
        END;

        -- The sites' current overall condition: per site, the newest assessment no other supersedes.
        CREATE VIEW siteLatestCondition AS
        SELECT a.siteId, a.id AS assessmentId, a.overallCondition, a.timelineDate
        FROM conditionAssessment a
        WHERE a.seq = (
            SELECT b.seq FROM conditionAssessment b
            WHERE b.siteId = a.siteId
              AND NOT EXISTS (SELECT 1 FROM conditionAssessment c WHERE c.supersedes = b.id)
            ORDER BY b.timelineDate DESC, b.seq DESC LIMIT 1);

        CREATE TABLE auditEvent (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            actor TEXT NOT NULL CHECK (length(trim(actor)) > 0),
            action TEXT NOT NULL,
            entityType TEXT NOT NULL,
            entityId TEXT NOT NULL,
            -- The rowid (seq) of the entity in its table, to find a site's events through an index
            -- that grows at its end; not part of the hash, checked against entityId by verify.
            entitySeq INTEGER,
            oldValue TEXT CHECK (oldValue IS NULL OR json_valid(oldValue)),
            newValue TEXT CHECK (newValue IS NULL OR json_valid(newValue)),
            previousHash TEXT NOT NULL CHECK (length(previousHash) = 64),
            hash TEXT NOT NULL CHECK (length(hash) = 64)
        );
        CREATE INDEX auditEvent_entity ON auditEvent(entityType, entitySeq);
        CREATE TRIGGER auditEvent_noUpdate BEFORE UPDATE ON auditEvent BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        CREATE TRIGGER auditEvent_noDelete BEFORE DELETE ON auditEvent BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        """

    /// Versioned, content-addressed evidence. Rows point at blobs by SHA-256; nothing is updated
    /// or deleted, so a version, once recorded, says the same thing forever.
    static let v2 = """
        CREATE TABLE blob (
            sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            storedAt TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE asset (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            siteId TEXT NOT NULL REFERENCES site(id),
            surveyId TEXT REFERENCES survey(id),
            title TEXT NOT NULL CHECK (length(trim(title)) > 0),
            kind TEXT NOT NULL CHECK (kind IN ('scan', 'photo', 'document', 'derived')),
            createdAt TEXT NOT NULL
        );
        CREATE INDEX asset_site ON asset(siteId);

        CREATE TABLE assetVersion (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            assetId TEXT NOT NULL REFERENCES asset(id),
            number INTEGER NOT NULL CHECK (number >= 1),
            previousVersionId TEXT REFERENCES assetVersion(id),
            sha256 TEXT NOT NULL REFERENCES blob(sha256),
            size INTEGER NOT NULL CHECK (size >= 0),
            fileName TEXT NOT NULL,
            format TEXT NOT NULL,
            importerVersion TEXT NOT NULL,
            importedAt TEXT NOT NULL,
            importedBy TEXT NOT NULL,
            capture TEXT NOT NULL CHECK (json_valid(capture)),
            summary TEXT NOT NULL CHECK (json_valid(summary)),
            relatedFiles TEXT NOT NULL CHECK (json_valid(relatedFiles)),
            warnings TEXT NOT NULL CHECK (json_valid(warnings)),
            derivation TEXT CHECK (derivation IS NULL OR json_valid(derivation)),
            UNIQUE (assetId, number),
            CHECK ((number = 1) = (previousVersionId IS NULL))
        );
        CREATE INDEX assetVersion_sha256 ON assetVersion(sha256);

        CREATE TABLE assetRelatedBlob (
            versionId TEXT NOT NULL REFERENCES assetVersion(id),
            sha256 TEXT NOT NULL REFERENCES blob(sha256),
            PRIMARY KEY (versionId, sha256)
        ) WITHOUT ROWID;

        CREATE TRIGGER asset_noChange BEFORE UPDATE ON asset BEGIN
            SELECT RAISE(ABORT, 'assets are never changed: add a version');
        END;
        CREATE TRIGGER asset_noDelete BEFORE DELETE ON asset BEGIN
            SELECT RAISE(ABORT, 'assets are never deleted');
        END;
        CREATE TRIGGER assetVersion_noChange BEFORE UPDATE ON assetVersion BEGIN
            SELECT RAISE(ABORT, 'asset versions are immutable: add a version');
        END;
        CREATE TRIGGER assetVersion_noDelete BEFORE DELETE ON assetVersion BEGIN
            SELECT RAISE(ABORT, 'asset versions are immutable: add a version');
        END;
        CREATE TRIGGER blob_noChange BEFORE UPDATE ON blob BEGIN
            SELECT RAISE(ABORT, 'blobs are immutable');
        END;
        CREATE TRIGGER assetVersion_inOrder BEFORE INSERT ON assetVersion
        WHEN new.number != 1 + coalesce((SELECT max(number) FROM assetVersion WHERE assetId = new.assetId), 0)
            OR (new.previousVersionId IS NOT NULL AND new.previousVersionId IS NOT
                (SELECT id FROM assetVersion WHERE assetId = new.assetId ORDER BY number DESC LIMIT 1))
        BEGIN
            SELECT RAISE(ABORT, 'a new version must follow the latest version of its asset');
        END;
        """

    /// Findings of scan comparisons: append-only, each naming the two versions compared and the
    /// derived versions that hold its outputs.
    static let v3 = """
        CREATE TABLE finding (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            siteId TEXT NOT NULL REFERENCES site(id),
            method TEXT NOT NULL CHECK (method IN ('m3c2', 'c2c', 'c2m')),
            beforeVersionId TEXT NOT NULL REFERENCES assetVersion(id),
            afterVersionId TEXT NOT NULL REFERENCES assetVersion(id) CHECK (afterVersionId <> beforeVersionId),
            resultVersionIds TEXT NOT NULL CHECK (json_valid(resultVersionIds) AND json_array_length(resultVersionIds) > 0),
            measuredCount INTEGER NOT NULL CHECK (measuredCount >= 0),
            significantCount INTEGER NOT NULL CHECK (significantCount BETWEEN 0 AND measuredCount),
            noDataCount INTEGER NOT NULL CHECK (noDataCount >= 0),
            regionCount INTEGER NOT NULL CHECK (regionCount >= 0),
            lossVolume REAL NOT NULL CHECK (lossVolume >= 0),
            gainVolume REAL NOT NULL CHECK (gainVolume >= 0),
            lossArea REAL NOT NULL CHECK (lossArea >= 0),
            maxDepth REAL NOT NULL CHECK (maxDepth >= 0),
            units TEXT NOT NULL,
            summary TEXT NOT NULL,
            recordedAt TEXT NOT NULL,
            recordedBy TEXT NOT NULL CHECK (length(trim(recordedBy)) > 0)
        );
        CREATE INDEX finding_site ON finding(siteId, seq);
        CREATE TRIGGER finding_noUpdate BEFORE UPDATE ON finding BEGIN
            SELECT RAISE(ABORT, 'findings are never edited: record a new comparison');
        END;
        CREATE TRIGGER finding_noDelete BEFORE DELETE ON finding BEGIN
            SELECT RAISE(ABORT, 'findings are never deleted from the registry');
        END;
        """

    /// Photo comparisons record findings too. SQLite cannot change a CHECK constraint in place,
    /// so the table is rebuilt with every row copied (seq included, so audit references hold);
    /// dropping a table does not fire its delete trigger.
    static let v4 = """
        CREATE TABLE finding_v4 (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            siteId TEXT NOT NULL REFERENCES site(id),
            method TEXT NOT NULL CHECK (method IN ('m3c2', 'c2c', 'c2m', 'photo')),
            beforeVersionId TEXT NOT NULL REFERENCES assetVersion(id),
            afterVersionId TEXT NOT NULL REFERENCES assetVersion(id) CHECK (afterVersionId <> beforeVersionId),
            resultVersionIds TEXT NOT NULL CHECK (json_valid(resultVersionIds) AND json_array_length(resultVersionIds) > 0),
            measuredCount INTEGER NOT NULL CHECK (measuredCount >= 0),
            significantCount INTEGER NOT NULL CHECK (significantCount BETWEEN 0 AND measuredCount),
            noDataCount INTEGER NOT NULL CHECK (noDataCount >= 0),
            regionCount INTEGER NOT NULL CHECK (regionCount >= 0),
            lossVolume REAL NOT NULL CHECK (lossVolume >= 0),
            gainVolume REAL NOT NULL CHECK (gainVolume >= 0),
            lossArea REAL NOT NULL CHECK (lossArea >= 0),
            maxDepth REAL NOT NULL CHECK (maxDepth >= 0),
            units TEXT NOT NULL,
            summary TEXT NOT NULL,
            recordedAt TEXT NOT NULL,
            recordedBy TEXT NOT NULL CHECK (length(trim(recordedBy)) > 0)
        );
        INSERT INTO finding_v4 SELECT * FROM finding;
        DROP TABLE finding;
        ALTER TABLE finding_v4 RENAME TO finding;
        CREATE INDEX finding_site ON finding(siteId, seq);
        CREATE TRIGGER finding_noUpdate BEFORE UPDATE ON finding BEGIN
            SELECT RAISE(ABORT, 'findings are never edited: record a new comparison');
        END;
        CREATE TRIGGER finding_noDelete BEFORE DELETE ON finding BEGIN
            SELECT RAISE(ABORT, 'findings are never deleted from the registry');
        END;
        """

    /// A BagIt bag taken in from elsewhere: one row per ingestion, append-only, and each asset
    /// version it made says where in which bag it came from. Frozen text: never edit it.
    static let v5 = """
        ALTER TABLE assetVersion ADD COLUMN provenance TEXT CHECK (provenance IS NULL OR json_valid(provenance));

        CREATE TABLE bagIngestion (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            siteId TEXT NOT NULL REFERENCES site(id),
            surveyId TEXT REFERENCES survey(id),
            bagName TEXT NOT NULL CHECK (length(trim(bagName)) > 0),
            bagInfo TEXT NOT NULL CHECK (json_valid(bagInfo)),
            verification TEXT NOT NULL CHECK (json_valid(verification)),
            documentVersionId TEXT NOT NULL REFERENCES assetVersion(id),
            versionIds TEXT NOT NULL CHECK (json_valid(versionIds)),
            receivedAt TEXT NOT NULL,
            receivedBy TEXT NOT NULL CHECK (length(trim(receivedBy)) > 0)
        );
        CREATE INDEX bagIngestion_site ON bagIngestion(siteId, seq);
        CREATE TRIGGER bagIngestion_noUpdate BEFORE UPDATE ON bagIngestion BEGIN
            SELECT RAISE(ABORT, 'an ingestion is never edited');
        END;
        CREATE TRIGGER bagIngestion_noDelete BEFORE DELETE ON bagIngestion BEGIN
            SELECT RAISE(ABORT, 'an ingestion is never deleted');
        END;
        """

    /// Accounts for `heritage serve`: a role, a separate clearance for restricted positions, a
    /// bcrypt password hash. Accounts are disabled, never deleted, and every change is audited
    /// (without the hash). API tokens and sessions are kept only as SHA-256 hashes of the
    /// secret. Frozen text: never edit it.
    static let v6 = """
        CREATE TABLE account (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 64),
            role TEXT NOT NULL CHECK (role IN ('viewer', 'surveyor', 'reviewer', 'admin')),
            restrictedAccess INTEGER NOT NULL CHECK (restrictedAccess IN (0, 1)),
            disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
            passwordHash TEXT NOT NULL CHECK (length(passwordHash) >= 59),
            createdAt TEXT NOT NULL,
            updatedAt TEXT NOT NULL
        );
        CREATE TRIGGER account_noDelete BEFORE DELETE ON account BEGIN
            SELECT RAISE(ABORT, 'accounts are disabled, never deleted');
        END;

        CREATE TABLE accountToken (
            sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
            accountSeq INTEGER NOT NULL REFERENCES account(seq),
            label TEXT NOT NULL,
            createdAt TEXT NOT NULL
        );
        CREATE INDEX accountToken_account ON accountToken(accountSeq);

        CREATE TABLE accountSession (
            sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
            accountSeq INTEGER NOT NULL REFERENCES account(seq),
            createdAt TEXT NOT NULL,
            expiresAt TEXT NOT NULL
        );
        CREATE INDEX accountSession_account ON accountSession(accountSeq);
        """

    /// What a surveyor proposes on a server (a new site, an edit, a condition assessment) waits
    /// here for a reviewer. The proposal is kept whatever happens to it: decided once (approved
    /// with the record it became, or rejected with a reason), never deleted, its content never
    /// changed. Frozen text: never edit it.
    static let v7 = """
        CREATE TABLE proposal (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('site.create', 'site.update', 'condition.create')),
            siteId TEXT NOT NULL,
            base TEXT CHECK (base IS NULL OR json_valid(base)),
            proposed TEXT NOT NULL CHECK (json_valid(proposed)),
            evidence TEXT NOT NULL CHECK (json_valid(evidence)),
            note TEXT,
            proposedBy TEXT NOT NULL CHECK (length(proposedBy) > 0),
            proposedAt TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
            decidedBy TEXT,
            decidedAt TEXT,
            reason TEXT,
            resultId TEXT,
            CHECK ((status = 'pending') = (decidedBy IS NULL)),
            CHECK ((status = 'pending') = (decidedAt IS NULL)),
            CHECK (status <> 'rejected' OR length(trim(reason)) > 0),
            CHECK ((status = 'approved') = (resultId IS NOT NULL)),
            CHECK (decidedBy IS NULL OR decidedBy <> proposedBy)
        );
        CREATE INDEX proposal_status ON proposal(status, seq);
        CREATE INDEX proposal_site ON proposal(siteId, seq);
        CREATE TRIGGER proposal_noDelete BEFORE DELETE ON proposal BEGIN
            SELECT RAISE(ABORT, 'a proposal is kept, never deleted');
        END;
        CREATE TRIGGER proposal_decidedOnce BEFORE UPDATE ON proposal
        WHEN OLD.status <> 'pending' OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind
            OR NEW.siteId IS NOT OLD.siteId OR NEW.base IS NOT OLD.base OR NEW.proposed IS NOT OLD.proposed
            OR NEW.evidence IS NOT OLD.evidence OR NEW.note IS NOT OLD.note OR NEW.proposedBy IS NOT OLD.proposedBy
            OR NEW.proposedAt IS NOT OLD.proposedAt
        BEGIN
            SELECT RAISE(ABORT, 'a proposal is decided once, and what it proposes never changes');
        END;
        """

    /// Comparisons a server runs for its users, one after another: their request, who asked,
    /// how far they got and how they ended. A job is work in progress, not evidence: its
    /// result is the finding it records (audited as every finding is). Frozen text: never edit it.
    static let v8 = """
        CREATE TABLE job (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('comparison')),
            siteId TEXT NOT NULL REFERENCES site(id),
            request TEXT NOT NULL CHECK (json_valid(request)),
            requestedBy TEXT NOT NULL,
            requestedAt TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
            stage TEXT,
            startedAt TEXT,
            finishedAt TEXT,
            error TEXT,
            findingId TEXT REFERENCES finding(id),
            rerunOf TEXT REFERENCES job(id),
            CHECK ((status = 'succeeded') = (findingId IS NOT NULL)),
            CHECK ((status IN ('queued', 'running')) = (finishedAt IS NULL))
        );
        CREATE INDEX job_status ON job(status, seq);
        CREATE INDEX job_site ON job(siteId, seq);
        CREATE TRIGGER job_noDelete BEFORE DELETE ON job BEGIN
            SELECT RAISE(ABORT, 'a job is kept, never deleted');
        END;
        CREATE TRIGGER job_finishedOnce BEFORE UPDATE ON job
        WHEN OLD.status IN ('succeeded', 'failed', 'cancelled') OR NEW.request IS NOT OLD.request
            OR NEW.requestedBy IS NOT OLD.requestedBy OR NEW.siteId IS NOT OLD.siteId
        BEGIN
            SELECT RAISE(ABORT, 'a finished job never changes, nor does what it was asked');
        END;
        """

    /// A photo comparison's changed area was kept in `lossArea`, a scan's loss: one column with
    /// two meanings. It moves to `changedArea` (photographs only), and `lossArea` means loss
    /// alone. Findings are never edited, so the trigger that says so stands aside for this one
    /// move; their audit events are read the same way (``Finding/init(from:)``), so `verify` finds
    /// row and trail in agreement. Frozen text: never edit it.
    static let v9 = """
        ALTER TABLE finding ADD COLUMN changedArea REAL CHECK (changedArea IS NULL OR changedArea >= 0);
        DROP TRIGGER finding_noUpdate;
        UPDATE finding SET changedArea = lossArea, lossArea = 0 WHERE method = 'photo';
        CREATE TRIGGER finding_noUpdate BEFORE UPDATE ON finding BEGIN
            SELECT RAISE(ABORT, 'findings are never edited: record a new comparison');
        END;
        CREATE TRIGGER finding_changedAreaOfPhotos BEFORE INSERT ON finding
        WHEN (NEW.method = 'photo') <> (NEW.changedArea IS NOT NULL) OR (NEW.method = 'photo' AND NEW.lossArea <> 0)
        BEGIN
            SELECT RAISE(ABORT, 'a photo comparison has a changed area and no loss area; a scan comparison the reverse');
        END;
        """

    /// The place index: one row per site with what a map or a radius search shows of it, keyed
    /// by the Z-order code of its cell (``PlaceCell``, the SQL function `heritage_place_cell`),
    /// so the sites of a small area lie on a few neighbouring pages. A radius search at a
    /// million sites read each found site's row and primary name from pages all over the file;
    /// it now reads a few ranges of this table. It replaces the R*Tree, which cost 15-20 µs per
    /// imported site, more than the site's own row. Written by the store beside the site;
    /// verify checks every row against its site.
    static let v10 = """
        CREATE TABLE sitePlace (
            cell INTEGER NOT NULL,
            seq INTEGER NOT NULL UNIQUE REFERENCES site(seq),
            id TEXT NOT NULL,
            code TEXT NOT NULL,
            kind TEXT NOT NULL,
            latitude REAL NOT NULL,
            longitude REAL NOT NULL,
            country TEXT,
            sensitivity TEXT NOT NULL,
            name TEXT,
            PRIMARY KEY (cell, seq)
        ) WITHOUT ROWID;
        INSERT INTO sitePlace (cell, seq, id, code, kind, latitude, longitude, country, sensitivity, name)
        SELECT heritage_place_cell(s.latitude, s.longitude), s.seq, s.id, s.code, s.kind, s.latitude, s.longitude,
            s.country, s.sensitivity, (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq AND n.isPrimary = 1)
        FROM site s ORDER BY 1, 2;
        DROP TABLE siteLocation;
        """
}
