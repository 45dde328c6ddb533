"""The report in a real browser: no console errors, no requests, every figure visible, readable on a phone, printable.

Drives Debian's ``chromium`` headless over the DevTools protocol (``cdp.py``).
The screenshots, the page and its print are kept as artefacts in
``$CAMCHAR_ARTEFACTS`` (default ``tests/artefacts/``).
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import numpy as np
import pytest

from camchar.results import report

from .cdp import Browser, find_chromium
from .conftest import NIKON, RESPONSE, RESPONSE_OLS, add_emva_group

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")

#: What the page tells the test about itself: every figure's place, size, visibility and drawing.
LAYOUT = """(() => {
  const figures = [...document.querySelectorAll('figure')].map((figure) => {
    const svg = figure.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const style = getComputedStyle(svg);
    return {id: figure.id, x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height,
            visible: style.visibility === 'visible' && style.display !== 'none' && style.opacity !== '0',
            shapes: svg.querySelectorAll('path, use').length,
            texts: [...svg.querySelectorAll('text')].map((text) => text.textContent)};
  });
  const boxes = [...document.querySelectorAll('.table-scroll')].map((box) => [box.clientWidth, box.scrollWidth]);
  return {figures, boxes, pageWidth: document.documentElement.scrollWidth, viewport: innerWidth, title: document.title};
})()"""

PROBLEM_EVENTS = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")


def problems(events: list[dict]) -> list[dict]:
    """Console messages of any kind, uncaught exceptions, and browser log entries above 'info'."""
    found = []
    for event in events:
        if event["method"] in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown"):
            found.append(event)
        elif event["method"] == "Log.entryAdded" and event["params"]["entry"]["level"] in ("warning", "error"):
            found.append(event)
    return found


def requests(events: list[dict]) -> list[str]:
    return [event["params"]["request"]["url"] for event in events if event["method"] == "Network.requestWillBeSent"]


def start(browser: Browser) -> None:
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable")


@pytest.fixture(scope="module")
def artefacts() -> Path:
    folder = Path(os.environ.get("CAMCHAR_ARTEFACTS") or Path(__file__).parent.parent / "artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def real_report(artefacts, camchar_file, tmp_path_factory) -> Path:
    """The report of real files: a camchar sweep with EMVA data, the Nikon reference, and two of its responses."""
    emva = tmp_path_factory.mktemp("browser") / "sweep-with-emva.h5"
    emva.write_bytes(camchar_file.read_bytes())
    add_emva_group(emva)
    return report([emva, NIKON, RESPONSE, RESPONSE_OLS], artefacts / "report.html")


@needs_chromium
def test_the_detectors_catch_what_they_look_for(tmp_path):
    """A broken page must set off every alarm the report test relies on; else its silence would prove nothing."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><title>broken</title><link rel=stylesheet href='http://127.0.0.1:9/missing.css'>"
        "<script>console.error('boom'); not_a_function();</script>"
    )
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        start(browser)
        browser.open(broken.as_uri())
        browser.evaluate("1")  # let pending events arrive
        kinds = {event["method"] for event in problems(browser.events)}
    assert {"Runtime.consoleAPICalled", "Runtime.exceptionThrown"} <= kinds
    assert "http://127.0.0.1:9/missing.css" in requests(browser.events)


@needs_chromium
def test_report_on_a_desktop(real_report, artefacts, tmp_path):
    from PIL import Image

    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        start(browser)
        browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        browser.open(real_report.as_uri())
        layout = browser.evaluate(LAYOUT)
        shot = browser.screenshot(artefacts / "report-desktop.png")
        events = list(browser.events)
    assert problems(events) == []
    assert [url for url in requests(events) if not url.startswith(("file:", "data:"))] == []
    assert layout["title"].startswith("camchar report: ")
    figures = layout["figures"]
    # comparison: 5 samples panels (no noise in electrons: the Nikon file has no gain K) + 3 response panels;
    # sweep 6 + photon transfer and its residuals; Nikon 5; each response 3
    assert len(figures) == 8 + 8 + 5 + 3 + 3
    assert layout["pageWidth"] <= layout["viewport"]  # nothing sticks out sideways
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    for figure in figures:
        assert figure["visible"] and figure["width"] > 400 and figure["height"] > 250, figure["id"]
        assert figure["shapes"] > 20, figure["id"]
        assert any(label in figure["texts"] for label in ("Wavelength [nm]", "Nominal wavelength [nm]", "Mean signal, dark subtracted [DN]")), figure["id"]
        region = np.asarray(image.crop((int(figure["x"]), int(figure["y"]), int(figure["x"] + figure["width"]), int(figure["y"] + figure["height"]))))
        ink = (region.min(axis=2) < 200).mean()
        assert 0.01 < ink < 0.6, f"{figure['id']}: {ink:.3f} of the figure is drawn"
        reds = ((region[..., 0] > 150) & (region[..., 1] < 90) & (region[..., 2] < 90)).sum()
        if "Exposure time [s]" not in figure["texts"]:
            assert reds > 20, f"{figure['id']}: the red channel is not visible"


@needs_chromium
def test_report_on_a_phone(real_report, artefacts, tmp_path):
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        start(browser)
        browser.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
        browser.open(real_report.as_uri())
        layout = browser.evaluate(LAYOUT)
        browser.screenshot(artefacts / "report-phone.png", full_page=False)
        font_size = browser.evaluate("parseFloat(getComputedStyle(document.querySelector('td')).fontSize)")
        events = list(browser.events)
    assert problems(events) == []
    assert layout["viewport"] == 390 and layout["pageWidth"] <= 390  # the page itself never scrolls sideways
    for figure in layout["figures"]:
        assert 330 <= figure["width"] <= 390 and figure["height"] > 200, figure["id"]  # one column, full width
    assert all(client <= 390 for client, _ in layout["boxes"])
    assert any(scroll > client for client, scroll in layout["boxes"])  # wide tables scroll inside their box
    assert font_size >= 12


@needs_chromium
def test_report_prints(real_report, artefacts, tmp_path):
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        start(browser)
        browser.open(real_report.as_uri())
        browser.send("Emulation.setEmulatedMedia", media="print")
        printed = browser.evaluate(
            "[getComputedStyle(document.querySelector('.table-scroll.long')).maxHeight,"
            " getComputedStyle(document.querySelector('nav')).display]"
        )
        pdf = base64.b64decode(browser.send("Page.printToPDF", printBackground=True)["data"])
    assert printed == ["none", "none"]  # long tables unfold, navigation goes
    assert pdf.startswith(b"%PDF-")
    (artefacts / "report-print.pdf").write_bytes(pdf)
