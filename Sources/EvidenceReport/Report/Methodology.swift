/// How the figures in a report were made, in words a court can follow.
enum Methodology {
    static func paragraphs(software: String, generalised: Bool, photographs: Bool = false) -> [ReportParagraph] {
        var paragraphs = [
            ReportParagraph(
                heading: "Files and hashes",
                text:
                    "Every file entered the archive unchanged and is stored under its SHA-256, computed while it was "
                    + "copied. A new version of an asset never replaces an old one. Each file shown or listed here "
                    + "was hashed again when the report was made; the manifest lists those hashes, and "
                    + "`sha256sum -c manifest-sha256.txt` in the report's folder checks them."),
            ReportParagraph(
                heading: "Audit chain",
                text:
                    "Each change to the registry appends an event holding the actor, the UTC time, the action, the "
                    + "entity and its JSON before and after. An event's hash is the SHA-256 of its fields, each written "
                    + "as its UTF-8 byte count, a colon, the bytes and a newline (an absent value as a dash and a "
                    + "newline), in the order sequence, time, actor, action, entity type, entity id, old value, new "
                    + "value, previous hash. Because each event includes the previous one's hash, changing or "
                    + "removing any event breaks every later link."),
            ReportParagraph(
                heading: "Alignment",
                text:
                    "Before a comparison, the later scan is aligned on the earlier one by the iterative closest point "
                    + "method (point-to-plane), using correspondences within a stated distance and dropping pairs "
                    + "whose residual exceeds three robust standard deviations, so that damaged areas do not pull the "
                    + "alignment. The final transform and residual RMS are reported with each comparison; the RMS is "
                    + "added to the level of detection unless a registration error was stated."),
            ReportParagraph(
                heading: "Distances and levels of detection (M3C2)",
                text:
                    "M3C2 (Lague, Brodu and Leroux, 2013) measures, at each core point, the distance between the two "
                    + "scans along the local surface normal, fitted by principal component analysis at the stated "
                    + "normal scale. Points of each scan within a cylinder of the stated radius and half-length around "
                    + "that normal give a mean position in each epoch; the distance is the difference of the means. "
                    + "The 95% level of detection is 1.96·(sqrt(σ1²/n1 + σ2²/n2) + registration error), where σ is "
                    + "the standard deviation and n the number of points in each cylinder (the paper's equation, as "
                    + "PDAL, py4dgeo and CloudCompare compute it). A change is significant only where its magnitude "
                    + "exceeds that level. A core point with too few points in either epoch is reported as no data, "
                    + "which is not evidence of no change. Where the parameters say statistic = robust, a cylinder "
                    + "whose spread differs beyond chance between the epochs (an F-test at 0.1%), as where it "
                    + "straddles the edge of a loss, leaves out each epoch's outliers (farther than 3.5 robust "
                    + "standard deviations from the median) when a gap of that width sets them apart from the "
                    + "other points and they are at most a quarter of them, so stable stone beside a loss is not "
                    + "reported as lost. Where they say statistic = median, each "
                    + "cylinder's median replaces its mean and the interquartile range / 1.349 its standard "
                    + "deviation."),
            ReportParagraph(
                heading: "Damage regions and volumes",
                text:
                    "Significant core points of one sign are grouped into regions by linking points closer than the "
                    + "stated link distance. A region's area is the number of its points times the area each stands "
                    + "for; its volume is the sum of |distance| times that area. Volumes are estimates of the "
                    + "material lost or gained at the measured surface, not a survey of the void behind it."),
            ReportParagraph(
                heading: "Software",
                text:
                    "Produced by \(software). The parameters of every comparison are listed with it, so the "
                    + "computation can be repeated on the archived files."),
        ]
        if photographs {
            paragraphs.insert(
                ReportParagraph(
                    heading: "Photograph comparisons",
                    text:
                        "Two photographs are compared pixel by pixel: taken from the same position at the same size, "
                        + "or orthophotos placed on the map by their world files, the later one resampled onto the "
                        + "earlier one's pixels. Exposure and white balance are matched per colour channel by a "
                        + "least-squares line refitted without the pixels it fits worst. The colour difference "
                        + "(0-255) is averaged over a small window so that compression noise does not read as change; "
                        + "pixels above the stated threshold, cleaned of specks a pixel or two wide, form regions of "
                        + "at least the stated size. A photograph shows that the appearance changed, not whether "
                        + "material was lost or added: a moved shadow, a wet wall or vegetation also reads as change."),
                at: paragraphs.count - 1)
        }
        if generalised {
            paragraphs.append(
                ReportParagraph(
                    heading: "Restricted location",
                    text:
                        "The site is marked restricted. Its position and the positions of its photographs are "
                        + "given only to the centre of their 0.1° cell (about 11 km), and its boundary is omitted. "
                        + "Distances from photographs to the site were computed on the exact positions."))
        }
        return paragraphs
    }
}
