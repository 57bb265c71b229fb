#!/usr/bin/env python3
"""Visits every page of a served archive in headless Chromium and saves a screenshot of each
(see screenshot-pages.sh).

    screenshot-pages.py BASE_URL USER PASSWORD OUT_FOLDER
"""
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, user, password, out = sys.argv[1:5]
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--window-size=1280,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def shot(name, path, width=1280, height=900, wait=None):
    driver.set_window_size(width, height)
    driver.get(base + path)
    if wait:
        WebDriverWait(driver, 120).until(wait)
    time.sleep(0.5)
    driver.save_screenshot(f"{out}/{name}.png")
    print(f"{out}/{name}.png  {path}", flush=True)


def loaded(element_id):
    return lambda d: int(d.find_element(By.ID, element_id).get_attribute("data-loaded") or 0) >= 1


try:
    shot("sign-in", "/login")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
    shot("map", "/#3/38/38", wait=loaded("map"))
    shot("sites", "/sites")
    code = driver.find_element(By.CSS_SELECTOR, "table a[href^='/sites/']").text
    # The site with findings: the first whose page links to a 3D view.
    for link in [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "table a[href^='/sites/']")]:
        driver.get(link)
        if driver.find_elements(By.CSS_SELECTOR, "a[href^='/findings/']"):
            code = link.rsplit("/", 1)[1]
            break
    shot("site", f"/sites/{code}", height=2200)
    shot("site-arabic", f"/sites/{code}?lang=ar", height=1400)
    shot("site-phone", f"/sites/{code}?lang=en", width=390, height=1600)
    findings = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a[href^='/findings/']")]
    labels = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "a[href^='/findings/']")]
    for href, label in zip(findings, labels):
        path = href[len(base):]
        if label == "3D view":
            shot("viewer", path, height=1300, wait=loaded("viewer"))
        else:
            shot("photo-comparison", path, height=1500)
    shot("assess", f"/sites/{code}/assess", height=1600)
    shot("upload", f"/sites/{code}/upload")
    shot("compare", f"/sites/{code}/compare", height=1500)
    shot("new-site", "/sites/new", height=1900)
    shot("review", "/review", height=1300)
    shot("audit", "/audit")
    shot("accounts", "/admin/users")
    shot("account", "/account")
finally:
    driver.quit()
