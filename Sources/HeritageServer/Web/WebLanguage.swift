/// The languages the web pages speak, each string of every page from one catalogue. English and
/// Arabic are complete (a test checks); Ukrainian is partial, and falls back to English.
enum WebLanguage: String, CaseIterable, Sendable {
    case en, ar, uk

    /// Arabic is laid out right to left.
    var direction: String { self == .ar ? "rtl" : "ltr" }

    /// Its name in itself, for the language menu.
    var ownName: String {
        switch self {
        case .en: "English"
        case .ar: "العربية"
        case .uk: "Українська"
        }
    }

    subscript(_ key: UIText) -> String {
        switch self {
        case .en: UIText.english[key] ?? key.rawValue
        case .ar: UIText.arabic[key] ?? UIText.english[key] ?? key.rawValue
        case .uk: UIText.ukrainian[key] ?? UIText.english[key] ?? key.rawValue
        }
    }

    /// The language asked for by `?lang=`, else the `heritage_lang` cookie, else the first of
    /// Accept-Language's that the pages speak, else English.
    static func choose(query: String?, cookie: String?, acceptLanguage: String?) -> WebLanguage {
        if let query, let language = WebLanguage(rawValue: query) { return language }
        if let cookie, let language = WebLanguage(rawValue: cookie) { return language }
        for range in (acceptLanguage ?? "").split(separator: ",") {
            let tag = range.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            if let language = WebLanguage(rawValue: String(tag.prefix { $0 != "-" })) { return language }
        }
        return .en
    }
}

/// Every string the pages show, by key.
enum UIText: String, CaseIterable, Sendable {
    case appName, skipToContent, navSites, navSignOut, language
    case signInTitle, username, password, signIn, signInFailed, signInThrottled, signedInAs
    case sitesTitle, search, kind, condition, country, anyValue, filter, noSites, previous, next, shownOf
    case code, name, position, generalisedPosition, download
    case names, designations, legalMeaning, conditionTimeline, timelineChartTitle, date, assessor, activity
    case certainty, damageExtent, notes, surveys, surveyMethod, team, assets, asset, version, file, format
    case size, captured, withheld, thumbnail, findings, method, regions, lossVolume, gainVolume, changedArea
    case maxDepth, reportDownload, packageDownload, noneRecorded, moreAssets, moreFindings, period, community
    case description, pageNotFound, formExpired
    case navReview, reviewTitle, noPending, proposedBy, evidence, changes, field, asItStands, asProposed, reason
    case approve, reject, kindSiteCreate, kindSiteUpdate, kindConditionCreate, notForYourRole
    case navAudit, auditTitle, chainIntact, chainBroken, sequence, time, actor, action, entity, valuesWithheld
    case olderEvents, noEvents
    case assessTitle, assessIntro, causeCategory, causeType, effects, noteToReviewer, propose, proposeAssessment
    case required
    case surveyTitle, startDate, endDate, teamHint, recordSurvey, addSurvey
    case navAccount, accountTitle, role, clearance, clearanceYes, clearanceNo, changePassword, currentPassword
    case newPassword, repeatPassword, passwordsDiffer, wrongPassword, passwordChanged, apiToken, tokenLabel
    case issueToken, tokenShownOnce
    case newSiteTitle, editSiteTitle, siteFormIntro, codeHint, namesHint, languageTag, latitude, longitude
    case precisionMetres, positionKept, sensitivity, sensitivityHint, adminArea, designationType, reference
    case notANumber, proposalsTitle, proposalSent, noProposals, status, decidedBy, statusPending, statusApproved
    case statusRejected, navProposals, addSite, editSite
    case compareTitle, compareIntro, needTwoVersions, beforeEpoch, afterEpoch, methodAutomatic, methodPhoto
    case methodHint, alignment, alignNone, alignHint, parameters, parametersHint, automatic, units, unitsHint
    case startComparison, normalRadius, normalRadiusHint, cylinderRadius, cylinderRadiusHint, cylinderHalfLength
    case cylinderHalfLengthHint, coreSpacing, coreSpacingHint, registrationError, registrationErrorHint, threshold
    case thresholdHint, jobTitle, stage, progress, comparisonDone, cancel, jobQueued, jobRunning, jobSucceeded
    case jobFailed, jobCancelled, launchComparison
    case uploadTitle, uploadStored, uploadIntro, uploadFileStored, uploadFileDuplicate, uploadCancelled
    case uploadRetry, uploadFailed, uploadWaiting, uploadWarning, uploadFiles, uploadFormats, takePhoto, dropHere
    case survey, uploadSend, backToSite, reasonGiven
    case mapTitle, navMap, sitesInView, sitesWord, openSite, zoomIn, legend, mapNeedsScript, listTheseSites
    case downloadSelection, conditionGood, conditionFair, conditionPoor, conditionVeryBad, conditionDestroyed
    case conditionUnknown, conditionUnassessed
    case show, epochChanges, pointsShown, viewerLabel, regionWord, viewerNeedsScript, viewerKeys, loss, gain, noData
    case volume, meanDepth, flyTo, viewerTitle, open3D
    case photoComparisonTitle, photosWithheld, swipeLabel, showChanges, changeOverlay, changeMask, pixels
    case colourDifference, openPhotos
    case usersTitle, navUsers, saved, notYourself, state, save, enabled, disabled, addAccount, clearanceGrant
    case camera, gpsCheck, noGPS, gpsNotChecked, gpsAgrees, gpsDisagrees, draftedFromFinding, proposeFromFinding
}

extension UIText {
    static let english: [UIText: String] = [
        .appName: "heritage", .skipToContent: "Skip to content", .navSites: "Sites", .navSignOut: "Sign out",
        .language: "Language", .signInTitle: "Sign in", .username: "User name", .password: "Password",
        .signIn: "Sign in", .signInFailed: "Wrong name or password.",
        .signInThrottled: "Too many failed sign-ins for this name; wait a little and try again.",
        .signedInAs: "Signed in as", .sitesTitle: "Sites", .search: "Search (any script)", .kind: "Kind",
        .condition: "Latest condition", .country: "Country (ISO code)", .anyValue: "Any", .filter: "Show",
        .noSites: "No site matches.", .previous: "Previous", .next: "Next", .shownOf: "Sites shown",
        .code: "Code", .name: "Name", .position: "Position", .generalisedPosition: "generalised to its 0.1° cell",
        .download: "Download", .names: "Names", .designations: "Designations", .legalMeaning: "What it means in law",
        .conditionTimeline: "Condition over time", .timelineChartTitle: "Overall condition by date",
        .date: "Date", .assessor: "Assessor", .activity: "Activity", .certainty: "Certainty",
        .damageExtent: "Damage extent", .notes: "Notes", .surveys: "Surveys", .surveyMethod: "Method",
        .team: "Team", .assets: "Scans, photographs and documents", .asset: "Asset", .version: "Version",
        .file: "File", .format: "Format", .size: "Size (bytes)", .captured: "Captured",
        .withheld: "withheld: the file holds the site's position", .thumbnail: "Thumbnail",
        .findings: "Findings", .method: "Method", .regions: "Regions", .lossVolume: "Loss volume",
        .gainVolume: "Gain volume", .changedArea: "Changed area", .maxDepth: "Deepest change",
        .reportDownload: "Evidence report (zip)", .packageDownload: "Signed package (zip)",
        .noneRecorded: "None recorded.", .moreAssets: "Assets listed", .moreFindings: "Findings listed",
        .period: "Period", .community: "Community", .description: "Description",
        .pageNotFound: "There is no such page.",
        .formExpired: "The form had expired; it has been shown again. Send it once more.",
        .navReview: "Review", .reviewTitle: "Proposals to review", .noPending: "No proposal is waiting.",
        .proposedBy: "Proposed by", .evidence: "Evidence", .changes: "What it would change", .field: "Field",
        .asItStands: "As it stands", .asProposed: "As proposed", .reason: "Reason (required to reject)",
        .approve: "Approve", .reject: "Reject", .kindSiteCreate: "New site", .kindSiteUpdate: "Edit of a site",
        .kindConditionCreate: "Condition assessment", .notForYourRole: "Your role does not open this page.",
        .navAudit: "Audit log", .auditTitle: "Audit log",
        .chainIntact: "The hash chain is intact through event", .chainBroken: "The hash chain is broken:",
        .sequence: "#", .time: "Time (UTC)", .actor: "Actor", .action: "Action", .entity: "Entity",
        .valuesWithheld: "values withheld: they hold a restricted site's position", .olderEvents: "Older events",
        .noEvents: "No event matches.",
        .assessTitle: "Propose a condition assessment",
        .assessIntro: "A reviewer approves or rejects it before it joins the site's condition history.",
        .causeCategory: "Cause (category)", .causeType: "Cause (type)", .effects: "Effects",
        .noteToReviewer: "Note to the reviewer", .propose: "Propose",
        .proposeAssessment: "Propose a condition assessment",
        .required: "Required.",
        .surveyTitle: "Record a survey", .startDate: "First day", .endDate: "Last day (if more than one)",
        .teamHint: "Team (names, separated by commas)", .recordSurvey: "Record the survey",
        .addSurvey: "Record a survey",
        .navAccount: "Account", .accountTitle: "Your account", .role: "Role",
        .clearance: "Restricted positions", .clearanceYes: "shown exactly (cleared)",
        .clearanceNo: "shown generalised (not cleared)", .changePassword: "Change the password",
        .currentPassword: "Current password", .newPassword: "New password (10 characters or more)",
        .repeatPassword: "New password again", .passwordsDiffer: "The two new passwords differ.",
        .wrongPassword: "This is not the current password.", .passwordChanged: "The password is changed.",
        .apiToken: "API token for scripts", .tokenLabel: "What it is for", .issueToken: "Issue a token",
        .tokenShownOnce: "Copy it now: it is shown once and kept only as its hash. Send it as Authorization: Bearer.",
        .newSiteTitle: "Propose a new site", .editSiteTitle: "Propose an edit",
        .siteFormIntro:
            "What you send is a proposal: a reviewer approves it into the register or rejects it with a reason.",
        .codeHint: "The register's code: letters, digits and - _ . / without spaces, e.g. ARM-0042.",
        .namesHint: "The first name is the main one. Give each name in its own script, with its language tag.",
        .languageTag: "Language tag", .latitude: "Latitude (WGS 84, degrees)",
        .longitude: "Longitude (WGS 84, degrees)",
        .precisionMetres: "Within (metres)",
        .positionKept: "This site's position is restricted and you are not cleared for it: it is kept as it is.",
        .sensitivity: "Sensitivity",
        .sensitivityHint: "Restricted: the exact position is shown only to cleared accounts, generalised to others.",
        .adminArea: "Administrative area", .designationType: "Designation", .reference: "Reference",
        .notANumber: "Give a number.", .proposalsTitle: "Your proposals",
        .proposalSent: "Sent for review. A reviewer will approve or reject it.",
        .noProposals: "You have proposed nothing yet.", .status: "Status", .decidedBy: "Decided by",
        .statusPending: "Waiting for review", .statusApproved: "Approved", .statusRejected: "Rejected",
        .navProposals: "Proposals", .addSite: "Propose a new site", .editSite: "Propose an edit of this site",
        .compareTitle: "Compare two surveys",
        .compareIntro:
            "The after epoch is measured against the before epoch: loss of material is negative. The result is recorded on the site as a finding.",
        .needTwoVersions: "A comparison needs two scans or two photographs of this site; upload them first.",
        .beforeEpoch: "Before (reference)", .afterEpoch: "After (compared)",
        .methodAutomatic: "Automatic: M3C2 for scans, photo for photographs", .methodPhoto: "Photographs",
        .methodHint:
            "M3C2 measures along the surface normal with a confidence bound (the default for scans); C2C takes the nearest point; C2M the nearest triangle of a before mesh.",
        .alignment: "Alignment", .alignNone: "None: the scans share a frame",
        .alignHint:
            "ICP aligns the after scan onto the before scan first; use it when they were not georeferenced together.",
        .parameters: "Parameters",
        .parametersHint:
            "Leave a field empty for its default, derived from the before epoch's point spacing s; the result lists what was used.",
        .automatic: "automatic", .units: "Units",
        .unitsHint: "The coordinates' linear unit (default: the file's, or none).",
        .startComparison: "Start the comparison", .normalRadius: "Normal radius",
        .normalRadiusHint: "Scale of the surface normals (default: 10 s).", .cylinderRadius: "Cylinder radius",
        .cylinderRadiusHint: "Radius of the cylinder measured along each normal (default: 5 s).",
        .cylinderHalfLength: "Cylinder half-length",
        .cylinderHalfLengthHint: "How far along the normal change is looked for (default: 10 × the radius).",
        .coreSpacing: "Core point spacing",
        .coreSpacingHint: "One measurement per cube of this edge (default: the cylinder radius).",
        .registrationError: "Registration error",
        .registrationErrorHint:
            "Added to the level of detection, 1.96·(√(σ1²/n1 + σ2²/n2) + E) (default: ICP's RMS, or 0).",
        .threshold: "Change threshold",
        .thresholdHint:
            "C2C and C2M: a distance counted as change (default: 3 robust standard deviations); photographs: a colour difference, 0-255.",
        .jobTitle: "Comparison", .stage: "Stage", .progress: "Progress",
        .comparisonDone: "Done: the finding is recorded on the site.", .cancel: "Cancel",
        .jobQueued: "Waiting", .jobRunning: "Running", .jobSucceeded: "Finished", .jobFailed: "Failed",
        .jobCancelled: "Cancelled", .launchComparison: "Compare two surveys",
        .uploadTitle: "Upload scans and photographs", .uploadStored: "Stored:",
        .uploadIntro:
            "Each file is read as the archive reads it; a file it cannot read is refused with the reason, and nothing of it is kept.",
        .uploadFileStored: "Stored as version", .uploadFileDuplicate: "Already in the archive as version",
        .uploadCancelled: "Cancelled", .uploadRetry: "The connection dropped; going on from where it stopped in {s} s",
        .uploadFailed: "The connection failed; send the file again.", .uploadWaiting: "Sending…",
        .uploadWarning: "Note", .uploadFiles: "Files",
        .uploadFormats:
            "PLY, OBJ, LAS, x y z text, JPEG, PNG, TIFF, PDF; a world file (.jgw, .pgw, .wld) beside its image.",
        .takePhoto: "Take a photograph", .dropHere: "Or drop files anywhere on this page.", .survey: "Survey",
        .uploadSend: "Upload", .backToSite: "Back to the site", .reasonGiven: "Reviewer's reason",
        .mapTitle: "Map of the sites", .navMap: "Map", .sitesInView: "{n} sites in view", .sitesWord: "sites",
        .openSite: "Open the site's page", .zoomIn: "Zoom in on them", .legend: "Latest condition",
        .mapNeedsScript: "The map needs JavaScript; the list of sites holds the same, with the same filters.",
        .listTheseSites: "List these sites", .downloadSelection: "Download this selection",
        .conditionGood: "Good", .conditionFair: "Fair", .conditionPoor: "Poor", .conditionVeryBad: "Very bad",
        .conditionDestroyed: "Destroyed", .conditionUnknown: "Unknown", .conditionUnassessed: "Never assessed",
        .show: "Show", .epochChanges: "Measured change", .pointsShown: "{kept} of {total} points shown",
        .viewerLabel: "3D view of the comparison", .regionWord: "Region",
        .viewerNeedsScript: "The 3D view needs JavaScript; the heat maps on the site's page show the same change.",
        .viewerKeys:
            "Drag to orbit, right-drag or two fingers to pan, wheel or pinch to zoom; with the view focused, the arrow keys pan. Zoomed in, the view loads the points of what it shows.",
        .loss: "loss", .gain: "gain", .noData: "no data", .volume: "Volume", .meanDepth: "Mean depth",
        .flyTo: "Fly to", .viewerTitle: "3D view", .open3D: "3D view",
        .photoComparisonTitle: "Photographs compared",
        .photosWithheld: "These photographs place a restricted site: they are shown only to accounts with clearance.",
        .swipeLabel: "Before ← slide → after", .showChanges: "Show the changes on the after photograph",
        .changeOverlay: "Changes over the after photograph", .changeMask: "Change mask (white: changed, grey: no data)",
        .pixels: "Pixels", .colourDifference: "Colour difference, mean (0-255)", .openPhotos: "Photographs",
        .usersTitle: "Accounts", .navUsers: "Accounts", .saved: "Saved.",
        .notYourself:
            "You cannot disable or demote your own account, nor take away your own clearance: ask another administrator.",
        .state: "State", .save: "Save", .enabled: "Enabled", .disabled: "Disabled", .addAccount: "Add an account",
        .clearanceGrant: "Cleared to see restricted positions",
        .camera: "Camera", .gpsCheck: "GPS against the site", .noGPS: "no GPS",
        .gpsNotChecked: "generalised: not checked",
        .gpsAgrees: "{d} from the site", .gpsDisagrees: "{d} from the site: check where it was taken",
        .draftedFromFinding:
            "Drafted from the comparison {id}: its date, activity, extent and effects are filled in; the comparison goes with the proposal as its evidence. Judge the overall condition and your certainty.",
        .proposeFromFinding: "Propose as the site's condition",
    ]

    static let arabic: [UIText: String] = [
        .appName: "هيريتاج", .skipToContent: "انتقل إلى المحتوى", .navSites: "المواقع", .navSignOut: "تسجيل الخروج",
        .language: "اللغة", .signInTitle: "تسجيل الدخول", .username: "اسم المستخدم", .password: "كلمة المرور",
        .signIn: "دخول", .signInFailed: "الاسم أو كلمة المرور غير صحيحة.",
        .signInThrottled: "محاولات دخول فاشلة كثيرة بهذا الاسم؛ انتظر قليلاً ثم حاول مجدداً.",
        .signedInAs: "مسجّل الدخول باسم", .sitesTitle: "المواقع", .search: "بحث (بأي كتابة)", .kind: "النوع",
        .condition: "آخر حالة", .country: "البلد (رمز ISO)", .anyValue: "الكل", .filter: "عرض",
        .noSites: "لا يوجد موقع مطابق.", .previous: "السابق", .next: "التالي", .shownOf: "المواقع المعروضة",
        .code: "الرمز", .name: "الاسم", .position: "الموقع الجغرافي", .generalisedPosition: "معمّم إلى خليته (0.1°)",
        .download: "تنزيل", .names: "الأسماء", .designations: "التصنيفات", .legalMeaning: "معناه في القانون",
        .conditionTimeline: "الحالة عبر الزمن", .timelineChartTitle: "الحالة العامة حسب التاريخ",
        .date: "التاريخ", .assessor: "المُقيِّم", .activity: "النشاط", .certainty: "درجة اليقين",
        .damageExtent: "مدى الضرر", .notes: "ملاحظات", .surveys: "المسوحات", .surveyMethod: "الطريقة",
        .team: "الفريق", .assets: "المسوحات ثلاثية الأبعاد والصور والوثائق", .asset: "الملف", .version: "الإصدار",
        .file: "اسم الملف", .format: "الصيغة", .size: "الحجم (بايت)", .captured: "تاريخ الالتقاط",
        .withheld: "محجوب: الملف يتضمن موقع المكان", .thumbnail: "صورة مصغّرة",
        .findings: "النتائج", .method: "الطريقة", .regions: "المناطق", .lossVolume: "حجم الفقد",
        .gainVolume: "حجم الزيادة", .changedArea: "المساحة المتغيّرة", .maxDepth: "أعمق تغيّر",
        .reportDownload: "تقرير الأدلة (zip)", .packageDownload: "حزمة موقّعة (zip)",
        .noneRecorded: "لا شيء مسجّل.", .moreAssets: "الملفات المعروضة", .moreFindings: "النتائج المعروضة",
        .period: "الحقبة", .community: "الجماعة", .description: "الوصف",
        .pageNotFound: "لا توجد صفحة كهذه.",
        .formExpired: "انتهت صلاحية النموذج؛ أُعيد عرضه. أرسله مرة أخرى.",
        .navReview: "المراجعة", .reviewTitle: "مقترحات بانتظار المراجعة",
        .noPending: "لا توجد مقترحات بانتظار المراجعة.",
        .proposedBy: "اقترحه", .evidence: "الأدلة", .changes: "ما سيتغيّر", .field: "الحقل",
        .asItStands: "كما هو الآن", .asProposed: "كما اقتُرح", .reason: "السبب (مطلوب للرفض)",
        .approve: "موافقة", .reject: "رفض", .kindSiteCreate: "موقع جديد", .kindSiteUpdate: "تعديل موقع",
        .kindConditionCreate: "تقييم حالة", .notForYourRole: "دورك لا يتيح فتح هذه الصفحة.",
        .navAudit: "سجل التدقيق", .auditTitle: "سجل التدقيق",
        .chainIntact: "سلسلة التجزئة سليمة حتى الحدث", .chainBroken: "سلسلة التجزئة مكسورة:",
        .sequence: "#", .time: "الوقت (UTC)", .actor: "المنفّذ", .action: "الإجراء", .entity: "الكيان",
        .valuesWithheld: "القيم محجوبة: تتضمن موقع مكان مقيّد", .olderEvents: "أحداث أقدم",
        .noEvents: "لا يوجد حدث مطابق.",
        .assessTitle: "اقتراح تقييم للحالة",
        .assessIntro: "يوافق عليه مراجع أو يرفضه قبل أن يُضاف إلى سجل حالة الموقع.",
        .causeCategory: "السبب (الفئة)", .causeType: "السبب (النوع)", .effects: "الآثار",
        .noteToReviewer: "ملاحظة للمراجع", .propose: "اقتراح", .proposeAssessment: "اقتراح تقييم للحالة",
        .required: "مطلوب.",
        .surveyTitle: "تسجيل مسح", .startDate: "اليوم الأول", .endDate: "اليوم الأخير (إن تعددت الأيام)",
        .teamHint: "الفريق (أسماء تفصل بينها فواصل)", .recordSurvey: "سجّل المسح", .addSurvey: "تسجيل مسح",
        .navAccount: "الحساب", .accountTitle: "حسابك", .role: "الدور",
        .clearance: "المواقع المقيّدة", .clearanceYes: "تُعرض بدقة (مُصرَّح)",
        .clearanceNo: "تُعرض معمّمة (غير مُصرَّح)", .changePassword: "تغيير كلمة المرور",
        .currentPassword: "كلمة المرور الحالية", .newPassword: "كلمة المرور الجديدة (10 أحرف أو أكثر)",
        .repeatPassword: "كلمة المرور الجديدة مرة أخرى", .passwordsDiffer: "كلمتا المرور الجديدتان مختلفتان.",
        .wrongPassword: "هذه ليست كلمة المرور الحالية.", .passwordChanged: "تم تغيير كلمة المرور.",
        .apiToken: "رمز API للبرامج", .tokenLabel: "الغرض منه", .issueToken: "إصدار رمز",
        .tokenShownOnce: "انسخه الآن: يُعرض مرة واحدة ويُحفظ تجزئته فقط. أرسله في الترويسة Authorization: Bearer.",
        .newSiteTitle: "اقتراح موقع جديد", .editSiteTitle: "اقتراح تعديل",
        .siteFormIntro: "ما ترسله اقتراح: يوافق عليه مراجع فيدخل السجل، أو يرفضه مع ذكر السبب.",
        .codeHint: "رمز السجل: حروف وأرقام و - _ . / دون مسافات، مثل ARM-0042.",
        .namesHint: "الاسم الأول هو الاسم الرئيسي. اكتب كل اسم بكتابته الأصلية مع رمز لغته.",
        .languageTag: "رمز اللغة", .latitude: "خط العرض (WGS 84، درجات)", .longitude: "خط الطول (WGS 84، درجات)",
        .precisionMetres: "ضمن (متر)",
        .positionKept: "موقع هذا المكان مقيّد ولست مُصرَّحاً بالاطلاع عليه: يبقى كما هو.",
        .sensitivity: "الحساسية",
        .sensitivityHint: "مقيّد: يُعرض الموقع الدقيق للحسابات المُصرَّح لها فقط، ومعمّماً لغيرها.",
        .adminArea: "المنطقة الإدارية", .designationType: "التصنيف", .reference: "المرجع",
        .notANumber: "أدخل رقماً.", .proposalsTitle: "مقترحاتك",
        .proposalSent: "أُرسل للمراجعة. سيوافق عليه مراجع أو يرفضه.",
        .noProposals: "لم تقترح شيئاً بعد.", .status: "الحالة", .decidedBy: "قرّره",
        .statusPending: "بانتظار المراجعة", .statusApproved: "مقبول", .statusRejected: "مرفوض",
        .navProposals: "المقترحات", .addSite: "اقتراح موقع جديد", .editSite: "اقتراح تعديل لهذا الموقع",
        .compareTitle: "مقارنة مسحين",
        .compareIntro:
            "تُقاس الحقبة اللاحقة مقابل الحقبة السابقة: فقدان المادة سالب. تُسجَّل النتيجة على الموقع كنتيجة مقارنة.",
        .needTwoVersions: "تحتاج المقارنة إلى مسحين أو صورتين لهذا الموقع؛ ارفعهما أولاً.",
        .beforeEpoch: "قبل (المرجع)", .afterEpoch: "بعد (المقارَن)",
        .methodAutomatic: "تلقائي: M3C2 للمسوحات، والصور للصور", .methodPhoto: "صور فوتوغرافية",
        .methodHint:
            "تقيس M3C2 على امتداد العمودي على السطح مع حدّ ثقة (الافتراضية للمسوحات)؛ وتأخذ C2C أقرب نقطة؛ وC2M أقرب مثلث من شبكة سابقة.",
        .alignment: "المحاذاة", .alignNone: "بلا: المسحان في إطار واحد",
        .alignHint: "تحاذي ICP المسح اللاحق على السابق أولاً؛ استخدمها إن لم يُسنَدا جغرافياً معاً.",
        .parameters: "المعاملات",
        .parametersHint:
            "اترك الحقل فارغاً لقيمته الافتراضية، المشتقة من تباعد نقاط الحقبة السابقة s؛ تذكر النتيجة ما استُخدم.",
        .automatic: "تلقائي", .units: "الوحدات",
        .unitsHint: "وحدة الطول للإحداثيات (الافتراضي: وحدة الملف، أو لا شيء).",
        .startComparison: "ابدأ المقارنة", .normalRadius: "نصف قطر العمودي",
        .normalRadiusHint: "مقياس العموديات على السطح (الافتراضي: 10 s).", .cylinderRadius: "نصف قطر الأسطوانة",
        .cylinderRadiusHint: "نصف قطر الأسطوانة المقيسة على امتداد كل عمودي (الافتراضي: 5 s).",
        .cylinderHalfLength: "نصف طول الأسطوانة",
        .cylinderHalfLengthHint: "المدى الذي يُبحث فيه عن التغيّر على امتداد العمودي (الافتراضي: 10 × نصف القطر).",
        .coreSpacing: "تباعد النقاط الأساسية",
        .coreSpacingHint: "قياس واحد لكل مكعب بهذا الضلع (الافتراضي: نصف قطر الأسطوانة).",
        .registrationError: "خطأ التسجيل",
        .registrationErrorHint: "يُضاف إلى حدّ الكشف، 1.96·(√(σ1²/n1 + σ2²/n2) + E) (الافتراضي: RMS لـ ICP، أو 0).",
        .threshold: "عتبة التغيّر",
        .thresholdHint: "C2C وC2M: مسافة تُعدّ تغيّراً (الافتراضي: 3 انحرافات معيارية متينة)؛ الصور: فرق لوني، 0-255.",
        .jobTitle: "مقارنة", .stage: "المرحلة", .progress: "التقدّم",
        .comparisonDone: "انتهت: سُجّلت النتيجة على الموقع.", .cancel: "إلغاء",
        .jobQueued: "بالانتظار", .jobRunning: "قيد التنفيذ", .jobSucceeded: "انتهت", .jobFailed: "فشلت",
        .jobCancelled: "أُلغيت", .launchComparison: "مقارنة مسحين",
        .uploadTitle: "رفع المسوحات والصور", .uploadStored: "حُفظ:",
        .uploadIntro: "يُقرأ كل ملف كما يقرؤه الأرشيف؛ الملف الذي لا يمكن قراءته يُرفض مع السبب، ولا يُحفظ منه شيء.",
        .uploadFileStored: "حُفظ بالإصدار", .uploadFileDuplicate: "موجود في الأرشيف بالإصدار",
        .uploadCancelled: "أُلغي", .uploadRetry: "انقطع الاتصال؛ المتابعة من حيث توقف بعد {s} ثانية",
        .uploadFailed: "فشل الاتصال؛ أرسل الملف مرة أخرى.", .uploadWaiting: "جارٍ الإرسال…",
        .uploadWarning: "ملاحظة", .uploadFiles: "الملفات",
        .uploadFormats: "PLY وOBJ وLAS ونص x y z وJPEG وPNG وTIFF وPDF؛ وملف إسناد (.jgw و.pgw و.wld) بجانب صورته.",
        .takePhoto: "التقط صورة", .dropHere: "أو أفلت الملفات في أي مكان من هذه الصفحة.", .survey: "المسح",
        .uploadSend: "رفع", .backToSite: "العودة إلى الموقع", .reasonGiven: "سبب المراجع",
        .mapTitle: "خريطة المواقع", .navMap: "الخريطة", .sitesInView: "{n} موقعاً في العرض", .sitesWord: "مواقع",
        .openSite: "افتح صفحة الموقع", .zoomIn: "قرّب إليها", .legend: "آخر حالة",
        .mapNeedsScript: "تحتاج الخريطة إلى جافاسكربت؛ قائمة المواقع تضم المحتوى نفسه بالمرشحات نفسها.",
        .listTheseSites: "اعرض هذه المواقع في قائمة", .downloadSelection: "نزّل هذا الاختيار",
        .conditionGood: "جيدة", .conditionFair: "مقبولة", .conditionPoor: "سيئة", .conditionVeryBad: "سيئة جداً",
        .conditionDestroyed: "مدمَّرة", .conditionUnknown: "غير معروفة", .conditionUnassessed: "لم تُقيَّم قط",
        .show: "اعرض", .epochChanges: "التغيّر المقيس", .pointsShown: "{kept} من {total} نقطة معروضة",
        .viewerLabel: "عرض ثلاثي الأبعاد للمقارنة", .regionWord: "منطقة",
        .viewerNeedsScript:
            "يحتاج العرض ثلاثي الأبعاد إلى جافاسكربت؛ الخرائط الحرارية في صفحة الموقع تُظهر التغيّر نفسه.",
        .viewerKeys:
            "اسحب للدوران، واسحب بالزر الأيمن أو بإصبعين للتحريك، واستخدم العجلة أو القرص للتكبير؛ ومع تركيز العرض تحرّك مفاتيح الأسهم المشهد. عند التكبير يحمّل العرض نقاط ما يُظهره.",
        .loss: "فقد", .gain: "زيادة", .noData: "لا بيانات", .volume: "الحجم", .meanDepth: "متوسط العمق",
        .flyTo: "انتقل إليها", .viewerTitle: "عرض ثلاثي الأبعاد", .open3D: "عرض ثلاثي الأبعاد",
        .photoComparisonTitle: "مقارنة الصور",
        .photosWithheld: "هذه الصور تحدد موقع مكان مقيّد: تُعرض للحسابات المُصرَّح لها فقط.",
        .swipeLabel: "قبل ← اسحب → بعد", .showChanges: "أظهر التغيّرات على الصورة اللاحقة",
        .changeOverlay: "التغيّرات فوق الصورة اللاحقة", .changeMask: "قناع التغيّر (الأبيض: متغيّر، الرمادي: لا بيانات)",
        .pixels: "البكسلات", .colourDifference: "الفرق اللوني، المتوسط (0-255)", .openPhotos: "الصور",
        .usersTitle: "الحسابات", .navUsers: "الحسابات", .saved: "حُفظ.",
        .notYourself: "لا يمكنك تعطيل حسابك أو خفض دوره أو سحب تصريحك: اطلب ذلك من مسؤول آخر.",
        .state: "الحالة", .save: "حفظ", .enabled: "مفعّل", .disabled: "معطّل", .addAccount: "إضافة حساب",
        .clearanceGrant: "مُصرَّح له برؤية المواقع المقيّدة",
        .camera: "الكاميرا", .gpsCheck: "GPS مقارنة بالموقع", .noGPS: "لا GPS", .gpsNotChecked: "معمّم: لم يُتحقق",
        .gpsAgrees: "على بعد {d} من الموقع", .gpsDisagrees: "على بعد {d} من الموقع: تحقّق من مكان التقاطها",
        .draftedFromFinding:
            "مُعدّ من المقارنة {id}: مُلئ تاريخها ونشاطها ومدى الضرر وآثاره؛ وتُرفق المقارنة بالاقتراح دليلاً. قدّر الحالة العامة ودرجة يقينك.",
        .proposeFromFinding: "اقترحها حالةً للموقع",
    ]

    /// Partial: what is missing is shown in English.
    static let ukrainian: [UIText: String] = [
        .skipToContent: "Перейти до змісту", .navSites: "Пам'ятки", .navSignOut: "Вийти", .language: "Мова",
        .signInTitle: "Вхід", .username: "Ім'я користувача", .password: "Пароль", .signIn: "Увійти",
        .signInFailed: "Неправильне ім'я або пароль.", .sitesTitle: "Пам'ятки", .search: "Пошук",
        .kind: "Тип", .condition: "Останній стан", .filter: "Показати", .noSites: "Нічого не знайдено.",
        .previous: "Попередні", .next: "Наступні", .code: "Код", .name: "Назва", .names: "Назви",
        .conditionTimeline: "Стан у часі", .date: "Дата", .surveys: "Обстеження", .findings: "Висновки",
        .mapTitle: "Мапа пам'яток", .navMap: "Мапа", .conditionGood: "Добрий", .conditionDestroyed: "Знищена",
    ]
}
