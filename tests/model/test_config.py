"""The project configuration model (cjm.model.config): its defaults, what it
refuses, rule settings with their free-form options, and the render, site and
analytics sections.

Which formats, themes, lanes and rules exist is checked above this layer
(tests/pipeline/test_choices.py); reading cjm.yaml is tests/pipeline/test_project.py."""

from __future__ import annotations

import pickle

import pytest
from pydantic import ValidationError

from cjm.model.analytics import AnalyticsConfig
from cjm.model.config import BacklogWeights, ProjectConfig, RenderConfig, RuleSetting, SiteConfig


def refused(cls, data) -> list[dict]:
    with pytest.raises(ValidationError) as err:
        cls.model_validate(data)
    return err.value.errors()


def test_an_empty_config_is_all_defaults():
    config = ProjectConfig.model_validate({})
    assert config.cjm == 1
    assert config.maps == ["**/*.yaml", "**/*.yml"]
    assert config.catalogs == config.exclude == []
    assert config.rules == {}
    assert config.fail_level == "error"
    assert config.analytics is None
    render = config.render
    assert (render.out, render.formats, render.theme, render.template_dir, render.lanes) == (
        "build/cjm", ["svg", "md", "html"], "light", None, None)
    site = config.site
    assert (site.out, site.title, site.metrics) == ("build/site", None, "metrics")
    assert (site.weights.customer_value, site.weights.business_value, site.weights.effort) == (2, 1, 1)


def test_the_unvalidated_defaults_equal_the_validated_ones():
    # default_project() uses model_construct (no file, nothing to validate): it must mean the same.
    built = ProjectConfig.model_construct()
    assert built.model_dump() == ProjectConfig.model_validate({}).model_dump()


def test_defaults_are_not_shared_between_configs():
    first, second = ProjectConfig.model_validate({}), ProjectConfig()
    first.maps.append("more/*.yaml")
    first.render.formats.append("png")
    first.site.weights.effort = 50
    first.rules["x"] = "off"
    assert second.maps == ["**/*.yaml", "**/*.yml"]
    assert second.render.formats == ["svg", "md", "html"]
    assert second.site.weights.effort == 1 and second.rules == {}
    assert ProjectConfig.model_construct().render.formats == ["svg", "md", "html"]


def test_a_config_in_full():
    config = ProjectConfig.model_validate({
        "cjm": 1, "maps": ["maps/*.yaml"], "catalogs": ["shared/*.yaml"], "exclude": ["maps/draft-*.yaml"],
        "rules": {"missing-goal": "off", "CJM330": "error",
                  "stale-review": {"level": "warning", "max_age_days": 90}, "unsupported-claim": {"max_age_days": 30}},
        "fail_level": "warning",
        "render": {"out": "out", "formats": ["all"], "theme": "dark", "template_dir": "tpl", "lanes": ["emotion"]},
        "site": {"out": "public", "title": "Journeys", "metrics": "snapshots",
                 "weights": {"customer_value": 0, "business_value": 100, "effort": 2.5}},
        "analytics": {"source": {"path": "events/*.parquet"}, "funnel": {"window": "1d"}},
    })
    assert config.maps == ["maps/*.yaml"] and config.fail_level == "warning"
    assert config.rules["missing-goal"] == "off" and config.rules["CJM330"] == "error"
    stale = config.rules["stale-review"]
    assert isinstance(stale, RuleSetting) and stale.level == "warning" and stale.model_extra == {"max_age_days": 90}
    assert config.rules["unsupported-claim"].level is None  # options only: the rule keeps its level
    assert config.render.lanes == ["emotion"] and config.render.template_dir == "tpl"
    assert config.site.weights.business_value == 100 and config.site.weights.effort == 2.5
    assert isinstance(config.analytics, AnalyticsConfig) and config.analytics.funnel.window == 86400


@pytest.mark.parametrize("level", ["error", "warning", "info", "off"])
def test_rule_levels(level):
    assert ProjectConfig.model_validate({"rules": {"missing-goal": level}}).rules["missing-goal"] == level
    assert ProjectConfig.model_validate({"rules": {"missing-goal": {"level": level}}}).rules["missing-goal"].level == level


@pytest.mark.parametrize("setting", ["warn", "ERROR", 1, True, None, ["error"], {"level": "fatal"}])
def test_a_rule_level_that_is_no_level(setting):
    refused(ProjectConfig, {"rules": {"missing-goal": setting}})


def test_rule_options_are_free_here_and_checked_by_the_registry():
    # The model keeps any option; cjm.pipeline.choices knows which ones each rule takes.
    setting = RuleSetting.model_validate({"max_age_days": "soon", "whatever": [1]})
    assert setting.level is None and setting.model_extra == {"max_age_days": "soon", "whatever": [1]}


@pytest.mark.parametrize("level", ["off", "fatal", "errors"])
def test_fail_level_is_a_severity(level):
    refused(ProjectConfig, {"fail_level": level})


@pytest.mark.parametrize("version", [2, True, 1.0, "1"])
def test_the_format_version(version):
    refused(ProjectConfig, {"cjm": version})


@pytest.mark.parametrize("cls, data", [
    (ProjectConfig, {"map": ["*.yaml"]}),
    (ProjectConfig, {"render": {"format": ["svg"]}}),
    (ProjectConfig, {"site": {"tittle": "x"}}),
    (ProjectConfig, {"site": {"weights": {"value": 1}}}),
    (ProjectConfig, {"analytics": {"sources": {}}}),
    (RenderConfig, {"themes": "dark"}),
    (SiteConfig, {"output": "x"}),
    (BacklogWeights, {"cost": 1}),
])
def test_unknown_keys_are_refused(cls, data):
    errors = refused(cls, data)
    assert {e["type"] for e in errors} == {"extra_forbidden"}


@pytest.mark.parametrize("weight", [-1, 100.5, "high", None])
def test_backlog_weights_run_from_0_to_100(weight):
    refused(BacklogWeights, {"effort": weight})
    assert BacklogWeights.model_validate({"effort": 0, "customer_value": 100}).effort == 0


@pytest.mark.parametrize("title", ["", "x" * 201])
def test_a_site_title_is_1_to_200_characters(title):
    refused(SiteConfig, {"title": title})
    assert SiteConfig.model_validate({"title": "x" * 200}).title == "x" * 200


@pytest.mark.parametrize("data", [{"maps": "*.yaml"}, {"exclude": [1]}, {"render": {"formats": "svg"}},
                                  {"render": {"lanes": "emotion"}}, {"rules": ["missing-goal"]}])
def test_lists_and_mappings_are_what_they_say(data):
    refused(ProjectConfig, data)


def test_an_analytics_section_is_checked_with_the_config():
    errors = refused(ProjectConfig, {"analytics": {"funnel": {"window": "soon"}}})
    assert errors[0]["loc"][:3] == ("analytics", "funnel", "window")


def test_the_config_validator_can_be_pickled():
    # cjm.infra.validators keeps built validators on disk between runs.
    ProjectConfig.model_rebuild()
    validator = pickle.loads(pickle.dumps(ProjectConfig.__pydantic_validator__))
    config = validator.validate_python({"site": {"title": "T"}})
    assert config.site.title == "T" and config.maps == ["**/*.yaml", "**/*.yml"]
