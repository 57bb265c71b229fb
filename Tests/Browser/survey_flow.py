#!/usr/bin/env python3
"""A surveyor's day in a real browser (headless Chromium through Selenium): propose a new site
from the form, have a reviewer approve it, upload two scans from the page (upload.js: one
request per file, each with its progress bar; a file the reader refuses shows why), and a
file over a link that drops midway (it goes on from where it stopped), launch a comparison
and watch it finish (job.js follows its events), then find the finding on the
site's page. axe-core checks each page on the way.

    survey_flow.py BASE_URL SURVEYOR REVIEWER PASSWORD BEFORE_SCAN AFTER_SCAN BROKEN_FILE   (REVIEWER: an administrator)

Prints one line per check and exits non-zero when any fails. Run by the Swift test
BrowserTests, which makes the archive, the accounts and the scans, and starts the server.
"""
import hashlib
import os
import shutil
import sys
import tempfile
import time

from harness import accessibility as harness_accessibility
from harness import check, chromium, failures

from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

base, surveyor, reviewer, password, before_scan, after_scan, broken = sys.argv[1:8]
code = "NEW-CHAPEL-1"
driver = chromium()


def accessibility(name):
    harness_accessibility(driver, name)


def script_errors(name):
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
                # The reader's refusal of the broken file is an expected 422.
                and "422" not in entry["message"]]
    check(not problems, f"no script error or CSP complaint on {name}" + (f": {problems}" if problems else ""))


def sign_in(name):
    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    check(submit("form[action='/login'] button", "/sites"), f"{name} signs in")


def submit(selector, arrives):
    """Clicks the submit button at `selector` and waits for the page whose address holds `arrives`."""
    driver.find_element(By.CSS_SELECTOR, selector).click()
    try:
        WebDriverWait(driver, 60).until(lambda d: arrives in d.current_url)
    except Exception:
        pass
    return arrives in driver.current_url


def fill(field, value):
    element = driver.find_element(By.ID, field)
    element.clear()
    element.send_keys(value)


try:
    # 1. The surveyor proposes a new site.
    sign_in(surveyor)
    driver.get(f"{base}/sites/new")
    accessibility("/sites/new")
    fill("code", code)
    Select(driver.find_element(By.ID, "kind")).select_by_value("church")
    fill("nameText-0", "Սուրբ Գևորգ")
    fill("nameLanguage-0", "hy")
    fill("nameText-1", "Saint George chapel")
    fill("nameLanguage-1", "en")
    fill("latitude", "40.2")
    fill("longitude", "44.6")
    arrived = submit("form[action='/sites/new'] button[type=submit]", "/proposals")
    check(arrived and "Waiting for review" in driver.page_source,
          "the new site is sent for review")
    accessibility("/proposals")

    # 2. A reviewer approves it.
    sign_in(reviewer)
    driver.get(f"{base}/review")
    section = next(s for s in driver.find_elements(By.CSS_SELECTOR, "section.proposal") if code in s.text)
    section.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    WebDriverWait(driver, 30).until(staleness_of(section))
    driver.get(f"{base}/sites/{code}")
    check("Saint George chapel" in driver.page_source, "approved, the site is in the register")
    # (The reviewer is an administrator too: the accounts page, in English and Arabic.)
    for path in ["/admin/users", "/admin/users?lang=ar"]:
        driver.get(base + path)
        accessibility(path)
    driver.get(f"{base}/sites?lang=en")

    # 3. The surveyor uploads two scans, one request each, and a file the reader refuses.
    sign_in(surveyor)
    driver.get(f"{base}/sites/{code}/upload")
    accessibility(f"/sites/{code}/upload")
    check(driver.find_element(By.ID, "dropzone").is_displayed(), "with script, files can be dropped on the page")
    driver.find_element(By.ID, "files").send_keys("\n".join([before_scan, after_scan, broken]))
    driver.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
    WebDriverWait(driver, 60).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#upload-list .status.ok, #upload-list .status.error")) == 3)
    rows = driver.find_elements(By.CSS_SELECTOR, "#upload-list li")
    stored = [row for row in rows if "Stored as version" in row.text]
    check(len(stored) == 2, f"both scans are stored ({[row.text for row in rows]})")
    check(all(row.find_element(By.TAG_NAME, "progress").get_attribute("value") == "100" for row in stored),
          "their progress bars end full")
    refused = [row for row in rows if "broken" in row.text and row.find_elements(By.CSS_SELECTOR, ".status.error")]
    check(len(refused) == 1 and "line" in refused[0].text, "the broken file is refused with the reader's reason")
    script_errors("the upload page")

    # 3b. A link that drops in the middle of a file: parts of 64 KiB on a slow link, the link
    # cut, then back. The page asks how far the file came, goes on from there, and the file
    # stored is the file sent.
    folder = tempfile.mkdtemp()
    big = os.path.join(folder, "wall-detail.ply")
    with open(big, "w") as out:
        out.write("ply\nformat ascii 1.0\nelement vertex 40000\nproperty float x\nproperty float y\n"
                  "property float z\nend_header\n")
        for index in range(40000):
            out.write(f"{index % 200 * 0.01:.2f} {index // 200 * 0.01:.2f} {index % 13 * 0.001:.3f}\n")
    with open(big, "rb") as sent:
        big_sha256 = hashlib.sha256(sent.read()).hexdigest()
    size = os.path.getsize(big)
    driver.get(f"{base}/sites/{code}/upload")
    driver.execute_script("document.getElementById('upload-form').dataset.partSize = '65536'")
    driver.set_network_conditions(offline=False, latency=20, download_throughput=1 << 20, upload_throughput=128 << 10)
    driver.find_element(By.ID, "files").send_keys(big)
    driver.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()
    bar = lambda: int(driver.find_element(By.CSS_SELECTOR, "#upload-list li progress").get_attribute("value") or 0)
    WebDriverWait(driver, 60).until(lambda d: bar() >= 20)
    driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    WebDriverWait(driver, 30).until(lambda d: "dropped" in d.find_element(By.CSS_SELECTOR, "#upload-list .status").text)
    dropped_at = bar()
    time.sleep(3)
    driver.delete_network_conditions()
    # Done when its cancel button goes (stored, refused, or given up); a retry's notice is an
    # error status too, so the status alone does not say.
    WebDriverWait(driver, 120).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#upload-list li button"))
    row = driver.find_element(By.CSS_SELECTOR, "#upload-list li")
    resumed = int(row.get_attribute("data-resumed-at") or 0)
    check("Stored as version" in row.text and row.get_attribute("data-sha256") == big_sha256,
          f"the file whose link dropped at {dropped_at} % is stored whole ({row.text})")
    check(0 < resumed < size, f"it went on from the {resumed:,} of {size:,} bytes the server held, not from the start")
    shutil.rmtree(folder)
    script_errors_but_offline = [entry["message"] for entry in driver.get_log("browser")
                                 if entry["level"] == "SEVERE" and "ERR_INTERNET_DISCONNECTED" not in entry["message"]]
    check(not script_errors_but_offline, f"no script error while the link was down ({script_errors_but_offline})")

    # 4. A comparison, launched and watched to its end.
    driver.get(f"{base}/sites/{code}/compare")
    accessibility(f"/sites/{code}/compare")
    versions = [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "before")).options]
    check(len(versions) == 3, f"the three scans are offered ({versions})")
    # By file name: the two uploads ran side by side, so either may have been stored first.
    for field, name in [("before", "wall-2024.ply"), ("after", "wall-2026.ply")]:
        menu = Select(driver.find_element(By.ID, field))
        menu.select_by_visible_text(next(o.text for o in menu.options if name in o.text))
    for field, value in [("normalRadius", "0.06"), ("cylinderRadius", "0.03"), ("cylinderHalfLength", "0.1"),
                         ("coreSpacing", "0.01"), ("registrationError", "0.001")]:
        fill(field, value)
    check(submit("form[action$='/compare'] button[type=submit]", "/jobs/"),
          "the comparison is queued and its page opens")
    accessibility("the job page")
    started = time.time()
    WebDriverWait(driver, 120).until(lambda d: d.find_element(By.ID, "job").get_attribute("data-finished") == "true")
    check(driver.find_element(By.ID, "job-progress").get_attribute("value") == "100",
          f"the page followed the job to its end by itself ({time.time() - started:.1f} s)")
    check("Finished" in driver.find_element(By.ID, "job-status").text, "the job finished")
    script_errors("the job page")
    driver.find_element(By.CSS_SELECTOR, "a[href$='#findings']").click()
    findings = driver.find_element(By.ID, "findings")
    check("m3c2" in findings.text, "the finding is on the site's page")

    # 5. The 3D viewer: the measured points drawn (the canvas read back is not blank, and holds
    # the reds of loss), a region flown to, the before epoch shown.
    check(submit("#findings a[href^='/findings/']", "/findings/"), "the finding opens in the 3D viewer")
    accessibility("the 3D viewer")

    def loaded(times):
        WebDriverWait(driver, 60).until(
            lambda d: int(d.find_element(By.ID, "viewer").get_attribute("data-loaded") or 0) >= times)

    def pixels():
        return driver.execute_script("""
            const canvas = document.querySelector('#viewer canvas');
            const copy = document.createElement('canvas');
            copy.width = canvas.width; copy.height = canvas.height;
            const context = copy.getContext('2d');
            context.drawImage(canvas, 0, 0);
            const data = context.getImageData(0, 0, copy.width, copy.height).data;
            let drawn = 0, red = 0;
            for (let i = 0; i < data.length; i += 4) {
              const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
              if (Math.abs(r - 48) > 10 || Math.abs(g - 52) > 10 || Math.abs(b - 58) > 10) drawn++;
              if (r > 150 && g < 110 && b < 110) red++;
            }
            return [drawn, red, copy.width * copy.height];
        """)

    loaded(1)
    drawn, red, total = pixels()
    check(drawn > total * 0.01, f"the canvas is not blank ({drawn} of {total} pixels drawn)")
    state = driver.execute_script(
        "return [document.querySelector('input[name=epoch]:checked').value, "
        "document.getElementById('viewer-status').textContent, document.getElementById('viewer').dataset.loaded]")
    check(red > 0, f"loss is drawn in the heat maps' reds ({red} pixels; {state})")
    check("points shown" in driver.find_element(By.ID, "viewer-status").text, "the points shown are counted")
    driver.find_element(By.CSS_SELECTOR, "button.fly").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "viewer-region").text)
    region = driver.find_element(By.ID, "viewer-region").text
    check("Region: 1" in region and "Volume:" in region and "Deepest change:" in region,
          f"flying to a region shows its area, volume and depth ({region})")
    time.sleep(1)  # the flight takes 0.6 s
    near = pixels()
    check(near[1] > red, f"flown to, the region fills more of the view ({near[1]} red pixels, {red} before)")
    driver.find_element(By.CSS_SELECTOR, "label[for=epoch-before]").click()
    loaded(2)
    before = pixels()
    check(before[0] > 0 and before[1] == 0, f"the before epoch is drawn in its own colour ({before})")

    # A point budget smaller than the cloud: a sample of the whole, then, zoomed in on a region,
    # the points of the part in view.
    driver.get(driver.current_url.split("?")[0] + "?budget=1000")
    loaded(1)
    shown = driver.find_element(By.ID, "viewer-status").text
    check(shown.startswith("1,0") or shown.startswith("9"), f"a sample within the budget is shown ({shown})")
    driver.find_element(By.CSS_SELECTOR, "button.fly").click()
    loaded(2)
    refined = driver.find_element(By.ID, "viewer-status").text
    check(refined != shown, f"zoomed in, the points in view are loaded ({refined})")
    script_errors("the 3D viewer")

    # 6. The finding proposed as the site's condition, drafted from it; a reviewer approves it;
    # the site's timeline then holds it.
    driver.get(f"{base}/sites/{code}")
    check(submit("a[href*='/assess?finding=']", "/assess?finding="), "a finding opens the assessment form")
    check("Drafted from the comparison" in driver.page_source, "the form says it is drafted from the finding")
    check(driver.find_element(By.ID, "activity").get_attribute("value") == "scan-comparison",
          "the activity is drafted from the comparison")
    Select(driver.find_element(By.ID, "overallCondition")).select_by_value("poor")
    Select(driver.find_element(By.ID, "certainty")).select_by_value("high")
    check(submit(f"form[action='/sites/{code}/assess'] button[type=submit]", f"/sites/{code}"),
          "the assessment is proposed")
    sign_in(reviewer)
    driver.get(f"{base}/review")
    section = next(s for s in driver.find_elements(By.CSS_SELECTOR, "section.proposal")
                   if code in s.text and "Condition assessment" in s.text)
    check("Evidence" in section.text, "the proposal carries the finding as its evidence")
    section.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    WebDriverWait(driver, 30).until(staleness_of(section))
    sign_in(surveyor)
    driver.get(f"{base}/sites/{code}")
    timeline = driver.find_element(By.CSS_SELECTOR, "section table").text
    check("Poor" in timeline and "Scan comparison" in timeline, f"the approved assessment is in the timeline")
finally:
    driver.quit()

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
