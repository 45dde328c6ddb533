"""camchar report: one self-contained, well-formed HTML page with a figure per panel, and every file text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import h5py
import numpy as np
import pytest

from camchar import BadInput
from camchar.results import read_result, render_report, report

from .conftest import add_emva_group, write_response, write_samples

#: Elements that have no end tag in HTML.
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "wbr", "source", "area", "base", "embed", "param", "track"}


class Page(HTMLParser):
    """Parses the report and checks that every element is closed in order (SVG children may close themselves)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.problems: list[str] = []
        self.figures: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "figure":
            self.figures.append({"svg": 0, "caption": False})
        if tag == "svg" and "figure" in self.stack:
            self.figures[-1]["svg"] += 1
        if tag == "figcaption":
            self.figures[-1]["caption"] = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.problems == [] and parser.stack == []
    return parser


@pytest.fixture(scope="module")
def page(tmp_path_factory, request) -> tuple[str, Page]:
    """A report of a camchar samples file with EMVA data and a response: small files, every kind of figure."""
    folder = tmp_path_factory.mktemp("report")
    emva = folder / "emva.h5"
    emva.write_bytes(request.getfixturevalue("camchar_file").read_bytes())
    add_emva_group(emva)
    response = write_response(folder / "response.h5")
    output = report([emva, response], folder / "report.html")
    text = output.read_text(encoding="utf-8")
    return text, parse(text)


def test_one_inline_svg_per_figure(page):
    text, parsed = page
    # the samples file: 6 panels (signal, log, noise in DN and in electrons, SNR, exposure) and photon transfer
    # with its residuals; the response: 3 panels
    assert len(parsed.figures) == 6 + 2 + 3
    assert all(figure == {"svg": 1, "caption": True} for figure in parsed.figures)
    assert text.count("<svg") == len(parsed.figures)
    assert [attributes["id"] for tag, attributes in parsed.tags if tag == "figure"] == [f"figure-{n}" for n in range(1, 12)]
    assert 'id="comparison"' not in text  # one file of each kind: nothing to compare
    assert [attributes["href"] for tag, attributes in parsed.tags if tag == "a"] == ["#file-1", "#file-2"]


def test_loads_nothing(page):
    text, parsed = page
    assert "http://" not in text and "https://" not in text
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "img", "iframe", "object", "embed", "link") and (tag, _) != ("link", {"rel": "icon", "href": "data:,"})]
    references = [(tag, name, value) for tag, attributes in parsed.tags for name, value in attributes.items() if name in ("src", "href", "xlink:href", "srcset", "action")]
    assert all(value.startswith(("#", "data:")) for _, _, value in references), references
    assert not re.search(r"url\((?!#)", text) and "@import" not in text and "@font-face" not in text


def test_ids_are_unique_and_references_resolve(page):
    _, parsed = page
    ids = [attributes["id"] for _, attributes in parsed.tags if "id" in attributes]
    assert len(ids) == len(set(ids))
    targets = {value[1:] for _, attributes in parsed.tags for name, value in attributes.items() if name in ("href", "xlink:href") and value.startswith("#")}
    clip_paths = {match for _, attributes in parsed.tags for match in re.findall(r"url\(#([^)]+)\)", attributes.get("clip-path", "") or "")}
    assert targets and clip_paths and (targets | clip_paths) <= set(ids)


def test_tables_provenance_and_settings(page, camchar_file):
    text, parsed = page
    words = " ".join(parsed.text)
    assert "Peaks of the mean signal" in words and "EMVA 1288" in words and "Peaks of the response" in words
    assert "None recorded: a file of the original tools." in words  # the response, written like the original's
    settings_yaml = read_result(camchar_file).provenance["settings_yaml"]
    assert "<details><summary>Settings file settings.yml</summary><pre>" in text
    assert settings_yaml in words  # the settings text, whole
    assert text.count('class="table-scroll') >= 6
    assert "@media print" in text and 'name="viewport"' in text


@pytest.mark.slow
def test_file_text_is_escaped(tmp_path):
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    path = write_samples(
        tmp_path / "hostile.h5",
        np.ones((3, 3)),
        np.ones((3, 3)) / 10,
        label=hostile,
        provenance={"settings_yaml": "label: </pre><script>alert(2)</script>", "settings_file": "/x/<b>.yml"},
        warnings=["</li><script>alert(3)</script>"],
        channel_names=["<i>R", "G", "B"],
    )
    text = render_report([path])
    parsed = parse(text)
    assert "<script" not in text.lower() and "<img" not in text.lower() and "<i>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in text
    assert hostile in " ".join(parsed.text)  # shown as text
    assert "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in text and "&lt;/li&gt;&lt;script&gt;alert(3)" in text
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "img", "i", "b")]
    assert len(parsed.figures) == 5 and "<nav>" not in text and 'id="comparison"' not in text  # one file: no comparison


def test_written_atomically(camchar_file, tmp_path):
    output = tmp_path / "report.html"
    output.write_text("old")
    with pytest.raises(BadInput, match="not an HDF5 file"):
        report([camchar_file, tmp_path / "report.html"], output)
    assert output.read_text() == "old" and [path.name for path in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.slow
def test_files_of_a_kind_are_compared_first(camchar_file, bayer_file, monkeypatch, tmp_path):
    """Two samples files and a response: the samples are overlaid in a comparison section; the response is not."""
    from matplotlib.figure import Figure

    from camchar.results import htmlreport

    drawn = []

    def small_figure(results, panel, size):
        drawn.append(([result.name for result in results], panel))
        figure = Figure(figsize=(1, 1))
        figure.add_subplot().plot([0, 1])
        return figure

    monkeypatch.setattr(htmlreport, "panel_figure", small_figure)
    response = write_response(tmp_path / "response.h5")
    bayer = tmp_path / "bayer.h5"
    bayer.write_bytes(bayer_file.read_bytes())
    with h5py.File(bayer, "r+") as f:
        f.attrs["label"] = "bayer sweep"
    text = render_report([camchar_file, bayer, response])
    parsed = parse(text)
    both = ["fixture sweep", "bayer sweep"]
    samples_panels = ("signal", "signal-log", "noise", "snr", "exposure")  # no gain K in these files: no noise in electrons
    assert drawn[:5] == [(both, panel) for panel in samples_panels]
    assert [panel for names, panel in drawn[5:]] == list(samples_panels) * 2 + ["response", "fit", "residuals"]
    assert len(parsed.figures) == 18
    assert text.index('id="comparison"') < text.index('id="file-1"')
    assert [attributes["href"] for tag, attributes in parsed.tags if tag == "a"] == ["#comparison", "#file-1", "#file-2", "#file-3"]
