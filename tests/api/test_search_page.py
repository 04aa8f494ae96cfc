"""The search page in a real browser: headless Chromium (Debian's package) driven by Selenium, against
`hayrick serve yaml_pipelines/service.yml` with the real reader, over the sample reviews.

Set HAYRICK_SCREENSHOT=path.png to keep the screenshot somewhere else as well (the README's image is made so).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import REVIEWS, product_of
from tests.api.test_serve import start_service, stop_service
from tests.optional import need

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        message = "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("HAYRICK_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    need("selenium")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers on the network
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,1400", "--disable-background-networking", "--no-first-run"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture()
def service_url(tmp_path: Path, repo_root: Path, shared_dir: Path):
    env = {
        "DOCUMENTSTORE_PARAMS_URL": f"sqlite:///{tmp_path / 'page.db'}",
        "READER_PARAMS_MODEL_NAME_OR_PATH": str(shared_dir / "models" / "minilm-l6-squad"),
        "HF_HUB_OFFLINE": "1",
    }
    process, url = start_service([str(repo_root / "yaml_pipelines" / "service.yml"), "--file-upload-path",
                                  str(tmp_path / "up")], env=env, timeout=120)  # fmt: skip
    try:
        yield url
    finally:
        stop_service(process)


def test_search_page_answers_highlights_filters_and_takes_feedback(browser, service_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 30)
    products = sorted({product_of(p) for p in REVIEWS.glob("*.txt")})
    with httpx.Client(base_url=service_url, timeout=60) as api:
        for product in products[1:]:  # all but the first product through the API ...
            files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(REVIEWS.glob(f"{product}-*.txt"))]
            assert api.post("/file-upload", files=files, data={"meta": f'{{"product": "{product}"}}'}).status_code == 200

    browser.get(service_url + "/")
    # ... and the first through the page's upload form
    first = sorted(REVIEWS.glob(f"{products[0]}-*.txt"))
    wait.until(ec.visibility_of_element_located((By.ID, "upload-files")))
    browser.find_element(By.ID, "upload-files").send_keys("\n".join(str(p) for p in first))
    browser.find_element(By.ID, "upload-meta").send_keys(f'{{"product": "{products[0]}"}}')
    browser.find_element(By.ID, "upload-button").click()
    wait.until(lambda d: "Indexed" in d.find_element(By.ID, "upload-status").text)
    assert f"Indexed {len(first)} files" in browser.find_element(By.ID, "upload-status").text

    browser.refresh()  # the product menu now lists every product
    wait.until(ec.presence_of_element_located((By.ID, "filter-product")))
    options = [o.text for o in Select(browser.find_element(By.ID, "filter-product")).options]
    assert options == ["any", *products]
    Select(browser.find_element(By.ID, "filter-product")).select_by_visible_text("ereader")
    browser.find_element(By.ID, "top-k-Reader").send_keys("2")
    browser.find_element(By.ID, "query").send_keys("How long does the battery last?")
    browser.find_element(By.ID, "search-button").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "li.answer")))

    answers = browser.find_elements(By.CSS_SELECTOR, "li.answer")
    assert len(answers) == 2  # the Reader's top_k control took effect
    first_answer = answers[0].find_element(By.CSS_SELECTOR, ".answer-text").text
    assert first_answer == "three weeks"
    assert answers[0].find_element(By.CSS_SELECTOR, ".context mark").text == "three weeks"
    documents = browser.find_elements(By.CSS_SELECTOR, "li.document")
    assert documents and all("product: ereader" in d.find_element(By.CSS_SELECTOR, ".meta").text for d in documents)

    answers[0].find_element(By.CSS_SELECTOR, "button.up").click()
    wait.until(lambda d: "saved" in answers[0].find_element(By.CSS_SELECTOR, ".feedback-note").text)
    answers[1].find_element(By.CSS_SELECTOR, "button.down").click()
    wait.until(lambda d: "saved" in answers[1].find_element(By.CSS_SELECTOR, ".feedback-note").text)

    shot = tmp_path / "search_page.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("HAYRICK_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["HAYRICK_SCREENSHOT"])

    with httpx.Client(base_url=service_url, timeout=30) as api:
        labels = api.get("/feedback").json()
        assert len(labels) == 2
        good = next(label for label in labels if label["is_correct_answer"])
        assert good["answer"]["answer"] == "three weeks" and good["query"] == "How long does the battery last?"
        assert good["document"]["meta"]["product"] == "ereader"
        assert api.post("/eval-feedback").json() == {"answer_accuracy": 0.5, "document_accuracy": 0.5, "n_feedback": 2}


def test_search_page_shows_errors_from_the_service(browser, service_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(service_url + "/")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "top-k-Retriever"))
    browser.find_element(By.ID, "top-k-Retriever").send_keys("1000")  # over the input's max: the browser keeps it
    browser.execute_script("document.getElementById('top-k-Retriever').value = '0'")
    browser.find_element(By.ID, "query").send_keys("battery")
    browser.find_element(By.ID, "search-button").click()
    WebDriverWait(browser, 30).until(lambda d: "error" in d.find_element(By.ID, "status").get_attribute("class"))
    assert "top_k must be a positive int" in browser.find_element(By.ID, "status").text
