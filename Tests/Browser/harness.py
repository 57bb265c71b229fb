"""What the browser tests share: headless Chromium from Debian through Selenium, a check that
prints one line and remembers failures, and axe-core's accessibility check."""
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def chromium():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.binary_location = "/usr/bin/chromium"
    # Debian's driver for Debian's browser: Selenium must not go looking for one on the network.
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_page_load_timeout(60)
    return driver


def accessibility(driver, name):
    """axe-core on the page as it stands: no serious or critical violation."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    detail = "; ".join(f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)" for v in serious)
    check(results["passes"] and not serious,
          f"axe: {len(results['passes'])} rules passed, no serious or critical violation on {name}"
          + (f": {detail}" if detail else ""))
