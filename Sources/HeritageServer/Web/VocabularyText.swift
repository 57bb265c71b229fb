import HeritageStore

/// The registry's vocabularies (EAMENA's condition terms, site kinds, designations, survey
/// methods) in the pages' languages: the stored value stays the term's slug, only what is shown
/// changes. Keyed `vocabulary name/slug`. Arabic is complete (a test checks); Ukrainian holds
/// the overall conditions; what is missing is shown in English.
enum VocabularyText {
    /// Every vocabulary the pages show, as (name, slugs), for the completeness test.
    static let shown: [(String, [String])] = [
        (OverallCondition.vocabularyName, OverallCondition.allCases.map(\.rawValue)),
        (DamageExtent.vocabularyName, DamageExtent.allCases.map(\.rawValue)),
        (DisturbanceCategory.vocabularyName, DisturbanceCategory.allCases.map(\.rawValue)),
        (DisturbanceType.vocabularyName, DisturbanceType.allCases.map(\.rawValue)),
        (DisturbanceEffect.vocabularyName, DisturbanceEffect.allCases.map(\.rawValue)),
        (AssessmentActivity.vocabularyName, AssessmentActivity.allCases.map(\.rawValue)),
        (SiteKind.vocabularyName, SiteKind.allCases.map(\.rawValue)),
        (Sensitivity.vocabularyName, Sensitivity.allCases.map(\.rawValue)),
        (Certainty.vocabularyName, Certainty.allCases.map(\.rawValue)),
        (DesignationType.vocabularyName, DesignationType.allCases.map(\.rawValue)),
        (SurveyMethod.vocabularyName, SurveyMethod.allCases.map(\.rawValue)),
    ]

    static let arabic: [String: String] = [
        "overall condition/good": "جيدة", "overall condition/fair": "مقبولة", "overall condition/poor": "سيئة",
        "overall condition/very-bad": "سيئة جداً", "overall condition/destroyed": "مدمَّرة",
        "overall condition/unknown": "غير معروفة",
        "damage extent/none": "لا ضرر", "damage extent/1-10": "1-10٪", "damage extent/11-30": "11-30٪",
        "damage extent/31-60": "31-60٪", "damage extent/61-90": "61-90٪", "damage extent/91-100": "91-100٪",
        "damage extent/unknown": "غير معروف",
        "disturbance cause category/military-armed-conflict": "عسكري/نزاع مسلح",
        "disturbance cause category/looting-illegal-activities": "نهب/أنشطة غير مشروعة",
        "disturbance cause category/vandalism": "تخريب متعمَّد",
        "disturbance cause category/deliberate-destruction": "تدمير متعمَّد",
        "disturbance cause category/building-and-development": "بناء وتطوير",
        "disturbance cause category/natural": "طبيعي", "disturbance cause category/management-factors": "عوامل إدارية",
        "disturbance cause category/unknown": "غير معروف",
        "disturbance cause type/explosion-heavy-weaponry": "انفجار/أسلحة ثقيلة",
        "disturbance cause type/gunfire-light-weaponry": "إطلاق نار/أسلحة خفيفة",
        "disturbance cause type/demolition-destruction": "هدم/تدمير",
        "disturbance cause type/clearance": "تجريف (جرف/تسوية)", "disturbance cause type/fire": "حريق",
        "disturbance cause type/breaking-smashing": "كسر/تحطيم", "disturbance cause type/graffiti": "كتابات جدارية",
        "disturbance cause type/structural-robbing": "نهب مواد البناء",
        "disturbance cause type/theft-removal": "سرقة/نقل غير مأذون للقطع",
        "disturbance cause type/unknown": "غير معروف",
        "effect/collapse-structural-damage": "انهيار/ضرر إنشائي", "effect/burning": "احتراق",
        "effect/loss-removal-of-material": "فقدان/إزالة مواد", "effect/structural-alteration": "تعديل إنشائي",
        "effect/access-restriction": "تقييد الوصول", "effect/surface-damage": "ضرر سطحي",
        "activity type/field-visit": "زيارة ميدانية",
        "activity type/satellite-imagery-assessment": "تقييم بصور الأقمار الصناعية",
        "activity type/aerial-imagery-assessment": "تقييم بالصور الجوية",
        "activity type/scan-comparison": "مقارنة مسوحات",
        "activity type/literature-review": "مراجعة المصادر/الأرشيف", "activity type/media-report": "تقرير إعلامي",
        "activity type/other": "أخرى",
        "site kind/church": "كنيسة", "site kind/monastery": "دير", "site kind/mosque": "مسجد",
        "site kind/synagogue": "كنيس",
        "site kind/temple": "معبد", "site kind/shrine": "مزار", "site kind/mausoleum": "ضريح",
        "site kind/cemetery": "مقبرة",
        "site kind/cross-stone": "حجر الصليب (خاچكار)", "site kind/monument": "نُصب", "site kind/bridge": "جسر",
        "site kind/museum": "متحف", "site kind/archaeological-site": "موقع أثري",
        "site kind/historic-building": "مبنى تاريخي",
        "site kind/other": "أخرى",
        "sensitivity/public": "علني", "sensitivity/restricted": "مقيّد",
        "certainty/not-applicable": "لا ينطبق", "certainty/negligible": "ضئيلة", "certainty/low": "منخفضة",
        "certainty/medium": "متوسطة", "certainty/high": "عالية", "certainty/definite": "مؤكدة",
        "designation/hague-general": "الحماية العامة بموجب اتفاقية لاهاي",
        "designation/hague-special": "الحماية الخاصة بموجب اتفاقية لاهاي",
        "designation/hague-enhanced": "الحماية المعززة بموجب البروتوكول الثاني لاتفاقية لاهاي",
        "designation/world-heritage": "التراث العالمي لليونسكو",
        "designation/world-heritage-in-danger": "قائمة التراث العالمي المعرض للخطر",
        "designation/tentative-list": "القائمة التمهيدية لليونسكو", "designation/national-register": "السجل الوطني",
        "designation/other": "أخرى",
        "survey method/terrestrial-laser-scan": "مسح ليزري أرضي", "survey method/photogrammetry": "مسح تصويري",
        "survey method/structured-light": "ضوء مُهيكل", "survey method/airborne-lidar": "ليدار جوي",
        "survey method/satellite-imagery": "صور الأقمار الصناعية", "survey method/photography": "تصوير فوتوغرافي",
        "survey method/desk-based": "دراسة مكتبية",
    ]

    static let ukrainian: [String: String] = [
        "overall condition/good": "Добрий", "overall condition/fair": "Задовільний",
        "overall condition/poor": "Поганий",
        "overall condition/very-bad": "Дуже поганий", "overall condition/destroyed": "Знищена",
        "overall condition/unknown": "Невідомий", "site kind/church": "Церква", "site kind/cemetery": "Кладовище",
    ]

    /// What each overall condition means, for the assessment form.
    static let conditionMeanings: [WebLanguage: [OverallCondition: String]] = [
        .en: [
            .good: "Stable: no significant damage or threat is visible.",
            .fair: "Some damage or deterioration, but the site's main features are intact.",
            .poor: "Significant damage or deterioration: parts of the site are lost or at risk.",
            .veryBad: "Severe damage: most of the site's fabric is lost or collapsing.",
            .destroyed: "Nothing, or almost nothing, of the site survives.",
            .unknown: "The condition cannot be judged from the evidence at hand.",
        ],
        .ar: [
            .good: "مستقرة: لا يظهر ضرر أو تهديد يُذكر.",
            .fair: "بعض الضرر أو التدهور، لكن معالم الموقع الرئيسية سليمة.",
            .poor: "ضرر أو تدهور كبير: أجزاء من الموقع مفقودة أو معرّضة للخطر.",
            .veryBad: "ضرر جسيم: معظم نسيج الموقع مفقود أو آيل للانهيار.",
            .destroyed: "لم يبقَ من الموقع شيء، أو يكاد.",
            .unknown: "لا يمكن الحكم على الحالة من الأدلة المتوفرة.",
        ],
    ]
}

extension WebLanguage {
    /// A vocabulary term as this language shows it.
    func term<Term: VocabularyTerm>(_ term: Term) -> String {
        let key = "\(Term.vocabularyName)/\(term.rawValue)"
        switch self {
        case .en: return term.label
        case .ar: return VocabularyText.arabic[key] ?? term.label
        case .uk: return VocabularyText.ukrainian[key] ?? term.label
        }
    }
}

extension WebRequest {
    func term<Term: VocabularyTerm>(_ term: Term) -> String { language.term(term) }
}
