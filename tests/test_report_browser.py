"""The report in a real browser: headless Chromium, driven over the DevTools protocol.

The set-up installs Debian's ``chromium`` package when it is missing and we are root
(``apt-get update`` then ``apt-get install -y chromium``); elsewhere the tests skip and say
why. Chromium is driven through ``--remote-debugging-pipe`` (the DevTools protocol over two
file descriptors), so no Python package is needed: messages are JSON texts ended by NUL.

Each report is opened from a file URL; the tests check that the page raised no console error
or exception, made no request other than its own file and ``data:`` images, and has its
summary, every figure (decoded, with alt text) and every table (with caption and scoped
headers), in English and in Swedish.
"""

from __future__ import annotations

import re

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts Chromium (about 10 s) and runs `dcsim case` twice

ROOT = Path(__file__).resolve().parents[1]
CASE = Path(__file__).parent / "fixtures" / "cases" / "small.toml"

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium() -> str:
    """Path of a Chromium binary, installing Debian's package when possible; else skip."""
    path = find_chromium()
    if path:
        return path
    if os.environ.get("DCSIM_NO_BROWSER_INSTALL"):
        pytest.skip("Chromium is not installed and DCSIM_NO_BROWSER_INSTALL is set")
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Chromium is not installed and cannot be installed here (needs root and apt-get: "
                    "apt-get install -y chromium)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    t0 = time.perf_counter()
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        if proc.returncode != 0:
            pytest.skip(f"could not install Chromium ({' '.join(cmd)} exited {proc.returncode}): "
                        f"{proc.stderr.strip()[-300:]}")
    print(f"installed Chromium in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    path = find_chromium()
    if not path:
        pytest.skip("apt-get installed chromium but no chromium binary was found on PATH")
    return path


class Browser:
    """A headless Chromium and one page, over the DevTools pipe."""

    def __init__(self, binary: str, profile: Path):
        cmd_r, cmd_w = os.pipe()  # we write commands, Chromium reads them on fd 3
        ev_r, ev_w = os.pipe()  # Chromium writes replies and events on fd 4, we read them
        # Move the child's ends above 4 so that dup2 onto 3 and 4 cannot clobber them.
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(ev_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(ev_w)

        def wire():  # runs in the child before exec (and before close_fds)
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(3, 4), preexec_fn=wire,
        )
        os.close(child_r)
        os.close(child_w)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inp = os.fdopen(ev_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict:
        import select

        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from Chromium")
            ready, _, _ = select.select([self.inp], [], [], left)
            if ready:
                chunk = os.read(self.inp.fileno(), 1 << 20)
                if not chunk:
                    err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
                    raise RuntimeError(f"Chromium closed the DevTools pipe: {err[-500:]}")
                self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, *, session: bool = True, timeout: float = 30.0) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30.0) -> dict:
        for ev in self.events:
            if ev["method"] == method:
                return ev
        deadline = time.monotonic() + timeout
        while True:
            msg = self._read_message(deadline)
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                msg = self._read_message(deadline)
                if "method" in msg:
                    self.events.append(msg)
        except TimeoutError:
            pass

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def navigate(self, url: str) -> None:
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", timeout=60)
        self.drain(0.5)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, width: int = 1100) -> None:
        import base64

        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": False})
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, timeout=60)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fh in (self.out, self.inp, self.proc.stderr):
            try:
                fh.close()
            except OSError:
                pass

    # -- what the tests look at
    def console_errors(self) -> list[str]:
        errors = []
        for ev in self.events:
            m, p = ev["method"], ev.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                errors.append(str(p.get("exceptionDetails", {}).get("text")))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errors.append(p["entry"].get("text", ""))
        return errors

    def requests(self) -> list[str]:
        return [ev["params"]["request"]["url"] for ev in self.events if ev["method"] == "Network.requestWillBeSent"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = ensure_chromium()
    b = Browser(binary, tmp_path_factory.mktemp("chromium-profile"))
    try:
        b.open_page()
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The small case's report in English and Swedish, written by the command line."""
    out = {}
    for lang in ("en", "sv"):
        d = tmp_path_factory.mktemp(f"case-{lang}")
        proc = subprocess.run([sys.executable, "-m", "dcsim", "case", str(CASE), "-o", str(d), "--lang", lang,
                               "--quiet"], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        out[lang] = d / "report.html"
    return out


PAGE_FACTS = """(() => {
  const imgs = [...document.images];
  const tables = [...document.querySelectorAll('table')];
  return {
    lang: document.documentElement.lang,
    title: document.title,
    summary: (document.querySelector('#summary') || {}).innerText || '',
    findings: document.querySelectorAll('#summary .finding').length,
    sections: [...document.querySelectorAll('main section')].map(s => s.id),
    figures: [...document.querySelectorAll('figure')].map(f => f.id),
    images: imgs.map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0, data: i.src.startsWith('data:image/svg+xml;base64,')})),
    figcaptions: document.querySelectorAll('figure figcaption').length,
    tables: tables.map(t => ({
      id: t.id,
      caption: t.caption ? t.caption.innerText : '',
      scopedCols: t.querySelectorAll('thead th[scope=col]').length,
      headCells: t.querySelectorAll('thead th').length,
      scopedRows: t.querySelectorAll('tbody th[scope=row]').length,
      rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
    })),
    scripts: document.scripts.length,
    links: [...document.querySelectorAll('link, iframe, object, embed, video, audio')].length,
    text: document.body.innerText,
  };
})()"""

FIGURES = ["fig-energy", "fig-pue", "fig-inlet", "fig-modes", "fig-cash"]
SECTIONS = ["summary", "compared", "energy", "pue", "inlet", "cooling-modes", "cash-flow", "results", "eu-reporting",
            "assumptions", "provenance"]
TABLES = ["key-figures", "variants", "energy-table", "pue-table", "thermal-table", "bands-table", "modes-table",
          "business-table", "cashflow-table", "results-supply-24c", "results-same", "eu-reporting", "assumptions-table",
          "provenance-table", "hash-table"]


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_report_in_chromium(browser, reports, lang, tmp_path):
    path = reports[lang]
    browser.navigate(path.as_uri())
    facts = browser.evaluate(PAGE_FACTS)

    assert browser.console_errors() == []
    own = path.as_uri()
    foreign = [u for u in browser.requests() if u != own and not u.startswith("data:")]
    assert foreign == [], f"the report made network requests: {foreign}"
    assert facts["scripts"] == 0 and facts["links"] == 0

    assert facts["lang"] == lang
    assert facts["sections"] == SECTIONS
    assert facts["findings"] == 2
    assert facts["figures"] == FIGURES
    assert len(facts["images"]) == len(FIGURES) and facts["figcaptions"] == len(FIGURES)
    for img in facts["images"]:
        assert img["ok"] and img["data"], img
        assert len(img["alt"]) > 60  # describes the figure and its numbers, not just "chart"
    assert [t["id"] for t in facts["tables"]] == TABLES
    for t in facts["tables"]:
        assert t["caption"] and t["rows"] > 0, t
        assert t["scopedCols"] == t["headCells"] > 0, t
        assert t["scopedRows"] == t["rows"], t

    text = facts["text"]
    if lang == "en":
        assert "Summary" in facts["summary"] and "In short:" in facts["summary"]
        assert "Supply air 24 °C" in text and "January" in text
        assert "Makes no measurable difference" in facts["summary"]
    else:
        assert "Sammanfattning" in facts["summary"] and "Kort sagt:" in facts["summary"]
        assert "Tilluft 24 °C" in text and "januari" in text
        assert "Gör ingen mätbar skillnad" in facts["summary"]
        # decimal comma, space as thousands separator, no English left in the headings
        assert re.search(r"\b1,\d\d\b", text)  # a PUE such as 1,29, written with a decimal comma
        for english in ("Summary", "Electricity use by month", "Cash flow", "Assumptions", "Provenance", "Figure 1."):
            assert english not in text, english
    if lang == "sv":
        from tests.test_report_html import english_fragments

        shown = browser.evaluate(SHOWN_TEXT)
        assert [f for f in english_fragments() if f in shown] == []
    if os.environ.get("DCSIM_SCREENSHOTS"):
        browser.screenshot(Path(os.environ["DCSIM_SCREENSHOTS"]) / f"report-{lang}.png")


#: the page's text as shown, without what is marked lang="en" (the runs' quoted source records)
SHOWN_TEXT = """(() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[lang="en"]').forEach(e => e.remove());
  document.documentElement.appendChild(copy);  // innerText needs a rendered element
  const text = copy.innerText;
  copy.remove();
  return text;
})()"""

#: every element whose box reaches past the page's width, with where it ends
TOO_WIDE = """(() => {
  const width = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)) {
      bad.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + el.className : ''}`
               + ` ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 15), n: bad.length};
})()"""


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("media, width", [("screen", 1280), ("screen", 800), ("print", 688)])  # print: A4 less margins
def test_no_element_is_wider_than_the_page(browser, reports, lang, media, width):
    browser.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": 1000, "deviceScaleFactor": 1,
                                                       "mobile": False})
    browser.send("Emulation.setEmulatedMedia", {"media": media})
    try:
        browser.navigate(reports[lang].as_uri())
        facts = browser.evaluate(TOO_WIDE)
    finally:
        browser.send("Emulation.setEmulatedMedia", {"media": ""})
        browser.send("Emulation.clearDeviceMetricsOverride")
    assert width - 20 <= facts["width"] <= width  # less a scroll bar
    assert facts["n"] == 0 and facts["scrollWidth"] <= width, facts
    if media == "screen" and width == 1280:  # the figures take the text's whole width
        img = browser.evaluate("Math.round(document.querySelector('figure img').getBoundingClientRect().width)")
        main = browser.evaluate("Math.round(document.querySelector('main').getBoundingClientRect().width)")
        assert img >= 0.95 * main, (img, main)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_both_languages_print_to_pdf(browser, reports, lang, tmp_path):
    """The browser's "save as PDF": A4 pages, the print style sheet (no contents columns cut,
    no scroll regions), every page with text."""
    import base64

    browser.navigate(reports[lang].as_uri())
    data = browser.send("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True,
                                            "printBackground": True}, timeout=120)["data"]
    pdf = base64.b64decode(data)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 4 <= pages <= 40, pages  # the small case fills several pages, not hundreds
    (tmp_path / f"report-{lang}.pdf").write_bytes(pdf)
    if os.environ.get("DCSIM_SCREENSHOTS"):
        (Path(os.environ["DCSIM_SCREENSHOTS"]) / f"report-{lang}.pdf").write_bytes(pdf)
