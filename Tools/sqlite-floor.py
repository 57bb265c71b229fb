#!/usr/bin/env python3
"""What SQLite alone needs to add N sites to a registry: the rows `heritage site import` writes
for each site (site row, two names, full-text entry, audit event of a typical size, and at the
end the place-index rows in one statement) inserted from Python into a registry made by
`heritage init`, in one transaction, with no Swift, no parsing and no hashing. A floor for the
import's time on this machine.

    Tools/sqlite-floor.py HERITAGE_BINARY [SITES]    (default a million)
"""
import json, math, os, random, shutil, sqlite3, subprocess, sys, tempfile, time, uuid


def spread(value):
    """The low 20 bits of value at the even bit positions, as PlaceCell.spread does."""
    bits = value & 0xFFFFF
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F),
                        (2, 0x3333333333333333), (1, 0x5555555555555555)):
        bits = (bits | bits << shift) & mask
    return bits


def place_cell(latitude, longitude):
    """heritage_place_cell: the Z-order code of a position's cell (Sources/HeritageStore/Geo/PlaceCell.swift)."""
    def scaled(fraction):
        cell = math.floor(fraction * (1 << 20)) if math.isfinite(fraction) else 0
        return 0 if cell <= 0 else min(cell, (1 << 20) - 1)
    return spread(scaled((longitude + 180) / 360)) | spread(scaled((latitude + 90) / 180)) << 1


binary = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
work = tempfile.mkdtemp(prefix="heritage-floor-")
try:
    subprocess.run([binary, "init", "--archive", f"{work}/archive", "--actor", "bench"], check=True,
                   stdout=subprocess.DEVNULL)
    db = sqlite3.connect(f"{work}/archive/registry.sqlite", isolation_level=None)
    db.create_function("heritage_place_cell", 2, place_cell, deterministic=True)
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA cache_size = -65536")  # as the store sets it
    random.seed(42)
    event = json.dumps({
        "id": str(uuid.uuid4()), "code": "BENCH-0", "kind": "church", "sensitivity": "public", "sources": [],
        "names": [{"language": "en", "name": "karamosa ratilu", "isPrimary": True},
                  {"language": "ar", "name": "قاراموسا", "isPrimary": False}],
        "location": {"latitude": 34.123456789, "longitude": 40.98765432, "certainty": "high"},
        "country": "SY", "designations": [], "externalIDs": [],
        "description": "Recorded kamora near tilune; sabado."}, sort_keys=True)
    spent = dict.fromkeys(["site row", "names", "full-text entry", "audit event", "place rows", "commit"], 0.0)
    start = time.perf_counter()
    db.execute("BEGIN")
    for index in range(count):
        latitude, longitude = random.uniform(25, 45), random.uniform(25, 55)
        words = [f"ka{random.randint(0, 99999)}" for _ in range(5)]
        site_id = str(uuid.uuid4())
        lap = time.perf_counter()
        seq = db.execute(
            "INSERT INTO site (id, code, kind, community, period, description, latitude, longitude,"
            " precisionMetres, locationCertainty, boundary, country, adminArea, sensitivity, sources,"
            " createdAt, updatedAt) VALUES (?, ?, 'church', NULL, NULL, ?, ?, ?, NULL, 'high', NULL, 'SY',"
            " NULL, 'public', '[]', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z')",
            (site_id, f"BENCH-{index}", f"Recorded {words[2]} near {words[3]}; {words[4]}.", latitude,
             longitude)).lastrowid
        now = time.perf_counter(); spent["site row"] += now - lap; lap = now
        db.execute("INSERT INTO siteName VALUES (?, 0, 'en', ?, 1)", (seq, f"{words[0]} {words[1]}"))
        db.execute("INSERT INTO siteName VALUES (?, 1, 'ar', ?, 0)", (seq, words[2]))
        now = time.perf_counter(); spent["names"] += now - lap; lap = now
        db.execute("INSERT INTO siteSearch (rowid, code, names, community, description) VALUES (?, ?, ?, NULL, ?)",
                   (seq, f"BENCH-{index}", f"{words[0]} {words[1]} \u2022 {words[2]}",
                    f"Recorded {words[2]} near {words[3]}; {words[4]}."))
        now = time.perf_counter(); spent["full-text entry"] += now - lap; lap = now
        db.execute(
            "INSERT INTO auditEvent (time, actor, action, entityType, entityId, entitySeq, oldValue, newValue,"
            " previousHash, hash) VALUES ('2026-12-02T00:00:00.000Z', 'bench', 'site.create', 'site', ?, ?, NULL,"
            " ?, ?, ?)", (site_id, seq, event, "0" * 64, f"{index:064x}"))
        spent["audit event"] += time.perf_counter() - lap
    lap = time.perf_counter()
    db.execute("""
        INSERT INTO sitePlace (cell, seq, id, code, kind, latitude, longitude, country, sensitivity, name)
        SELECT heritage_place_cell(s.latitude, s.longitude), s.seq, s.id, s.code, s.kind, s.latitude, s.longitude,
            s.country, s.sensitivity, (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq AND n.isPrimary = 1)
        FROM site s ORDER BY 1, 2""")
    spent["place rows"] += time.perf_counter() - lap
    lap = time.perf_counter()
    db.execute("COMMIT")
    spent["commit"] += time.perf_counter() - lap
    total = time.perf_counter() - start
    print(f"SQLite floor: {count} sites in {total:.1f} s (" +
          ", ".join(f"{name} {seconds:.1f} s" for name, seconds in spent.items()) + ")")
finally:
    shutil.rmtree(work)
