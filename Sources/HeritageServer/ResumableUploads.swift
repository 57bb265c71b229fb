import Foundation
import HeritageStore

/// Uploads sent in parts over a link that may drop (a phone in the field): each is a scratch
/// file in the archive's temporary folder, hashed as its bytes arrive, that grows with every
/// part its owner sends at the offset it has reached. When it is whole it is read and stored
/// like any upload. The registry lives in the server's memory: a restarted server has forgotten
/// its uploads (their files are removed as abandoned when it starts) and a client starts them
/// again. An upload left idle for `idleLimit` is discarded.
final class ResumableUploads: @unchecked Sendable {
    final class Upload: @unchecked Sendable {
        let id: String
        let account: String
        let site: String
        let name: String
        let size: Int64
        let survey: String?
        let asset: String?
        /// The SHA-256 the client says the whole file has, checked before it is stored.
        let sha256: String?
        let scratch: ScratchFile
        fileprivate var busy = false
        fileprivate var cancelled = false
        fileprivate var lastUsed: Date
        /// Which claim may send it: a newer request takes over one whose bytes stopped coming.
        fileprivate var claim = 0

        init(
            id: String, account: String, site: String, name: String, size: Int64, survey: String?, asset: String?,
            sha256: String?, scratch: ScratchFile, now: Date
        ) {
            (self.id, self.account, self.site, self.name, self.size) = (id, account, site, name, size)
            (self.survey, self.asset, self.sha256, self.scratch, self.lastUsed) = (survey, asset, sha256, scratch, now)
        }

        /// How many bytes have arrived and been written.
        var offset: Int64 { scratch.size }
    }

    private let lock = NSLock()
    private var uploads: [String: Upload] = [:]
    let idleLimit: TimeInterval
    /// The most uploads one account may have open at once.
    let perAccount: Int
    /// How long a request may send no bytes before a newer one takes the upload over: a phone
    /// whose link died leaves its request open on the server until the connection times out.
    let stallLimit: TimeInterval

    init(idleLimit: TimeInterval = 24 * 3600, perAccount: Int = 16, stallLimit: TimeInterval = 20) {
        self.idleLimit = idleLimit
        self.perAccount = perAccount
        self.stallLimit = stallLimit
    }

    /// Registers a new upload, after discarding the idle ones; refused past `perAccount`.
    func open(_ make: (String) throws -> Upload, account: String, now: Date = Date()) throws -> Upload {
        sweep(now: now)
        return try lock.withLock {
            let open = uploads.values.filter { $0.account == account }.count
            guard open < perAccount else {
                throw APIError(
                    .tooManyRequests,
                    "\(account) has \(open) unfinished uploads, the most one account may have: finish or cancel one "
                        + "(DELETE /api/uploads/{id})")
            }
            let upload = try make(RecordID.make())
            uploads[upload.id] = upload
            return upload
        }
    }

    /// The account's upload, for one request at a time, and the claim that request holds:
    /// another request gets 409, unless the one sending it has had no bytes for `stallLimit`.
    func claim(_ id: String, account: String, now: Date = Date()) throws -> (ResumableUploads.Upload, Int) {
        try lock.withLock {
            guard let upload = uploads[id], upload.account == account, !upload.cancelled else {
                throw APIError(
                    .notFound,
                    "no unfinished upload \(id) of yours: it was finished, cancelled, left idle for a day, "
                        + "or the server restarted; start it again")
            }
            guard !upload.busy || now.timeIntervalSince(upload.lastUsed) > stallLimit else {
                throw APIError(
                    .conflict, "another request is sending upload \(id); wait for it to end",
                    headers: [.uploadOffset: String(upload.offset)])
            }
            upload.busy = true
            upload.claim += 1
            upload.lastUsed = now
            return (upload, upload.claim)
        }
    }

    /// Records that bytes arrived under `claim`; false when a newer request has taken over.
    func progress(_ upload: Upload, claim: Int, now: Date = Date()) -> Bool {
        lock.withLock {
            guard upload.claim == claim, !upload.cancelled else { return false }
            upload.lastUsed = now
            return true
        }
    }

    /// Ends a claim (unless a newer request holds the upload); the upload waits for its next
    /// part, or goes if it was cancelled meanwhile.
    func release(_ upload: Upload, claim: Int, now: Date = Date()) {
        let cancelled = lock.withLock {
            guard upload.claim == claim else { return false }
            upload.busy = false
            upload.lastUsed = now
            return upload.cancelled
        }
        if cancelled { remove(upload) }
    }

    /// Cancels the account's upload: removed now, or, while a request is sending it, when that
    /// request ends. False when there is no such upload.
    func cancel(_ id: String, account: String) -> Bool {
        let idle: Upload?? = lock.withLock {
            guard let upload = uploads[id], upload.account == account, !upload.cancelled else { return .none }
            upload.cancelled = true
            return .some(upload.busy ? nil : upload)
        }
        guard let idle else { return false }
        if let idle { remove(idle) }
        return true
    }

    /// Forgets the upload and removes its file.
    func remove(_ upload: Upload) {
        lock.withLock { _ = uploads.removeValue(forKey: upload.id) }
        upload.scratch.incoming.discard()
    }

    /// The account's upload as it stands, without claiming it.
    func peek(_ id: String, account: String) -> Upload? {
        lock.withLock { uploads[id].flatMap { $0.account == account && !$0.cancelled ? $0 : nil } }
    }

    /// Discards uploads idle for longer than `idleLimit`; returns how many.
    @discardableResult
    func sweep(now: Date = Date()) -> Int {
        let idle = lock.withLock {
            // A busy one whose request has sent nothing for as long is as idle.
            let idle = uploads.values.filter { now.timeIntervalSince($0.lastUsed) > idleLimit }
            for upload in idle { uploads.removeValue(forKey: upload.id) }
            return idle
        }
        for upload in idle { upload.scratch.incoming.discard() }
        return idle.count
    }

    /// How many uploads are open (for tests and metrics).
    var count: Int { lock.withLock { uploads.count } }
}
