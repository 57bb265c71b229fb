#!/usr/bin/env python3
"""Times the web pages in headless Chromium with Navigation and User Timing (see
bench-pages.sh): the map's first render at several views, site pages, the 3D viewer's first
frame. Each run starts from a page load with a warm server; the first map load after the
server starts (which makes the register's snapshot) is reported on its own.

    bench-pages.py BASE_URL USER PASSWORD SITES FINDING_ID
"""
import random
import statistics
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, user, password, sites, finding = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
driver.set_page_load_timeout(120)


def mark(name, timeout=120):
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(f"return performance.getEntriesByName('{name}').length > 0"))
    return driver.execute_script(f"return performance.getEntriesByName('{name}')[0].startTime")


def summary(label, values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    print(f"{label}: median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, max {values[-1]:.0f} ms "
          f"({len(values)} runs)", flush=True)


try:
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)

    driver.get(f"{base}/#2/35/40")
    print(f"map, first load after the server started (makes the snapshot): {mark('map-drawn'):.0f} ms", flush=True)
    views = ["#2/35/40", "#4/35/40", "#6/34/38", "#9/35.5/41", "#12/30.2/33.1", "#3/0/0"]
    times = []
    for round_ in range(3):
        for view in views:
            driver.get(f"{base}/?r={round_}{view}")
            times.append(mark("map-drawn"))
    summary("map, first render (navigation start to clusters drawn)", times)
    driver.get(f"{base}/?condition=unassessed&kind=church#3/35/40")
    print(f"map filtered (kind, never assessed): {mark('map-drawn'):.0f} ms", flush=True)

    random.seed(5)
    times = []
    for _ in range(30):
        driver.get(f"{base}/sites/BENCH-{random.randrange(sites)}")
        times.append(driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime"))
    summary("site page (navigation start to load event)", times)

    times = []
    for round_ in range(3):
        driver.get(f"{base}/findings/{finding}?r={round_}")
        times.append(mark("viewer-drawn", timeout=300))
        if round_ == 0:
            print("3D viewer: " + driver.find_element(By.ID, "viewer-status").text, flush=True)
    print("3D viewer, first frame (navigation start to the points drawn): "
          + ", ".join(f"{t:.0f} ms" for t in times) + " (the first also decodes the clouds on the server)",
          flush=True)
finally:
    driver.quit()
