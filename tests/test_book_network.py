"""The book's network: screening in a fixed order, the chosen seed or the shipped fallback,
and the sentences that say which, true of both outcomes."""

import json

import pytest

import gridcells as gc
from gridcells.analysis.evaluation import criteria_sentence
from gridcells.book import network as bn
from gridcells.sweep.plan import ScreenRule
from gridcells.world.params import ConfigError


def _screen(seed, verdict, meets=None, finished=False):
    return {"seed": seed, "name": f"seed{seed}", "hex_order": 0.4 if verdict == "continue"
            else 0.1, "square_order": 0.2, "stripe_order": 0.1, "frac_above_03": 0.5,
            "err_cm": 80.0, "verdict": verdict, "status": "finished" if finished else "stopped",
            "err_cm_final": 5.0 if finished else None,
            "frac_above_03_final": 0.45 if finished else None,
            "best64_mean": 1.1 if finished else None, "meets": meets, "wall_s": 1.0,
            "hardware": "test"}


def test_screens_for_risk_and_build_time():
    # (1 - 0.18)^24 = 0.0086 < 0.01 < 0.82^23 = 0.0105
    assert bn.screens_for_risk(0.18) == 24
    assert bn.screens_for_risk(0.5, 0.01) == 7  # 0.5^7 = 0.0078, 0.5^6 = 0.0156
    assert bn.screens_for_risk(1.0) == 1
    with pytest.raises(ValueError):
        bn.screens_for_risk(0.0)
    t = bn.build_time(0.5, 4, 100.0, 10.0, 2, 1.0)
    # batches of 2: P(no success in the first batch) = 0.25, so 1 + 0.25 batches expected
    assert t["expected_batches"] == pytest.approx(1.25)
    assert t["worst_s"] == pytest.approx(2 * 100 + 10 + 1)
    assert t["expected_s"] == pytest.approx(125 + 11)


def test_success_odds():
    screens = [{"passes": i < 3} for i in range(12)]
    finished = [{"meets": i < 2} for i in range(3)]
    o = bn.success_odds(screens, finished)
    assert o["p"] == pytest.approx(3 / 12 * 2 / 3)
    assert o["p_lo"] < o["p"] < o["p_hi"]


def test_describe_chosen_fallback_and_unscreened():
    chosen = bn.Selection([_screen(3, "stop"), _screen(7, "continue", True, True)], chosen=7,
                          rule="r", screen_max=5, screen_step=3000)
    text = bn.describe(chosen)
    assert "seed 7" in text and "number 2 of 2 seeds" in text and "No screened" not in text
    assert bn.notice(chosen) == ""
    first = bn.Selection([_screen(7, "continue", True, True)], chosen=7, screen_step=3000)
    assert "the first of 1 seed screened" in bn.describe(first)
    none = bn.Selection([_screen(3, "stop"), _screen(5, "stop")], fallback="ensemble/seed0",
                        screen_max=2, screen_step=3000)
    text = bn.describe(none)
    assert "No screened seed succeeded" in text and "none leaned hexagonal" in text
    assert "`ensemble/seed0`" in text and "warning" in bn.notice(none)
    failed = bn.Selection([_screen(3, "continue", False, True)], fallback="ensemble/seed0",
                          screen_max=1, screen_step=3000)
    assert "1 leaned hexagonal at step 3000 but none of them met" in bn.describe(failed)
    assert "not screened" in bn.describe(None, seed=4) and "seed 4" in bn.describe(None, 4)


def test_screens_table_marks_only_the_chosen():
    sel = bn.Selection([_screen(3, "stop"), _screen(7, "continue", True, True)], chosen=7)
    rows = bn.screens_table(sel)
    assert [r["the book's"] for r in rows] == ["no", "yes"]
    # _screen's stopped seed: hexagonal 0.1, square 0.2, stripe 0.1
    assert rows[0]["verdict"] == "does not lean hexagonal (strongest: square); stopped"
    assert rows[0]["error (cm)"] == "-"
    assert rows[1]["verdict"] == "leans hexagonal" and rows[1]["meets"] == "yes"
    assert bn.screens_table(None) == []


def test_criteria_sentence_both_outcomes():
    good = {"err_cm": 5.0, "frac_above_03": 0.45, "best64_mean": 1.1, "map_corr": 0.2}
    assert criteria_sentence(good) == "It meets all four criteria of the CPU recipe."
    bad = {**good, "frac_above_03": 0.29, "best64_mean": 0.8}
    text = criteria_sentence(bad)
    assert "does not meet" in text and "share above 0.3 and best-64" in text
    assert "no" != text  # the old wording was a bare "no"


def test_bad_selection_file_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="no selection"):
        bn.Selection.load(tmp_path)
    (tmp_path / bn.SELECTION).write_text("{broken")
    with pytest.raises(ConfigError, match="unreadable selection"):
        bn.Selection.load(tmp_path)


def test_resolve_unscreened_is_unchanged():
    cfg = gc.load_config("params/smoke.yaml")
    assert bn.resolve(cfg, "runs/x") == (cfg, "runs/x", None)


@pytest.mark.slow
def test_select_both_outcomes(tmp_path):
    """Smoke-sized screens: with a rule nothing passes, the fallback is installed and
    analysed; with a rule everything passes and a recipe the tiny runs cannot meet, the
    screens go on to the budget; the first seed is chosen when it meets."""
    cfg = gc.load_config("params/smoke.yaml", screen_seeds="5,3,9", screen_max=2,
                         screen_step=10)
    never = ScreenRule(10, min_hex=2.0)
    sel = bn.select_book_network(cfg, tmp_path / "a", workers=2, progress=False, rule=never)
    assert sel.chosen is None and sel.fallback == "ensemble/seed0"
    assert [r["seed"] for r in sel.screens] == [5, 3]  # the order given, cut at screen_max
    rcfg, rdir, rsel = bn.resolve(cfg, tmp_path / "a")
    assert rdir.endswith("fallback") and rcfg.pretrained == "ensemble/seed0"
    assert rcfg.Ng == 512 and rcfg.n_batches == cfg.n_batches  # trained fields, own analysis
    saved = json.loads((tmp_path / "a" / bn.SELECTION).read_text())
    assert saved["chosen"] is None
    always = ScreenRule(10, min_hex=-1.0, min_margin=-1.0)
    sel = bn.select_book_network(cfg, tmp_path / "b", workers=1, progress=False, rule=always)
    # smoke runs decode at ~90 cm: they pass the screen, are finished, and miss the recipe
    assert sel.chosen is None and all(r["status"] == "finished" for r in sel.screens)
    assert "2 leaned hexagonal" in bn.describe(sel)


def test_network_name_says_which():
    assert bn.network_name(None) == "the network this build trained"
    assert "seed 7" in bn.network_name(bn.Selection([_screen(7, "continue", True, True)],
                                                    chosen=7))
    text = bn.network_name(bn.Selection([_screen(3, "stop")], fallback="ensemble/seed0"))
    assert "shipped network ensemble/seed0" in text and "trained" not in text.split("(")[0]


def test_a_chapter_opened_alone_makes_its_network(tmp_path):
    """prepare(only_if_missing=True), which every chapter calls first: a missing run is
    trained (a chapter opened from Colab or Binder), an existing one or an existing selection
    is left alone (the book made it already); a shipped model needs nothing."""
    cfg = gc.load_config("params/smoke.yaml")
    bn.prepare(cfg, tmp_path / "new", progress=False, only_if_missing=True)
    assert (tmp_path / "new" / "checkpoints").is_dir()
    (tmp_path / "made").mkdir()
    bn.prepare(cfg, tmp_path / "made", progress=False, only_if_missing=True)
    assert list((tmp_path / "made").iterdir()) == []
    screened = cfg.replace(screen_seeds="5,3", screen_max=2, screen_step=10)
    (tmp_path / "sel").mkdir()
    bn.Selection([_screen(5, "stop")], fallback="ensemble/seed0").save(tmp_path / "sel")
    bn.prepare(screened, tmp_path / "sel", progress=False, only_if_missing=True)
    assert sorted(p.name for p in (tmp_path / "sel").iterdir()) == [bn.SELECTION]
    bn.prepare(cfg.replace(pretrained="ensemble/seed0"), tmp_path / "shipped",
               progress=False)
    assert not (tmp_path / "shipped").exists()
