/// The registry's tables on PostgreSQL 15 with PostGIS 3: the same tables and columns as the
/// SQLite schema (v11), so a row moves between the two unchanged and an audit event hashes the
/// same on both, plus what PostgreSQL does better: geography columns with GiST indexes for
/// radius, box and nearest, a full-text document per site with a trigram index over its names,
/// and a read-only role for GIS users that sees restricted sites only generalised.
///
/// Identifiers are unquoted, so PostgreSQL folds them to lower case (`siteSeq` is `siteseq`);
/// ``columns`` keeps the SQLite spelling for copying and for reading rows back. Like the SQLite
/// migrations, each version's SQL is frozen: a change is a new version appended at the end.
enum PostgresSchema {
    /// The schema versions, in order: (identifier, SQL).
    static let migrations: [(String, String)] = [("v1: the registry, as SQLite schema v11", v1)]

    /// Every column of every copied table, in the SQLite schema's order and spelling.
    static let columns: [(table: String, columns: [String])] = [
        (
            "site",
            [
                "seq", "id", "code", "kind", "community", "period", "description", "latitude", "longitude",
                "precisionMetres", "locationCertainty", "boundary", "country", "adminArea", "sensitivity", "sources",
                "createdAt", "updatedAt",
            ]
        ),
        ("siteName", ["siteSeq", "position", "language", "name", "isPrimary"]),
        ("siteDesignation", ["siteSeq", "position", "type", "reference", "date"]),
        ("siteExternalId", ["siteSeq", "position", "scheme", "value"]),
        ("survey", ["seq", "id", "siteId", "startDate", "endDate", "team", "method", "notes", "createdAt"]),
        (
            "conditionAssessment",
            [
                "seq", "id", "siteId", "surveyId", "assessor", "dateQualifier", "date", "endDate", "timelineDate",
                "activity", "overallCondition", "damageExtent", "causeCategory", "causeType", "effects", "certainty",
                "threat", "priority", "notes", "supersedes", "recordedAt",
            ]
        ),
        ("blob", ["sha256", "size", "storedAt"]),
        ("asset", ["seq", "id", "siteId", "surveyId", "title", "kind", "createdAt"]),
        (
            "assetVersion",
            [
                "seq", "id", "assetId", "number", "previousVersionId", "sha256", "size", "fileName", "format",
                "importerVersion", "importedAt", "importedBy", "capture", "summary", "relatedFiles", "warnings",
                "derivation", "provenance",
            ]
        ),
        ("assetRelatedBlob", ["versionId", "sha256"]),
        (
            "finding",
            [
                "seq", "id", "siteId", "method", "beforeVersionId", "afterVersionId", "resultVersionIds",
                "measuredCount", "significantCount", "noDataCount", "regionCount", "lossVolume", "gainVolume",
                "lossArea", "maxDepth", "units", "summary", "recordedAt", "recordedBy", "changedArea",
            ]
        ),
        (
            "bagIngestion",
            [
                "seq", "id", "siteId", "surveyId", "bagName", "bagInfo", "verification", "documentVersionId",
                "versionIds", "receivedAt", "receivedBy",
            ]
        ),
        (
            "account",
            [
                "seq", "id", "name", "role", "restrictedAccess", "disabled", "passwordHash", "createdAt", "updatedAt",
            ]
        ),
        ("accountToken", ["sha256", "accountSeq", "label", "createdAt"]),
        ("accountSession", ["sha256", "accountSeq", "createdAt", "expiresAt"]),
        (
            "proposal",
            [
                "seq", "id", "kind", "siteId", "base", "proposed", "evidence", "note", "proposedBy", "proposedAt",
                "status", "decidedBy", "decidedAt", "reason", "resultId",
            ]
        ),
        (
            "job",
            [
                "seq", "id", "kind", "siteId", "request", "requestedBy", "requestedAt", "status", "stage", "startedAt",
                "finishedAt", "error", "findingId", "rerunOf",
            ]
        ),
        (
            "auditEvent",
            [
                "sequence", "time", "actor", "action", "entityType", "entityId", "entitySeq", "oldValue", "newValue",
                "previousHash", "hash",
            ]
        ),
    ]

    /// The SQLite spelling of a column PostgreSQL returns folded to lower case.
    static let spelling: [String: String] = {
        var result: [String: String] = [:]
        for (_, names) in columns { for name in names { result[name.lowercased()] = name } }
        return result
    }()

    static let v1 = """
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE EXTENSION IF NOT EXISTS pg_trgm;

        -- A restricted site's position as it may be shown: the centre of its 0.1 degree cell,
        -- to 0.01 degree, as GeoPoint.generalised computes it.
        CREATE FUNCTION heritage_generalised(value double precision, bound double precision)
        RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN least(greatest(round(((floor(value * 10) / 10 + 0.05) * 100)::numeric)::double precision / 100,
            -bound), bound);

        CREATE TABLE site (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
            kind text NOT NULL CHECK (kind IN ('church', 'monastery', 'mosque', 'synagogue', 'temple', 'shrine', 'mausoleum', 'cemetery', 'cross-stone', 'monument', 'bridge', 'museum', 'archaeological-site', 'historic-building', 'other')),
            community text,
            period text,
            description text,
            latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
            longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
            precisionMetres double precision CHECK (precisionMetres IS NULL OR precisionMetres >= 0),
            locationCertainty text NOT NULL CHECK (locationCertainty IN ('not-applicable', 'negligible', 'low', 'medium', 'high', 'definite')),
            boundary text CHECK (boundary IS NULL OR boundary::jsonb IS NOT NULL),
            country text CHECK (country IS NULL OR (length(country) = 2 AND country = upper(country))),
            adminArea text,
            sensitivity text NOT NULL CHECK (sensitivity IN ('public', 'restricted')),
            sources text NOT NULL DEFAULT '[]' CHECK (sources::jsonb IS NOT NULL),
            createdAt text NOT NULL,
            updatedAt text NOT NULL,
            -- The exact position, and the position as shown to those without clearance.
            place geography(Point, 4326) GENERATED ALWAYS AS (
                ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography) STORED,
            shown geography(Point, 4326) GENERATED ALWAYS AS (
                CASE WHEN sensitivity = 'restricted'
                THEN ST_SetSRID(ST_MakePoint(heritage_generalised(longitude, 180), heritage_generalised(latitude, 90)), 4326)::geography
                ELSE ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography END) STORED
        );
        CREATE UNIQUE INDEX site_code ON site (lower(code));
        CREATE INDEX site_place ON site USING gist (place);
        CREATE INDEX site_shown ON site USING gist (shown);
        CREATE INDEX site_latitude ON site (latitude);

        CREATE TABLE siteName (
            siteSeq bigint NOT NULL REFERENCES site(seq),
            position bigint NOT NULL,
            language text NOT NULL CHECK (length(language) BETWEEN 2 AND 35),
            name text NOT NULL CHECK (length(trim(name)) > 0),
            isPrimary bigint NOT NULL CHECK (isPrimary IN (0, 1)),
            PRIMARY KEY (siteSeq, position)
        );
        CREATE UNIQUE INDEX siteName_onePrimary ON siteName(siteSeq) WHERE isPrimary = 1;

        CREATE TABLE siteDesignation (
            siteSeq bigint NOT NULL REFERENCES site(seq),
            position bigint NOT NULL,
            type text NOT NULL CHECK (type IN ('hague-general', 'hague-special', 'hague-enhanced', 'world-heritage', 'world-heritage-in-danger', 'tentative-list', 'national-register', 'other')),
            reference text,
            date text,
            PRIMARY KEY (siteSeq, position)
        );
        CREATE INDEX siteDesignation_type ON siteDesignation(type, siteSeq);

        CREATE TABLE siteExternalId (
            siteSeq bigint NOT NULL REFERENCES site(seq),
            position bigint NOT NULL,
            scheme text NOT NULL CHECK (scheme IN ('wikidata', 'unesco', 'national-register', 'other')),
            value text NOT NULL CHECK (length(trim(value)) > 0),
            PRIMARY KEY (siteSeq, position),
            UNIQUE (siteSeq, scheme, value)
        );

        -- Full-text search: one document per site of the words of its code, names, community and
        -- description, case and diacritics folded and split as SQLite's unicode61 tokenizer
        -- splits them (written by the store), and its names as text for trigram matching.
        CREATE TABLE siteSearch (
            seq bigint PRIMARY KEY REFERENCES site(seq),
            document tsvector NOT NULL,
            names text NOT NULL
        );
        CREATE INDEX siteSearch_document ON siteSearch USING gin (document);
        CREATE INDEX siteSearch_names ON siteSearch USING gin (names gin_trgm_ops);

        CREATE TABLE survey (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            siteId text NOT NULL REFERENCES site(id),
            startDate text NOT NULL,
            endDate text CHECK (endDate IS NULL OR endDate >= startDate),
            team text NOT NULL DEFAULT '[]' CHECK (team::jsonb IS NOT NULL),
            method text NOT NULL CHECK (method IN ('terrestrial-laser-scan', 'photogrammetry', 'structured-light', 'airborne-lidar', 'satellite-imagery', 'photography', 'desk-based')),
            notes text,
            createdAt text NOT NULL
        );
        CREATE INDEX survey_site ON survey(siteId, startDate);

        CREATE TABLE conditionAssessment (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            siteId text NOT NULL REFERENCES site(id),
            surveyId text REFERENCES survey(id),
            assessor text NOT NULL CHECK (length(trim(assessor)) > 0),
            dateQualifier text NOT NULL CHECK (dateQualifier IN ('on', 'between', 'before', 'after')),
            date text NOT NULL,
            endDate text,
            timelineDate text NOT NULL,
            activity text NOT NULL CHECK (activity IN ('field-visit', 'satellite-imagery-assessment', 'aerial-imagery-assessment', 'scan-comparison', 'literature-review', 'media-report', 'other')),
            overallCondition text NOT NULL CHECK (overallCondition IN ('good', 'fair', 'poor', 'very-bad', 'destroyed', 'unknown')),
            damageExtent text NOT NULL CHECK (damageExtent IN ('none', '1-10', '11-30', '31-60', '61-90', '91-100', 'unknown')),
            causeCategory text CHECK (causeCategory IS NULL OR causeCategory IN ('military-armed-conflict', 'looting-illegal-activities', 'vandalism', 'deliberate-destruction', 'building-and-development', 'natural', 'management-factors', 'unknown')),
            causeType text CHECK (causeType IS NULL OR causeType IN ('explosion-heavy-weaponry', 'gunfire-light-weaponry', 'demolition-destruction', 'clearance', 'fire', 'breaking-smashing', 'graffiti', 'structural-robbing', 'theft-removal', 'unknown')),
            effects text NOT NULL DEFAULT '[]' CHECK (effects::jsonb IS NOT NULL),
            certainty text NOT NULL CHECK (certainty IN ('not-applicable', 'negligible', 'low', 'medium', 'high', 'definite')),
            threat text CHECK (threat IS NULL OR threat IN ('none', 'low', 'medium', 'high', 'emergency', 'unknown')),
            priority text CHECK (priority IS NULL OR priority IN ('none', 'low', 'medium', 'high', 'emergency', 'unknown')),
            notes text,
            supersedes text UNIQUE REFERENCES conditionAssessment(id),
            recordedAt text NOT NULL,
            CHECK ((dateQualifier = 'between') = (endDate IS NOT NULL)),
            CHECK (endDate IS NULL OR endDate >= date)
        );
        CREATE INDEX conditionAssessment_timeline ON conditionAssessment(siteId, timelineDate, seq);

        -- The sites' current overall condition: per site, the newest assessment no other supersedes.
        CREATE VIEW siteLatestCondition AS
        SELECT DISTINCT ON (a.siteId) a.siteId, a.id AS assessmentId, a.overallCondition, a.timelineDate
        FROM conditionAssessment a
        WHERE NOT EXISTS (SELECT 1 FROM conditionAssessment c WHERE c.supersedes = a.id)
        ORDER BY a.siteId, a.timelineDate DESC, a.seq DESC;

        CREATE TABLE blob (
            sha256 text PRIMARY KEY CHECK (length(sha256) = 64),
            size bigint NOT NULL CHECK (size >= 0),
            storedAt text NOT NULL
        );

        CREATE TABLE asset (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            siteId text NOT NULL REFERENCES site(id),
            surveyId text REFERENCES survey(id),
            title text NOT NULL CHECK (length(trim(title)) > 0),
            kind text NOT NULL CHECK (kind IN ('scan', 'photo', 'document', 'derived')),
            createdAt text NOT NULL
        );
        CREATE INDEX asset_site ON asset(siteId);

        CREATE TABLE assetVersion (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            assetId text NOT NULL REFERENCES asset(id),
            number bigint NOT NULL CHECK (number >= 1),
            previousVersionId text REFERENCES assetVersion(id),
            sha256 text NOT NULL REFERENCES blob(sha256),
            size bigint NOT NULL CHECK (size >= 0),
            fileName text NOT NULL,
            format text NOT NULL,
            importerVersion text NOT NULL,
            importedAt text NOT NULL,
            importedBy text NOT NULL,
            capture text NOT NULL CHECK (capture::jsonb IS NOT NULL),
            summary text NOT NULL CHECK (summary::jsonb IS NOT NULL),
            relatedFiles text NOT NULL CHECK (relatedFiles::jsonb IS NOT NULL),
            warnings text NOT NULL CHECK (warnings::jsonb IS NOT NULL),
            derivation text CHECK (derivation IS NULL OR derivation::jsonb IS NOT NULL),
            provenance text CHECK (provenance IS NULL OR provenance::jsonb IS NOT NULL),
            UNIQUE (assetId, number),
            CHECK ((number = 1) = (previousVersionId IS NULL))
        );
        CREATE INDEX assetVersion_sha256 ON assetVersion(sha256);

        CREATE TABLE assetRelatedBlob (
            versionId text NOT NULL REFERENCES assetVersion(id),
            sha256 text NOT NULL REFERENCES blob(sha256),
            PRIMARY KEY (versionId, sha256)
        );

        CREATE TABLE finding (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            siteId text NOT NULL REFERENCES site(id),
            method text NOT NULL CHECK (method IN ('m3c2', 'c2c', 'c2m', 'photo')),
            beforeVersionId text NOT NULL REFERENCES assetVersion(id),
            afterVersionId text NOT NULL REFERENCES assetVersion(id) CHECK (afterVersionId <> beforeVersionId),
            resultVersionIds text NOT NULL CHECK (jsonb_array_length(resultVersionIds::jsonb) > 0),
            measuredCount bigint NOT NULL CHECK (measuredCount >= 0),
            significantCount bigint NOT NULL CHECK (significantCount BETWEEN 0 AND measuredCount),
            noDataCount bigint NOT NULL CHECK (noDataCount >= 0),
            regionCount bigint NOT NULL CHECK (regionCount >= 0),
            lossVolume double precision NOT NULL CHECK (lossVolume >= 0),
            gainVolume double precision NOT NULL CHECK (gainVolume >= 0),
            lossArea double precision NOT NULL CHECK (lossArea >= 0),
            maxDepth double precision NOT NULL CHECK (maxDepth >= 0),
            units text NOT NULL,
            summary text NOT NULL,
            recordedAt text NOT NULL,
            recordedBy text NOT NULL CHECK (length(trim(recordedBy)) > 0),
            changedArea double precision CHECK (changedArea IS NULL OR changedArea >= 0)
        );
        CREATE INDEX finding_site ON finding(siteId, seq);

        CREATE TABLE bagIngestion (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            siteId text NOT NULL REFERENCES site(id),
            surveyId text REFERENCES survey(id),
            bagName text NOT NULL CHECK (length(trim(bagName)) > 0),
            bagInfo text NOT NULL CHECK (bagInfo::jsonb IS NOT NULL),
            verification text NOT NULL CHECK (verification::jsonb IS NOT NULL),
            documentVersionId text NOT NULL REFERENCES assetVersion(id),
            versionIds text NOT NULL CHECK (versionIds::jsonb IS NOT NULL),
            receivedAt text NOT NULL,
            receivedBy text NOT NULL CHECK (length(trim(receivedBy)) > 0)
        );
        CREATE INDEX bagIngestion_site ON bagIngestion(siteId, seq);

        CREATE TABLE account (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            name text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 64),
            role text NOT NULL CHECK (role IN ('viewer', 'surveyor', 'reviewer', 'admin')),
            restrictedAccess bigint NOT NULL CHECK (restrictedAccess IN (0, 1)),
            disabled bigint NOT NULL CHECK (disabled IN (0, 1)),
            passwordHash text NOT NULL CHECK (length(passwordHash) >= 59),
            createdAt text NOT NULL,
            updatedAt text NOT NULL
        );
        CREATE UNIQUE INDEX account_name ON account (lower(name));

        CREATE TABLE accountToken (
            sha256 text PRIMARY KEY CHECK (length(sha256) = 64),
            accountSeq bigint NOT NULL REFERENCES account(seq),
            label text NOT NULL,
            createdAt text NOT NULL
        );
        CREATE INDEX accountToken_account ON accountToken(accountSeq);

        CREATE TABLE accountSession (
            sha256 text PRIMARY KEY CHECK (length(sha256) = 64),
            accountSeq bigint NOT NULL REFERENCES account(seq),
            createdAt text NOT NULL,
            expiresAt text NOT NULL
        );
        CREATE INDEX accountSession_account ON accountSession(accountSeq);

        CREATE TABLE proposal (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            kind text NOT NULL CHECK (kind IN ('site.create', 'site.update', 'condition.create')),
            siteId text NOT NULL,
            base text CHECK (base IS NULL OR base::jsonb IS NOT NULL),
            proposed text NOT NULL CHECK (proposed::jsonb IS NOT NULL),
            evidence text NOT NULL CHECK (evidence::jsonb IS NOT NULL),
            note text,
            proposedBy text NOT NULL CHECK (length(proposedBy) > 0),
            proposedAt text NOT NULL,
            status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
            decidedBy text,
            decidedAt text,
            reason text,
            resultId text,
            CHECK ((status = 'pending') = (decidedBy IS NULL)),
            CHECK ((status = 'pending') = (decidedAt IS NULL)),
            CHECK (status <> 'rejected' OR length(trim(reason)) > 0),
            CHECK ((status = 'approved') = (resultId IS NOT NULL)),
            CHECK (decidedBy IS NULL OR decidedBy <> proposedBy)
        );
        CREATE INDEX proposal_status ON proposal(status, seq);
        CREATE INDEX proposal_site ON proposal(siteId, seq);

        CREATE TABLE job (
            seq bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            kind text NOT NULL CHECK (kind IN ('comparison')),
            siteId text NOT NULL REFERENCES site(id),
            request text NOT NULL CHECK (request::jsonb IS NOT NULL),
            requestedBy text NOT NULL,
            requestedAt text NOT NULL,
            status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
            stage text,
            startedAt text,
            finishedAt text,
            error text,
            findingId text REFERENCES finding(id),
            rerunOf text REFERENCES job(id),
            CHECK ((status = 'succeeded') = (findingId IS NOT NULL)),
            CHECK ((status IN ('queued', 'running')) = (finishedAt IS NULL))
        );
        CREATE INDEX job_status ON job(status, seq);
        CREATE INDEX job_site ON job(siteId, seq);

        -- The audit log. auditEventUsed holds the last sequence number ever used, written in
        -- the transaction that appends (as SQLite's sqlite_sequence is), so events removed from
        -- the end of the log leave it ahead of the last event (verify says so). Appends take the
        -- transaction-scoped advisory lock 7242002 first, so concurrent writers, on one server
        -- or several, extend the chain one at a time.
        CREATE TABLE auditEventUsed (
            id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            sequence bigint NOT NULL CHECK (sequence >= 0)
        );
        INSERT INTO auditEventUsed (sequence) VALUES (0);
        CREATE TABLE auditEvent (
            sequence bigint PRIMARY KEY,
            time text NOT NULL,
            actor text NOT NULL CHECK (length(trim(actor)) > 0),
            action text NOT NULL,
            entityType text NOT NULL,
            entityId text NOT NULL,
            entitySeq bigint,
            oldValue text CHECK (oldValue IS NULL OR oldValue::jsonb IS NOT NULL),
            newValue text CHECK (newValue IS NULL OR newValue::jsonb IS NOT NULL),
            previousHash text NOT NULL CHECK (length(previousHash) = 64),
            hash text NOT NULL CHECK (length(hash) = 64)
        );
        CREATE INDEX auditEvent_entity ON auditEvent(entityType, entitySeq);

        -- Append-only history and undeletable records, as on SQLite.
        CREATE FUNCTION heritage_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', TG_ARGV[0];
        END $$;
        CREATE TRIGGER auditEvent_noChange BEFORE UPDATE OR DELETE OR TRUNCATE ON auditEvent
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('the audit log is append-only');
        CREATE TRIGGER conditionAssessment_noChange BEFORE UPDATE OR DELETE OR TRUNCATE ON conditionAssessment
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('condition history is append-only: record a correction instead');
        CREATE TRIGGER site_noDelete BEFORE DELETE OR TRUNCATE ON site
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('sites are never deleted from the registry');
        CREATE TRIGGER survey_noDelete BEFORE DELETE OR TRUNCATE ON survey
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('surveys are never deleted from the registry');
        CREATE TRIGGER asset_noChange BEFORE UPDATE OR DELETE OR TRUNCATE ON asset
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('assets are never changed: add a version');
        CREATE TRIGGER assetVersion_noChange BEFORE UPDATE OR DELETE OR TRUNCATE ON assetVersion
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('asset versions are immutable: add a version');
        CREATE TRIGGER blob_noChange BEFORE UPDATE OR DELETE OR TRUNCATE ON blob
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('blobs are immutable');
        CREATE TRIGGER finding_noChange BEFORE UPDATE OR DELETE OR TRUNCATE ON finding
            FOR EACH STATEMENT EXECUTE FUNCTION heritage_refuse('findings are never edited: record a new comparison');

        -- For GIS users (QGIS and the like): every site, with restricted ones at their
        -- generalised position only. The role heritage_gis may read this view and nothing else.
        CREATE VIEW gisSite AS
        SELECT s.id, s.code, s.kind, s.country, s.sensitivity,
            (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq AND n.isPrimary = 1) AS name,
            ST_Y(s.shown::geometry) AS latitude, ST_X(s.shown::geometry) AS longitude,
            s.sensitivity = 'restricted' AS generalised,
            s.shown::geometry AS geom,
            l.overallCondition AS latestCondition
        FROM site s LEFT JOIN siteLatestCondition l ON l.siteId = s.id;
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'heritage_gis') THEN
                CREATE ROLE heritage_gis NOLOGIN;
            END IF;
        -- Roles belong to the cluster: a registry set up at the same moment in another
        -- database (its migration lock is per database) may have made it first.
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        GRANT USAGE ON SCHEMA public TO heritage_gis;
        GRANT SELECT ON gisSite TO heritage_gis;
        """

    /// The GIS role and its one grant, as v1 makes them: applied again after a restore, since
    /// roles belong to the cluster and the dump is restored without privileges.
    static let gisAccess = """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'heritage_gis') THEN
                CREATE ROLE heritage_gis NOLOGIN;
            END IF;
        -- Roles belong to the cluster: a registry set up at the same moment in another
        -- database (its migration lock is per database) may have made it first.
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        GRANT USAGE ON SCHEMA public TO heritage_gis;
        GRANT SELECT ON gisSite TO heritage_gis;
        """
}
