#!/usr/bin/env python3
"""A soak of `heritage serve`: CLIENTS clients (default 50) for MINUTES minutes (default 10)
mixing reads (lists, radius and text searches, site pages, GeoJSON, files), proposals (a
surveyor's edits and assessments, a reviewer's decisions) and uploads, against a server on the
demo archive. Every answer's status is checked against what the request should get; the
server's resident memory is sampled every 10 s, its own (anonymous: heap and stacks) apart from
the archive's pages the reader connections map from disk (`mmap_size`), which grow with the
archive and which the system takes back under pressure; `heritage verify` runs on the archive at
the end.

    Tools/soak-server.py [--clients 50] [--minutes 10]     (needs a release build of both binaries)

Exits non-zero when any answer was unexpected, the server's own memory after the first minute
grew by more than 10 %, or verify fails. Standard library only.
"""
import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--clients", type=int, default=50)
parser.add_argument("--minutes", type=float, default=10)
parser.add_argument(
    "--reads-only", action="store_true",
    help="only reads: the archive does not grow, so memory that grows is the server's own")
args = parser.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binaries = subprocess.run(
    ["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, capture_output=True, text=True, check=True
).stdout.strip()
heritage = os.path.join(binaries, "heritage")
work = tempfile.mkdtemp(prefix="heritage-soak-")
archive = os.path.join(work, "demo")
subprocess.run([heritage, "demo", "--into", archive], check=True, capture_output=True)
environment = dict(os.environ, HERITAGE_ARCHIVE=archive, HERITAGE_ACTOR="setup")


def account(name, role):
    subprocess.run(
        [heritage, "user", "add", name, "--role", role, "--password-stdin"],
        input="soak password 1\n", text=True, check=True, capture_output=True, env=environment)
    return subprocess.run(
        [heritage, "user", "token", name], text=True, check=True, capture_output=True, env=environment
    ).stdout.strip().splitlines()[-1]


tokens = {"viewer": account("soak-viewer", "viewer"), "surveyor": account("soak-surveyor", "surveyor"),
          "reviewer": account("soak-reviewer", "reviewer")}
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
server = subprocess.Popen(
    [heritage, "serve", "--port", str(port)], env=environment, stdout=subprocess.DEVNULL,
    stderr=open(os.path.join(work, "server.log"), "w"))
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        break
    except OSError:
        time.sleep(0.1)
# `heritage serve` hands over to heritage-server with exec: the same process.
server_pid = server.pid

sites = ["XX-DEMO-MAU", "XX-DEMO-STN", "SY-PAL-BEL", "AM-HID-1", "SY-QAR-MEL"]
lock = threading.Lock()
counts = {}
unexpected = []
stop_at = time.time() + args.minutes * 60


def request(role, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = {"Authorization": "Bearer " + tokens[role]}
    sent.update(headers or {})
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def record(name, status, expected, data):
    with lock:
        counts[(name, status)] = counts.get((name, status), 0) + 1
        if status not in expected and len(unexpected) < 50:
            unexpected.append((name, status, data[:300]))


def client(number):
    try:
        work_as(number)
    except Exception as error:  # a client that fails is a failure of the run, not a silent stop
        with lock:
            unexpected.append(("client", 0, repr(error).encode()))


def work_as(number):
    rng = random.Random(number)
    uploads = 0
    while time.time() < stop_at:
        choice = rng.random() * (0.55 if args.reads_only else 1)
        site = rng.choice(sites)
        if choice < 0.25:
            lat, lon = rng.uniform(25, 45), rng.uniform(25, 55)
            status, data = request("viewer", "GET", f"/api/sites?near={lat:.4f},{lon:.4f}&radiusKm=500")
            record("near", status, {200}, data)
        elif choice < 0.40:
            status, data = request("viewer", "GET", f"/api/sites/{site}")
            record("site", status, {200, 404}, data)
        elif choice < 0.50:
            text = rng.choice(["bridge", "Մ", "بل", "temple"])
            status, data = request("viewer", "GET", "/api/sites?q=" + urllib.parse.quote(text))
            record("search", status, {200}, data)
        elif choice < 0.55:
            status, data = request("viewer", "GET", "/api/sites.geojson")
            record("geojson", status, {200}, data)
        elif choice < 0.70:
            body = json.dumps({"period": f"soak {number}-{rng.random():.6f}", "note": "soak"})
            status, data = request("surveyor", "PATCH", f"/api/sites/{site}", body, {"Content-Type": "application/json"})
            record("propose edit", status, {202, 404}, data)
        elif choice < 0.78:
            body = json.dumps({"overallCondition": rng.choice(["good", "fair", "poor"]), "certainty": "medium",
                               "date": "2026-05-01", "activity": "field-visit"})
            status, data = request("surveyor", "POST", f"/api/sites/{site}/assessments", body,
                                   {"Content-Type": "application/json"})
            record("propose assessment", status, {202, 404}, data)
        elif choice < 0.90:
            status, data = request("reviewer", "GET", "/api/proposals?status=pending&limit=5")
            record("queue", status, {200}, data)
            if status == 200:
                for proposal in json.loads(data)["proposals"][:2]:
                    verb = rng.choice(["approve", "reject"])
                    body = json.dumps({"reason": "soak"})
                    status, data = request("reviewer", "POST", f"/api/proposals/{proposal['id']}/{verb}", body,
                                           {"Content-Type": "application/json"})
                    # Another client may have decided it first (409), or the site changed since (409).
                    record("decide", status, {200, 409}, data)
        else:
            uploads += 1
            obj = f"# soak {number} {uploads}\nv 0 0 0\nv 1 0 0\nv 0 1 {rng.random()}\nf 1 2 3\n".encode()
            status, data = request("surveyor", "POST", f"/api/sites/XX-DEMO-MAU/assets?filename=soak-{number}.obj",
                                   obj, {"Content-Type": "application/octet-stream"})
            record("upload", status, {201, 200}, data)


def resident_kb():
    """Resident, anonymous (the server's own) and file-backed (mapped archive and binary) KB."""
    values = {}
    with open(f"/proc/{server_pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS", "RssAnon", "RssFile")):
                values[line.split(":")[0]] = int(line.split()[1])
    return values.get("VmRSS", 0), values.get("RssAnon", 0), values.get("RssFile", 0)


threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
for thread in threads:
    thread.start()
samples = []
while any(thread.is_alive() for thread in threads):
    time.sleep(10)
    samples.append((round(time.time() - (stop_at - args.minutes * 60)), resident_kb()))
    seconds, (rss, anon, mapped) = samples[-1]
    print(f"{seconds:5d} s  resident {rss / 1024:.1f} MB: own {anon / 1024:.1f} MB, "
          f"mapped files {mapped / 1024:.1f} MB", flush=True)
for thread in threads:
    thread.join()
server.terminate()
server.wait(timeout=60)
verify = subprocess.run([heritage, "verify"], env=environment, capture_output=True, text=True)

total = sum(counts.values())
print(f"\n{total} requests by {args.clients} clients in {args.minutes} min")
for (name, status), count in sorted(counts.items()):
    print(f"  {name:20} {status}  {count}")
after_first_minute = [kb for seconds, kb in samples if seconds >= 60]
own = [anon for _, anon, _ in after_first_minute]
growth = (max(own) / min(own) - 1) if own else 0
print(f"after the first minute: own memory {min(own or [0]) / 1024:.1f}-{max(own or [0]) / 1024:.1f} MB "
      f"({growth * 100:.1f} % growth); resident with the mapped archive "
      f"{min(r for r, _, _ in after_first_minute or [(0, 0, 0)]) / 1024:.1f}-"
      f"{max(r for r, _, _ in after_first_minute or [(0, 0, 0)]) / 1024:.1f} MB")
print("verify:", verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr.strip())
for name, status, data in unexpected:
    print(f"UNEXPECTED {name} {status}: {data!r}")
failed = bool(unexpected) or growth > 0.10 or verify.returncode != 0
print("FAILED" if failed else "passed")
sys.exit(1 if failed else 0)
