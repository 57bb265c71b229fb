#!/usr/bin/env python3
"""The web pages in a real browser (headless Chromium through Selenium): signing in and out by
keyboard alone, axe-core's accessibility check on every page in English and Arabic, right to
left in Arabic, a phone-sized screen without sideways scrolling, no Content-Security-Policy
complaint, markup planted in a site's name shown as text, never run, the map, and a comparison
of two photographs swiped by keyboard with its change overlay.

    pages.py BASE_URL USER PASSWORD SITE_CODE PLANTED_SITE_CODE PHOTO_FINDING_ID    (USER: a reviewer)

Prints one line per check and exits non-zero when any fails. Run by the Swift test
BrowserTests, which makes the archive and starts the server.
"""
import sys

from harness import accessibility as harness_accessibility
from harness import check, chromium, failures

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

base, user, password, site, planted, photo_finding = sys.argv[1:7]
driver = chromium()


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
    harness_accessibility(driver, name)


def settles(condition, seconds=10):
    """Whether `condition` holds within `seconds`."""
    try:
        WebDriverWait(driver, seconds).until(condition)
        return True
    except TimeoutException:
        return False


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

    for path in ["/", "/?lang=ar", f"/sites/{site}", "/sites", f"/sites/{site}?lang=ar", "/sites?lang=ar", f"/sites/{site}?lang=uk",
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

    # The map: drawn from the server's clusters over the offline outlines; a cluster opened by
    # keyboard zooms in; the restricted site is its cell, its position nowhere in the page; the
    # planted name stays text in a marker's popup.
    def map_loaded(times=1):
        WebDriverWait(driver, 30).until(
            lambda d: int(d.find_element(By.ID, "map").get_attribute("data-loaded") or 0) >= times)

    driver.get(f"{base}/#3/38/42")
    map_loaded()
    outlines = driver.execute_script("return document.querySelectorAll('#map path').length")
    check(outlines > 100, f"the offline map draws the country outlines ({outlines} paths)")
    clusters = driver.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon.cluster")
    check(len(clusters) >= 1, f"nearby sites are drawn as a cluster at zoom 3 ({len(clusters)})")
    if clusters:
        check(clusters[0].get_attribute("tabindex") == "0", "a cluster is reachable by keyboard")
        driver.execute_script("arguments[0].focus()", clusters[0])
        press(Keys.ENTER)
        WebDriverWait(driver, 30).until(lambda d: not d.current_url.endswith("#3/38.0000/42.0000")
                                        and d.current_url.split("#")[1].split("/")[0] != "3")
        check(int(driver.current_url.split("#")[1].split("/")[0]) > 3, "Enter on a cluster zooms in on it")
    driver.get(f"{base}/#11/34.25/37.25")
    driver.refresh()
    map_loaded()
    hidden = [m.get_attribute("title") for m in driver.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon")]
    check(any("generalised" in (title or "") for title in hidden), f"the restricted site is shown generalised ({hidden})")
    check(driver.execute_script("return document.querySelectorAll('.generalised-cell').length") == 1,
          "its 0.1° cell is drawn")
    check("34.236111" not in driver.page_source and "37.225432" not in driver.page_source,
          "its position is nowhere in the map page")
    driver.get(f"{base}/#14/40.1/44.5")
    driver.refresh()
    map_loaded()
    plant = [m for m in driver.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon")
             if "PLANT-1" in (m.get_attribute("title") or "")]
    check(len(plant) == 1, "the planted site has its marker")
    if plant:
        plant[0].click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content a"))
        popup = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content a")
        check("<img" in popup.text and popup.get_attribute("href").endswith("/sites/PLANT-1"),
              "its popup shows the planted name as text and links to its page")
        check(driver.execute_script("return window.__planted === undefined"), "planted markup did not run on the map")
    csp_clean("the map")

    # Searching in any script, by keyboard: the search field, then Enter.
    driver.get(f"{base}/sites")
    search = driver.find_element(By.ID, "q")
    search.send_keys("مقبرة")
    search.send_keys(Keys.ENTER)
    # The form's navigation is asynchronous: on a loaded machine the URL changes a moment later.
    check(settles(lambda d: "q=" in d.current_url), "a search by keyboard runs")

    # Two photographs compared: the before photograph over the after one, uncovered from the
    # left as far as the slider says. What is drawn at a point is what the browser hits there
    # (hit testing honours the clip), probed left and right of the middle; the slider is moved
    # by keyboard; the box puts the change overlay in place of the after photograph.
    driver.get(f"{base}/findings/{photo_finding}")
    settles(lambda d: d.find_elements(By.ID, "swipe-controls"))  # made by the page's script, maybe a moment later
    accessibility("the photo comparison")
    csp_clean("the photo comparison")
    check(driver.find_element(By.ID, "swipe-controls").is_displayed(), "with script, the swipe's slider is shown")

    def drawn_at(fraction):
        return driver.execute_script("""
            const image = document.querySelector('#swipe figure.after img');
            const box = image.getBoundingClientRect();
            const hit = document.elementFromPoint(box.left + box.width * arguments[0], box.top + box.height / 2);
            return hit && hit.closest('figure') ? hit.closest('figure').className : String(hit && hit.tagName);
        """, fraction)

    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('#swipe img')].every(i => i.complete && i.naturalWidth > 0)"))
    check(drawn_at(0.25) == "before" and drawn_at(0.75) == "after",
          f"at 50 %, the before photograph is left and the after right ({drawn_at(0.25)}, {drawn_at(0.75)})")
    slider = driver.find_element(By.ID, "swipe-position")
    slider.send_keys(Keys.END)
    check(drawn_at(0.9) == "before", f"End on the slider uncovers the whole before photograph ({drawn_at(0.9)})")
    slider.send_keys(Keys.HOME)
    check(drawn_at(0.1) == "after", f"Home shows the whole after photograph ({drawn_at(0.1)})")
    for _ in range(30):
        slider.send_keys(Keys.ARROW_RIGHT)
    check(slider.get_attribute("value") == "30" and drawn_at(0.2) == "before" and drawn_at(0.4) == "after",
          f"arrow keys move the split a step at a time ({slider.get_attribute('value')} %)")
    after_image = driver.find_element(By.CSS_SELECTOR, "#swipe figure.after img")
    original = after_image.get_attribute("src")
    driver.find_element(By.ID, "show-changes").send_keys(Keys.SPACE)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "const i = document.querySelector('#swipe figure.after img');"
        "return i.src !== arguments[0] && i.complete && i.naturalWidth > 0", original))
    overlay = after_image.get_attribute("src")
    check(overlay != original and overlay.endswith(driver.find_element(By.ID, "swipe").get_attribute("data-overlay")),
          "the box shows the change overlay in place of the after photograph")
    driver.find_element(By.ID, "show-changes").send_keys(Keys.SPACE)
    check(settles(lambda d: after_image.get_attribute("src") == original), "unticked, the after photograph is back")
    regions = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    check(len(regions) >= 1, f"the changed region is listed ({len(regions)} row(s))")
    csp_clean("the photo comparison, swiped")

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
