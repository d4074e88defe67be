"""The framework's words in templates, where a count decides the word: `{{ words|section_count:3 }}`
gives "3 domains". The words themselves come in the context (`FrameworkVersion.words`)."""

from django import template

from fidelity.frameworks.words import FrameworkWords

register = template.Library()


@register.filter
def section_count(words: FrameworkWords, number: int) -> str:
    return words.count(number)
