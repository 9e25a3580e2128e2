"""The mandate engine's rules and the governance models' names in the reader's language."""

from django import template

from shireito.organizations import rules
from shireito.organizations.governance import GovernanceModel, GovernanceModelError, load_model

register = template.Library()


@register.filter
def rule_label(rule: object) -> str:
    """``{{ decision.rule|rule_label }}``: a rule as people read it."""
    return rules.rule_label(rule)


@register.filter
def model_title(model: GovernanceModel | str) -> str:
    """``{{ model|model_title }}`` or ``{{ key|model_title }}``: a model's title, never its key."""
    if not isinstance(model, str):
        return rules.model_title(model)
    try:
        return rules.model_title(load_model(model))
    except GovernanceModelError:
        return model
