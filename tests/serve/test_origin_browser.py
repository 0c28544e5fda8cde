"""Same-origin in a real browser: a page on another local port cannot read what ``kg serve``
answers, nor make it run a query, nor frame its pages; the server's own query page still works.

Headless Chromium, driven by playwright (skipped, with the reason in the warnings summary, where
either cannot be had, as tests/test_viewer_browser.py is).
"""
from __future__ import annotations

import functools
import threading
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_rdf import sample_kg
from test_serve import start_server, stop_server
from test_viewer_browser import CHROMIUM, CHROMIUM_ARGS  # skips this module too where there is no browser

from kg.rdf import serialize, to_rdf

ATTACK = """<!doctype html><meta charset=utf-8><title>another page</title>
<iframe id=frame></iframe>
<script>
const kg = new URLSearchParams(location.search).get("kg");
const query = encodeURIComponent("SELECT * WHERE { ?s ?p ?o } LIMIT 1");
window.results = {};
async function attempt(name, run) {
  try { window.results[name] = "read: " + await run(); }
  catch (error) { window.results[name] = "blocked: " + error; }
}
(async () => {
  await attempt("cors GET", async () => (await fetch(`${kg}/sparql?query=${query}`)).text());
  await attempt("simple POST", async () => (await fetch(`${kg}/sparql`, {method: "POST", body: `query=${query}`,
      headers: {"Content-Type": "application/x-www-form-urlencoded"}})).text());
  await attempt("no-cors GET", async () => {
    const response = await fetch(`${kg}/sparql?query=${query}&no-cors`, {mode: "no-cors"});
    return response.type + ":" + (await response.text());
  });
  await attempt("graph.ttl", async () => (await fetch(`${kg}/graph.ttl`)).text());
  document.getElementById("frame").src = `${kg}/query`;
  window.done = true;
})();
</script>
"""


@pytest.fixture(scope="module")
def kg_server(tmp_path_factory):
    out = tmp_path_factory.mktemp("origin")
    (out / "graph.ttl").write_text(serialize(to_rdf(sample_kg()), "turtle"), encoding="utf-8")
    log = out / "serve.log"
    process, url = start_server(out, "--workers", "1", log=log)
    yield url, log
    stop_server(process)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def other_page(tmp_path_factory):
    """A page served from another port of 127.0.0.1: another origin, as a page of any site is."""
    folder = tmp_path_factory.mktemp("other")
    (folder / "attack.html").write_text(ATTACK, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()
        yield context.new_page()
        browser.close()


def test_a_page_of_another_origin_can_neither_read_nor_query(page, kg_server, other_page):
    url, log = kg_server
    before = log.read_text()
    page.goto(f"{other_page}/attack.html?kg={urllib.parse.quote(url)}")
    page.wait_for_function("window.done === true", timeout=30_000)
    results = page.evaluate("window.results")
    assert results["cors GET"].startswith("blocked") and results["simple POST"].startswith("blocked")
    assert results["graph.ttl"].startswith("blocked")
    # without CORS: an empty opaque answer at best (Cross-Origin-Resource-Policy blocks even that)
    assert results["no-cors GET"] in ("opaque:", "blocked: TypeError: Failed to fetch")
    page.wait_for_timeout(1000)
    assert page.frame_locator("#frame").locator("#editor").count() == 0  # frame-ancestors 'none': not shown
    answered = log.read_text()[len(before):]
    # each request the page made was refused, none ran a query
    assert answered.count('"GET /sparql?query=') == 2 and answered.count('"POST /sparql') == 1
    assert all(" 403 " in line for line in answered.splitlines() if "/sparql" in line or "graph.ttl" in line)
    assert '"GET /query HTTP/1.1" 200' in answered  # sent to the frame (a navigation), shown by no browser


def test_the_servers_own_query_page_runs_a_query(page, kg_server):
    url, _ = kg_server
    page.goto(f"{url}/query")
    page.fill("#editor", "SELECT ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 3")
    page.click("#run")
    page.wait_for_function("document.getElementById('status').textContent.includes('row')", timeout=30_000)
    assert page.locator("#status").text_content().startswith("3 rows")
    assert page.locator("#results").is_visible() and page.locator("#results td").count() == 3
