"""The renderers' table (docs/architecture.md "Results are data"): the results' convenience
methods reach the reports layer by name, through a table the package's top installs."""

from __future__ import annotations

import importlib

import pytest

import chiso766
from chiso766 import renderers
from chiso766.errors import Chiso766Error


def test_every_installed_renderer_resolves_to_a_function() -> None:
    """Importing the package installs the table; each reference imports and names a function
    (the static check of tests/test_architecture.py reads the same table without importing)."""
    assert chiso766.renderers is renderers
    table = dict(renderers._TABLE)
    assert "scorecard.to_dict" in table and "unit.explain" in table
    for name, reference in table.items():
        module, _, function = reference.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), name


def test_a_name_not_installed_is_refused_with_the_name() -> None:
    with pytest.raises(Chiso766Error, match="no renderer of this name") as info:
        renderers.call("scorecard.to_yaml", object())
    assert "scorecard.to_yaml" in str(info.value)


@pytest.mark.parametrize("reference", ["chiso766.explain", ":explain_code", "chiso766.explain:",
                                       ""])
def test_a_reference_that_is_not_module_colon_function_is_refused(reference: str) -> None:
    before = dict(renderers._TABLE)
    with pytest.raises(Chiso766Error, match=r"package\.module:function") as info:
        renderers.install({"unit.to_yaml": "chiso766.reports.json_report:unit_to_dict",
                           "unit.explain": reference})
    assert repr(reference) in str(info.value)
    assert before == renderers._TABLE  # nothing written, not even the good entry


def test_the_methods_call_the_installed_functions() -> None:
    """``card.to_dict()`` is the JSON report's ``scorecard_to_dict(card)``, ``unit.explain``
    the explanation's ``explain_code``: the same values."""
    from chiso766.explain import explain_code, next_band_steps
    from chiso766.reports.json_report import scorecard_to_dict, unit_to_dict
    from chiso766.reports.notebook import scorecard_html

    card = chiso766.score_counts({"DOSSIER_ON_TIME": (5, 8), "DOSSIER_SYNC": (4, 5)})
    unit = card.root
    assert card.to_dict(lang="en", include_ids=True) == scorecard_to_dict(
        card, lang="en", include_ids=True)
    assert unit.to_dict(lang="en") == unit_to_dict(unit, lang="en")
    assert unit.explain("DOSSIER_ON_TIME", "en") == explain_code(unit, "DOSSIER_ON_TIME", "en")
    assert card.to_next_band() == next_band_steps(unit)
    assert card._repr_html_() == scorecard_html(card)
