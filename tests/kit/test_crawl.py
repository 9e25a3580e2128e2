"""The crawl's language checks find what a reader should not meet, and pass what is fine."""

from tests.kit.crawl import language_problems, parse_page


def problems(html: str, language: str) -> list[str]:
    return language_problems(parse_page(html, language).texts, language)


def test_english_in_a_japanese_page_is_found_unless_marked():
    # given Japanese pages with an English phrase, marked or not, and Latin literals
    unmarked = (
        "<p>- Select an option -</p><p>国家サイバー統括室 (national cybersecurity centre)</p>"
    )
    marked = '<p><span lang="en">One month is 30 days.</span> CSVとJSON、列 kind、da-portal</p>'

    # when they are checked
    found = problems(unmarked, "ja")

    # then the unmarked English is found, twice, and the rest passes
    assert len(found) == 2
    assert problems(marked, "ja") == []
    assert problems("<p>current</p>", "ja") == ["English 'current' in 'current'"]


def test_japanese_in_an_english_page_is_found_unless_marked():
    # given an English page with a Japanese name, marked and not, and one in a title attribute
    page = '<p>Owner: <span lang="ja">試験町</span></p><p>Owner: 試験町</p><a title="試験">x</a>'

    # when it is checked / then the unmarked name and the attribute are found
    assert [p.split(" in ")[0] for p in problems(page, "en")] == ["Japanese", "Japanese"]


def test_internal_keys_are_found_in_any_language_but_not_in_code():
    # given texts with a snake_case key, an enum member, a Python value and a list repr
    page = (
        "<p>ministry_system</p><p>SystemCategory.JOINT_SYSTEM</p><p>None</p>"
        "<p>['ipv4', True]</p><code>claim_note</code>"
    )

    # when they are checked
    found = problems(page, "en")

    # then each is found once (the list twice: a repr holding a Python value), code is not
    assert [p.split(" in ")[0].rsplit(" ", 1)[0] for p in found] == [
        "snake_case key",
        "enum member",
        "Python value",
        "Python value",
        "Python repr",
    ]
