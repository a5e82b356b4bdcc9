"""The report in a real browser: Debian's Chromium, headless, driven by Selenium.

Opens the class page and one student's page from a sample grading folder (synthetic
results.json files over the real test ids and catalogued mistakes), checks that the
charts are drawn (loaded, non-zero size), the tables have the expected rows, and that
the pages asked for nothing but local files (Chromium's network log; remote URLs are
also blocked, so a regression cannot leak). Screenshots land in the test's tmp dir
(and in ``$KIT_REPORT_SCREENSHOTS`` when set). Skips, saying why, only where Chromium,
its driver or Selenium is not installed (.ci/run installs them).
"""

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

from graders.report import build_report
from graders.report.pages import safe_file_name
from graders.report.sample import make_class

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
STUDENTS = 40

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("Chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (extra 'dev')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--force-device-scale-factor=1", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    grading = tmp_path_factory.mktemp("grading")
    ids = make_class(grading, students=STUDENTS, seed=7)
    out = tmp_path_factory.mktemp("report")
    build_report(grading, out, threshold=50)
    return grading, out, ids


def _requests(driver) -> list[str]:
    """Every URL the page asked for since the last call (from Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _open(driver, path: Path) -> list[str]:
    _requests(driver)  # drop earlier entries
    driver.get(path.resolve().as_uri())
    driver.execute_script("return document.readyState")
    return _requests(driver)


def _screenshot(driver, name: str, folder: Path) -> Path:
    """The whole page, not just the window."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path = folder / name
    path.write_bytes(base64.b64decode(shot["data"]))
    extra = os.environ.get("KIT_REPORT_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / name)
    return path


def _local_only(urls: list[str]) -> None:
    remote = [u for u in urls if not u.startswith(("file://", "data:"))]
    assert not remote, f"the page made network requests: {remote}"


def test_class_page_renders_offline(browser, site, tmp_path):
    grading, out, ids = site
    urls = _open(browser, out / "index.html")
    _local_only(urls)
    assert any(u.endswith("index.html") for u in urls)
    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure.chart img')).map(i => "
        "[i.getAttribute('src'), i.complete, i.naturalWidth, i.getBoundingClientRect().width, "
        "i.getBoundingClientRect().height])")
    assert len(images) >= 5
    for src, complete, natural, width, height in images:
        assert complete and natural > 0 and width > 50 and height > 50, (src, natural, width, height)
    rows = lambda sel: browser.execute_script(f"return document.querySelectorAll('{sel} tbody tr').length")
    assert rows("table.everyone") == STUDENTS + 1
    results = [json.loads((grading / sid / "results.json").read_text()) for sid in ids]
    exercises = {ex for r in results for ex in r["extra_data"]["exercises"]}
    assert rows("table.exercise-summary") == len(exercises)
    assert rows("table.failed-tests") == 25
    assert rows("table.misconceptions") >= 10
    assert rows("table.runs") == 2
    assert rows("table.help") >= 1
    heading = browser.execute_script("return document.querySelector('#misconceptions h2').offsetHeight")
    assert heading > 0
    shot = _screenshot(browser, "class-report.png", tmp_path)
    assert shot.stat().st_size > 10_000


def test_student_page_renders_offline(browser, site, tmp_path):
    grading, out, ids = site
    results = {sid: json.loads((grading / sid / "results.json").read_text()) for sid in ids}
    # a student with at least one misconception and one exercise not started
    sid = next(s for s, r in results.items()
               if any(info["status"] == "not_started" for info in r["extra_data"]["exercises"].values())
               and any(info["status"] == "graded" and info["score"] < info["max_score"]
                       for info in r["extra_data"]["exercises"].values()))
    urls = _open(browser, out / "students" / safe_file_name(sid))
    _local_only(urls)
    assert len(urls) == 1  # the page itself: no image, font or script to fetch
    rows = browser.execute_script("return document.querySelectorAll('table.exercises tbody tr').length")
    assert rows == len(results[sid]["extra_data"]["exercises"])
    callouts = browser.execute_script(
        "return Array.from(document.querySelectorAll('.misconception')).map(e => e.offsetHeight)")
    assert callouts and all(h > 0 for h in callouts)
    text = browser.execute_script("return document.body.innerText")
    assert sid in text and not any(other in text for other in ids if other != sid)
    shot = _screenshot(browser, "student-page.png", tmp_path)
    assert shot.stat().st_size > 10_000
