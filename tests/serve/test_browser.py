"""`carousel serve` as a real process, driven through a real headless Chromium (Selenium).

Debian's `chromium` and `chromium-driver` (same version, installed by `.ci/run` / `make
browser` when root); skipped with the reason when they are missing. Few tests, each doing
what a user does: the controls and drag-and-drop write the thread file and the preview
follows; an edit on disk updates the page; a broken file shows the error overlay until it
is fixed.
"""

from __future__ import annotations

import io
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import write_project
from tests.serve.conftest import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
TIMEOUT = 90  # seconds for a rebuild to show, on a loaded 2-core machine

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
    pytest.skip("no headless browser: install Debian's chromium and chromium-driver (make browser, as root)", allow_module_level=True)

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ALPHA = """\
---
title: Alpha thread
canvas: {width: 400, height: 500}
theme: paper   # light and calm
---

First post: the hook.

---

Second post, which becomes a quote.

---

Third post closes it.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(
        tmp_path_factory.mktemp("browser"),
        {
            "carousel.yaml": "defaults:\n  pattern: none\n",
            "content/alpha.md": ALPHA,
        },
    )


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    """`carousel serve` in its own process, after its initial build."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port), "-j", "1", "--debounce", "0.05"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if line.startswith("watching"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(TIMEOUT), "carousel serve did not start:\n" + "".join(lines)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the server, the watch loop and its workers stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.returncode == 0, "".join(lines)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="carousel-chromium-")
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, message: str):
    # the page redraws parts of itself on every rebuild: an element read mid-redraw is read again
    ignored = (StaleElementReferenceException, NoSuchElementException)
    return WebDriverWait(driver, TIMEOUT, poll_frequency=0.1, ignored_exceptions=ignored).until(lambda d: condition(d), message)


def slide_urls(driver) -> list[str]:
    return driver.execute_script("return Array.from(document.querySelectorAll('#track .slide img'), image => image.src)")


def slide_colour(driver, url: str) -> tuple[int, int, int]:
    """The colour of a slide's corner, read from the PNG the page shows."""
    data = driver.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));", url
    )
    with Image.open(io.BytesIO(bytes(data))) as image:
        return image.convert("RGB").getpixel((4, 4))


def test_controls_and_drag_and_drop_write_the_thread_file(server: str, browser, project: Path):
    path = project / "content" / "alpha.md"
    browser.get(server + "/t/alpha")
    wait_for(browser, lambda d: len(slide_urls(d)) == 5, "the five slides (cover, three posts, outro) show")
    cover = slide_urls(browser)[0]
    light = slide_colour(browser, cover)
    assert sum(light) > 600, light  # paper is light

    # the theme, through its control
    Select(browser.find_element(By.ID, "theme")).select_by_value("midnight")
    wait_for(
        browser,
        lambda d: "theme: midnight # light and calm" in path.read_text(encoding="utf-8"),
        "the theme is written to the front matter",
    )
    wait_for(browser, lambda d: slide_urls(d)[0] != cover, "the preview shows the rebuilt cover")
    assert sum(slide_colour(browser, slide_urls(browser)[0])) < 200  # midnight is dark

    # one post's layout, through its control: only that post's slide (the third) changes
    before = slide_urls(browser)
    Select(browser.find_element(By.ID, "post-2-layout")).select_by_value("quote")
    wait_for(browser, lambda d: "\n<!-- layout: quote -->\nSecond post" in path.read_text(encoding="utf-8"), "the directive is written")
    wait_for(browser, lambda d: slide_urls(d)[2] != before[2], "the preview shows post 2 as a quote")
    assert slide_urls(browser)[:2] == before[:2] and slide_urls(browser)[3:] == before[3:]
    wait_for(
        browser, lambda d: d.find_element(By.CSS_SELECTOR, '.post[data-post="2"] .layout-tag').text == "quote", "the post card says so"
    )

    # drag post 2's card onto post 1's slide: they now share it
    chip = browser.find_element(By.CSS_SELECTOR, '.post .handle[data-post="2"]')
    target = browser.find_element(By.CSS_SELECTOR, '.slot:has(.chip-post[data-post="1"])')
    ActionChains(browser).click_and_hold(chip).move_to_element_with_offset(chip, 5, 5).move_to_element(target).release().perform()
    wait_for(
        browser, lambda d: "slides: [cover, [1, 2], 3, outro]" in path.read_text(encoding="utf-8"), "the arrangement is written as slides:"
    )
    wait_for(browser, lambda d: len(slide_urls(d)) == 4, "the preview has one slide fewer")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntitle: Alpha thread\ncanvas: {width: 400, height: 500}\ntheme: midnight # light and calm\nslides: [cover, [1, 2], 3, outro]\n---\n"
    )


def test_the_page_follows_the_file_and_shows_build_errors(server: str, browser, project: Path):
    path = project / "content" / "alpha.md"
    browser.get(server + "/t/alpha")
    wait_for(browser, lambda d: len(slide_urls(d)) >= 4, "the slides show")
    browser.set_window_size(1400, 700)
    browser.execute_script("window.scrollTo(0, 300)")
    scrolled = browser.execute_script("return window.scrollY")
    assert scrolled > 0

    # an edit on disk, as an editor saves it
    urls = slide_urls(browser)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Third post closes it.", "Third post, edited in an editor, closes it."), encoding="utf-8"
    )
    wait_for(browser, lambda d: slide_urls(d) != urls, "the edited slide is shown without a reload")
    assert browser.execute_script("return window.scrollY") == scrolled
    overlay = browser.find_element(By.ID, "overlay")
    assert not overlay.is_displayed()

    # break it: an unknown theme (line 4 of the file)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("theme: midnight", "theme: midnite"), encoding="utf-8")
    wait_for(browser, lambda d: overlay.is_displayed(), "the error overlay shows")
    message = browser.find_element(By.ID, "overlay-errors").text
    assert re.search(r"content/alpha\.md:4: front matter: unknown theme 'midnite' \(did you mean 'midnight'\?\)", message), message

    # fix it: the overlay goes
    path.write_text(good, encoding="utf-8")
    wait_for(browser, lambda d: not overlay.is_displayed(), "the error overlay goes away")
    assert len(slide_urls(browser)) == 4
