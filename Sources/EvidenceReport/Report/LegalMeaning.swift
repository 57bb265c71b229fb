import HeritageStore

/// What each designation means in law, for a reader who must weigh a claim. The texts cite the
/// articles they paraphrase; they are a guide to the instruments, not legal advice.
public enum LegalMeaning {
    public static func of(_ type: DesignationType) -> String {
        switch type {
        case .hagueGeneral:
            "General protection under the 1954 Hague Convention for the Protection of Cultural Property in the "
                + "Event of Armed Conflict (arts. 1-4): the parties must refrain from any act of hostility directed "
                + "against the property and from using it for purposes likely to expose it to destruction, waivable "
                + "only where military necessity imperatively requires (art. 4(2)); the same respect is owed in "
                + "non-international armed conflicts (art. 19)."
        case .hagueSpecial:
            "Special protection under the 1954 Hague Convention (arts. 8-11), entered in the International "
                + "Register of Cultural Property under Special Protection: immunity from any act of hostility, "
                + "withdrawn only in exceptional cases of unavoidable military necessity established by a "
                + "commander of a division or larger (art. 11(2))."
        case .hagueEnhanced:
            "Enhanced protection under the 1999 Second Protocol (arts. 10-14): the property must not be made the "
                + "object of attack or used in support of military action. Attacking it, or using it or its "
                + "immediate surroundings in support of military action, is a serious violation (art. 15(1)(a)-(b)) "
                + "that each party must make a criminal offence, with jurisdiction over offenders found on its "
                + "territory (art. 16)."
        case .worldHeritage:
            "Inscribed on the World Heritage List under the 1972 World Heritage Convention: each party undertakes "
                + "not to take any deliberate measures which might damage such heritage directly or indirectly "
                + "(art. 6(3)). The inscription documents the property's recognised value."
        case .worldHeritageInDanger:
            "On the List of World Heritage in Danger (1972 Convention, art. 11(4)): threatened by serious and "
                + "specific dangers, including the outbreak or threat of armed conflict, for which major "
                + "operations are necessary."
        case .tentativeList:
            "On a State Party's Tentative List under the 1972 Convention (art. 11(1)): a property it intends to "
                + "nominate; the listing records its value but adds no protection beyond national law."
        case .nationalRegister:
            "Protected under national law; the reference names the instrument and the entry."
        case .other:
            "A designation outside the instruments above; the reference says which."
        }
    }

    /// The protection every religious building and historic monument has, whatever its listings.
    public static let general =
        "Whatever its designations, a building dedicated to religion, education, art, science or charitable "
        + "purposes, or a historic monument, is protected in armed conflict: intentionally directing attacks "
        + "against it, provided it is not a military objective, is a war crime under the Rome Statute of the "
        + "International Criminal Court, art. 8(2)(b)(ix) (international armed conflict) and 8(2)(e)(iv) "
        + "(non-international armed conflict). The ICC convicted on that charge for the destruction of "
        + "mausoleums and a mosque in Timbuktu (Prosecutor v. Al Mahdi, ICC-01/12-01/15, 27 September 2016)."
}
