"""The touchpoint matrix: which channel states what about each service and product, stored by
the check and shown as a grid (HTML), a sheet (xlsx) and CSV, differing cells marked."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import lxml.html
from openpyxl import load_workbook

from checker.engine import check_run
from checker.reports import build_report, render
from checker.rule_types.claim_conflict import ClaimConflict
from checker.rule_types.missing_in_channel import MissingInChannel
from checker.rule_types.online_store_availability_conflict import (
    OnlineStoreAvailabilityConflict,
)
from checker.rule_types.price_mismatch import PriceMismatch
from crawler.items import Post, StoreStock
from tests.factories import claim, offer, stored_run

CHANNELS = {"webshop": "webshop", "website": "website", "instagram": "social", "feed": "feed"}
RULES = [
    PriceMismatch("price-parity", "high"),
    MissingInChannel("service-presence", "medium"),
    ClaimConflict("claim-consistency", "medium"),
    OnlineStoreAvailabilityConflict("online-vs-stores", "medium"),
]


def items() -> list:
    sold_out = offer("webshop", "Makuupussi Talvi -15", "149.00", availability="out_of_stock")
    return [
        offer("webshop", "Vaellusreppu 40 L", "129.90", gtin="6434012300102", availability="in_stock"),
        offer("website", "Vaellusreppu 40 L", "119.90"),
        offer("webshop", "Retkikeitin Kompakti", "89.00", gtin="6434012300584"),
        offer("website", "Retkikeitin Kompakti", "89"),
        sold_out,
        offer("feed", "Makuupussi Talvi -15", "149.00", item_id="1006"),
        offer("webshop", "Kuksa", "24.90"),  # one channel, no finding: not in the matrix
        StoreStock("feed", "https://feed.example/local.csv#row-1", "HKI", "in_stock",
                   "local-feed", "HKI 3", store_name="Helsinki", quantity=3, item_id="1006"),
        StoreStock("feed", "https://feed.example/local.csv#row-2", "TRE", "out_of_stock",
                   "local-feed", "TRE 0", store_name="Tampere", quantity=0, item_id="1006"),
        claim("webshop", "delivery_time", "Toimitusaika 1–3 arkipäivää.", attribute="days",
              low=1, high=3, unit="days"),
        claim("website", "delivery_time", "Toimitamme 2–5 arkipäivässä.", attribute="days",
              low=2, high=5, unit="days"),
        claim("website", "click_and_collect", "Nouda myymälästä."),
        claim("instagram", "click_and_collect", "Click & collect kaikissa myymälöissä."),
        claim("webshop", "returns", "Ei palautusoikeutta alennustuotteilla.", negated=True),
        Post("instagram", "https://instagram.example/p/1", "Vaellusreppu 40 L nyt 129,90 €!",
             published=f"{date.today()}T08:00:00+00:00"),
    ]  # fmt: skip


def checked(tmp_path: Path) -> tuple:
    store, run_id = stored_run(tmp_path / "run.db", CHANNELS, items())
    check_run(store, run_id, RULES)
    return store, run_id


def rows_of(cells: list[dict]) -> dict[str, dict[str, tuple]]:
    rows: dict[str, dict[str, tuple]] = {}
    for cell in cells:
        shown = cell["value"] or f"{cell['price']} {cell['currency']} {cell['availability']}"
        rows.setdefault(cell["label"], {})[cell["channel"]] = (shown, cell["marked"])
    return rows


def test_the_check_stores_who_states_what_and_marks_what_differs(tmp_path: Path) -> None:
    store, run_id = checked(tmp_path)
    rows = rows_of(store.touchpoints(run_id))
    assert list(rows) == [
        "Click & collect",
        "Delivery time",
        "Returns",
        "Vaellusreppu 40 L",  # two findings
        "Makuupussi Talvi -15",
        "Retkikeitin Kompakti",
    ]
    assert rows["Click & collect"] == {
        "instagram": ("described", None),
        "webshop": ("missing", "missing_in_channel"),
        "website": ("described", None),
    }
    assert rows["Delivery time"] == {
        "webshop": ("1–3 days", "claim_conflict"),
        "website": ("2–5 days", "claim_conflict"),
    }
    assert rows["Returns"] == {"webshop": ("not offered", None)}
    # the odd one out is marked, not the channels that agree
    assert rows["Vaellusreppu 40 L"]["website"][1] == "price_mismatch"
    assert rows["Vaellusreppu 40 L"]["webshop"][1] is None
    assert rows["Vaellusreppu 40 L"]["instagram"][0] == "129.90 EUR None"
    # "89 €" and "89,00 €" agree: nothing marked
    assert {marked for _, marked in rows["Retkikeitin Kompakti"].values()} == {None}
    assert rows["Makuupussi Talvi -15"]["stores"] == (
        "1/2",
        "online_store_availability_conflict",
    )
    assert rows["Makuupussi Talvi -15"]["webshop"][1] == "online_store_availability_conflict"


def test_the_reports_show_the_matrix(tmp_path: Path) -> None:
    store, run_id = checked(tmp_path)
    report = build_report(store, run_id, locale="fi_FI")
    html = lxml.html.fromstring(str(render(report, "html")))
    grid = html.get_element_by_id("touchpoint-grid")
    header = [th.text_content() for th in grid.xpath(".//thead//th")]
    assert header == ["Tuote tai palvelu", "webshop", "website", "instagram", "feed", "stores"]
    row = grid.xpath(".//tr[th='Toimitusaika']")[0]
    cells = {td.get("data-channel"): td for td in row.xpath("./td")}
    assert cells["webshop"].text_content() == "1–3\xa0päivää"
    assert cells["webshop"].get("class") == "marked"
    assert cells["instagram"].text_content() == "–"
    bag = grid.xpath(".//tr[th='Vaellusreppu 40 L']")[0]
    bag_cells = {td.get("data-channel"): td for td in bag.xpath("./td")}
    assert bag_cells["webshop"].text_content() == "129,90\xa0€ saatavilla"
    assert bag_cells["website"].get("title") == "price_mismatch"
    bag = grid.xpath(".//tr[th='Makuupussi Talvi -15']")[0]
    stores = bag.xpath("./td[@data-channel='stores']")[0]
    assert (stores.text_content(), stores.get("class")) == ("1/2 myymälää", "marked")
    feed = bag.xpath("./td[@data-channel='feed']")[0]
    assert feed.get("class") is None  # it only reported the stock: the stores' cell differs

    sheet = csv.reader(io.StringIO(str(render(report, "touchpoints-csv"))))
    header, *lines = list(sheet)
    assert header[:8] == ["kind", "subject", "label", "findings", "webshop", "website",
                          "instagram", "feed"]  # fmt: skip
    delivery = next(line for line in lines if line[2] == "Delivery time")
    assert delivery[3:6] == ["1", "1–3 days", "2–5 days"]
    assert delivery[header.index("webshop marked")] == "claim_conflict"
    retki = next(line for line in lines if line[2] == "Retkikeitin Kompakti")
    assert retki[4:6] == ["89.00 EUR", "89.00 EUR"]  # "89" and "89.00" written alike

    path = tmp_path / "report.xlsx"
    path.write_bytes(render(report, "xlsx"))  # type: ignore[arg-type]
    touchpoints = load_workbook(path)["Touchpoints"]
    values = [[cell.value for cell in row] for row in touchpoints.iter_rows()]
    assert values[0][:4] == ["kind", "subject", "label", "findings"]
    assert values[2][:6] == ["service", "delivery_time", "Delivery time", 1, "1–3 days", "2–5 days"]


def test_a_run_checked_before_the_matrix_existed_shows_none(tmp_path: Path) -> None:
    store, run_id = stored_run(tmp_path / "run.db", CHANNELS, items())
    check_run(store, run_id, RULES)
    store.save_touchpoints(run_id, [])
    report = build_report(store, run_id)
    assert 'id="touchpoints"' not in str(render(report, "html"))
    assert render(report, "touchpoints-csv") == "kind,subject,label,findings\n"
