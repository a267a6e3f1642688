"""The small builders the research notes and the rate-map chapter use (moved out of the
notebooks): seed lists, the strongest order, grid-share ranges, a row's change, table rows."""

from gridcells.book import report
from gridcells.records import experiments as rc


def test_seed_list_and_strongest_order():
    rows = [{"seed": 7, "hex_order": 0.1, "square_order": 0.4, "stripe_order": None},
            {"overrides": {"seed": 2}, "hex_order": 0.3, "square_order": 0.2,
             "stripe_order": 0.05}]
    assert rc.seed_list(rows) == "2 and 7"
    assert rc.strongest_order(rows) == 0.4


def test_grid_share_span_and_change():
    rows = [{"frac_above_03": 0.5, "curve": [{"step": 3000, "frac_above_03": 0.2}]},
            {"frac_above_03": 0.73, "curve": [{"step": 3000, "frac_above_03": 0.4}]}]
    assert rc.grid_share_span(rows) == "50-73 %"
    assert rc.grid_share_span(rows, 3000) == "20-40 %"
    assert rc.change_of({"overrides": {"seed": 3, "weight_decay": 6}}) == "weight_decay=6"
    assert rc.change_of({"overrides": {"seed": 3}}) == "(recipe as is)"


def test_formatted_and_interval_rows():
    cols = {"err_cm": ("error (cm)", "{:.1f}"), "share": ("share", "{:.2f}")}
    assert report.formatted_row("a", {"err_cm": 5.04, "share": 0.456}, cols) == \
        {"network": "a", "error (cm)": "5.0", "share": "0.46"}
    summ = {"err_cm": {"mean": 5.0, "lo": 4.5, "hi": 5.5},
            "share": {"mean": 0.4, "lo": 0.3, "hi": 0.5}}
    assert report.interval_row("mean", summ, cols) == \
        {"network": "mean", "error (cm)": "5.0 [4.5, 5.5]", "share": "0.40 [0.30, 0.50]"}


def test_network_labels_name_what_a_reader_knows():
    assert rc.network_label("pretrained:ensemble/seed10") == "ensemble seed10"
    assert rc.network_label("pretrained:default") == "shipped CPU model"
    assert rc.network_label("pretrained:paper") == "shipped paper-size model"
    assert rc.network_label("pretrained:other") == "shipped other"
    assert rc.network_label("runs/predict_hex/target_shift=3_seed200/") == \
        "target_shift=3_seed200"
