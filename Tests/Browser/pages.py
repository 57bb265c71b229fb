#!/usr/bin/env python3
"""The web pages in a real browser (headless Chromium through Selenium): signing in and out by
keyboard alone, axe-core's accessibility check on every page in English and Arabic, right to
left in Arabic, a phone-sized screen without sideways scrolling, no Content-Security-Policy
complaint, and markup planted in a site's name shown as text, never run.

    pages.py BASE_URL USER PASSWORD SITE_CODE PLANTED_SITE_CODE     (USER: a reviewer)

Prints one line per check and exits non-zero when any fails. Run by the Swift test
BrowserTests, which makes the archive and starts the server.
"""
import sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys

base, user, password, site, planted = sys.argv[1:6]
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,900"]:
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
options.binary_location = "/usr/bin/chromium"
# Debian's driver for Debian's browser: Selenium must not go looking for one on the network.
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
driver.set_page_load_timeout(60)


def press(key, times=1):
    for _ in range(times):
        driver.switch_to.active_element.send_keys(key)


def tab_to(predicate, limit=40):
    """Tabs until the focused element satisfies `predicate`; False when it never does."""
    for _ in range(limit):
        press(Keys.TAB)
        if predicate(driver.switch_to.active_element):
            return True
    return False


def accessibility(name):
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    detail = "; ".join(f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)" for v in serious)
    check(results["passes"] and not serious,
          f"axe: {len(results['passes'])} rules passed, no serious or critical violation on {name}"
          + (f": {detail}" if detail else ""))


def csp_clean(name):
    complaints = [entry["message"] for entry in driver.get_log("browser")
                  if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    check(not complaints, f"no Content-Security-Policy complaint on {name}" + (f": {complaints}" if complaints else ""))


try:
    # Signing in by keyboard alone, from a page that needs it.
    driver.get(f"{base}/sites/{site}")
    check("/login" in driver.current_url, "an anonymous visit is sent to sign in")
    accessibility("/login")
    csp_clean("/login")
    body = driver.find_element(By.TAG_NAME, "body")
    body.click()
    check(tab_to(lambda element: element.get_attribute("id") == "username"), "Tab reaches the user name")
    driver.switch_to.active_element.send_keys(user)
    press(Keys.TAB)
    check(driver.switch_to.active_element.get_attribute("id") == "password", "Tab goes on to the password")
    driver.switch_to.active_element.send_keys(password)
    press(Keys.ENTER)
    check(driver.current_url.endswith(f"/sites/{site}"), "Enter signs in and comes back to the page asked for")

    for path in [f"/sites/{site}", "/sites", f"/sites/{site}?lang=ar", "/sites?lang=ar", f"/sites/{site}?lang=uk",
                 f"/sites/{site}/assess", f"/sites/{site}/assess?lang=ar", f"/sites/{site}/survey", "/review",
                 "/audit", "/audit?lang=ar", "/account", "/sites/new", "/sites/new?lang=ar", f"/sites/{site}/edit",
                 f"/sites/{site}/upload", f"/sites/{site}/upload?lang=ar", f"/sites/{site}/compare",
                 f"/sites/{site}/compare?lang=ar", "/proposals"]:
        driver.get(base + path)
        accessibility(path)
        csp_clean(path)
    driver.get(f"{base}/sites/{site}?lang=ar")
    check(driver.execute_script("return document.documentElement.dir") == "rtl", "Arabic pages are right to left")
    driver.get(f"{base}/sites?lang=en")

    # A phone-sized screen: nothing wider than it but the tables, which scroll in their frame.
    driver.set_window_size(390, 844)
    for path in ["/sites", f"/sites/{site}", "/sites/new", f"/sites/{site}/upload", f"/sites/{site}/edit?lang=ar"]:
        driver.get(base + path)
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(wide <= 1, f"{path} fits a phone's width (overflow {wide} px)")
    driver.set_window_size(1280, 900)
    driver.get(f"{base}/sites?lang=en")  # the last page chose Arabic

    # Markup planted in a name is text.
    driver.get(f"{base}/sites/{planted}")
    check(driver.execute_script("return window.__planted === undefined"), "planted markup did not run")
    check("<img" in driver.find_element(By.TAG_NAME, "h1").text, "planted markup is shown as text")

    # Searching in any script, by keyboard: the search field, then Enter.
    driver.get(f"{base}/sites")
    search = driver.find_element(By.ID, "q")
    search.send_keys("مقبرة")
    search.send_keys(Keys.ENTER)
    check("q=" in driver.current_url, "a search by keyboard runs")

    # Signing out by keyboard.
    # From a page just loaded, nothing has the focus: the first Tab goes to the skip link.
    driver.get(f"{base}/sites")
    check(tab_to(lambda element: element.tag_name == "button" and element.text in ("Sign out",)),
          "Tab reaches Sign out")
    press(Keys.ENTER)
    check("/login" in driver.current_url, "Enter signs out")
    driver.get(f"{base}/sites")
    check("/login" in driver.current_url, "after signing out, pages need signing in again")
finally:
    driver.quit()

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
