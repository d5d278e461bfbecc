"""Rule files: what they hold (``model``), the two formats read (``toml``, ``ftr``), and the ``catalog``."""

from cleaner.rules.catalog import (
    RULES_ENV,
    Catalog,
    catalog_dirs,
    load_catalog,
    load_ruleset,
    rule_files,
    shipped_rules_dir,
)
from cleaner.rules.ftr import load_site_config
from cleaner.rules.model import HtmlRule, Notice, Position, RuleSet, RuleTest, SimpleSelector, TextRule
from cleaner.rules.toml import Phrases, load_phrases, load_toml_ruleset

__all__ = [
    "RULES_ENV",
    "Catalog",
    "HtmlRule",
    "Notice",
    "Phrases",
    "Position",
    "RuleSet",
    "RuleTest",
    "SimpleSelector",
    "TextRule",
    "catalog_dirs",
    "load_catalog",
    "load_phrases",
    "load_ruleset",
    "load_site_config",
    "load_toml_ruleset",
    "rule_files",
    "shipped_rules_dir",
]
