"""The comparison report (`imsflow report --model models/annex_u --against-model .`): one
self-contained page, opened from disk in a real browser with the network disabled, that shows
per flow pair what each architecture guarantees and the two sequence diagrams side by side."""

import os

import pytest

from imsflow.cli import main
from offline_chromium import headless_chromium

from annex_u_support import BUDGET


@pytest.fixture(scope="module")
def comparison(annex_u, repo, tmp_path_factory):
    out = tmp_path_factory.mktemp("comparison")
    assert main(["report", "--model", annex_u, "--against-model", repo, "--flow", "F2", "--flow", "F6",
                 "--out", str(out), "--executor", "serial", "--max-states", str(BUDGET)]) == 0
    return os.path.join(out, "comparison.html")


def test_the_page_is_self_contained_and_pairs_the_flows(comparison):
    page = open(comparison, encoding="utf-8").read()
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert 'id="pair-F2-U2"' in page and 'id="pair-F6-U5"' in page
    assert page.count('<div class="side"') == 4 and page.count("<svg") == 4
    assert 'data-kind="finding-fixed"' in page


def test_in_a_browser_each_flow_pair_shows_both_verdicts_and_both_diagrams(comparison):
    with headless_chromium() as driver:
        from selenium.webdriver.common.by import By

        driver.get("file://" + comparison)
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
        row = driver.find_element(By.CSS_SELECTOR, "#pair-F2-U2 + table tr[data-property='password-stays-with-owner']")
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        assert cells[1:4] == ["violated", "holds", "finding-fixed"], cells
        sides = driver.find_elements(By.CSS_SELECTOR, "h2#pair-F2-U2 ~ div.sides")[0].find_elements(By.CSS_SELECTOR, "div.side")
        assert [s.get_attribute("data-role") for s in sides] == ["baseline", "candidate"]
        left, right = (s.find_element(By.TAG_NAME, "svg") for s in sides)
        assert left.size["width"] > 200 and right.size["width"] > 200 and left.location["x"] < right.location["x"]
        assert "webrtc-ims-wst: F2" in sides[0].text and "webrtc-ims-annex-u: U2" in sides[1].text


def test_a_comparison_needs_two_architectures(capsys, repo, tmp_path):
    assert main(["report", "--model", repo, "--against-model", repo, "--set", "rogue=yes", "--out", str(tmp_path),
                 "--flow", "F1", "--executor", "serial"]) == 2
    assert "no correspondence.yaml joins the two models" in capsys.readouterr().err
    assert not (tmp_path / "comparison.html").exists()
    assert main(["report", "--against-model", repo, "--vary", "rogue", "--out", str(tmp_path)]) == 2
