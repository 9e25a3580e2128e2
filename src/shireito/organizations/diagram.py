"""The role-division diagram of a governance model, drawn by Graphviz as inline SVG.

The accessible equivalent is the relation table printed beside it (same source,
``relations.model_relations``); without Graphviz's ``dot`` the page shows the table alone.
"""

from __future__ import annotations

import functools
import re
import textwrap

import graphviz
from django.utils.translation import get_language, override

from shireito.organizations.governance import load_model, split_selector
from shireito.organizations.relations import RELATION_LABELS, model_relations, token_label

FONT = "Noto Sans CJK JP"
# Graphviz sizes in points and writes the SVG's width and height in points; shown at that size
# (as the page does, in a scrolling frame), 12 pt is 16 px: the body text's size.
LABEL_POINTS = "12"
# Labels wrap so that boxes and arrows stay narrow: words (English) or characters (Japanese).
WRAP_WORDS_AT = 18
WRAP_CHARACTERS_AT = 10
_NODE_STYLE = {
    "role": {"shape": "box", "style": "rounded,filled", "fillcolor": "#d9e6ff", "color": "#0017c1"},
    "kind": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f1fe", "color": "#00118f"},
    "level": {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#e8f1fe",
        "color": "#00118f",
    },
    "relative": {"shape": "box", "style": "rounded,dashed", "color": "#4d4d4d"},
    "standard": {"shape": "note", "style": "filled", "fillcolor": "#fbf5e0", "color": "#6e5600"},
    "category": {
        "shape": "component",
        "style": "filled",
        "fillcolor": "#e6f5ec",
        "color": "#197a4b",
    },
}


def _node_id(token: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", token)


def wrap_label(text: str) -> str:
    """``text`` in lines for Graphviz (``\\n`` between them): at spaces when it has any,
    else (Japanese) every ``WRAP_CHARACTERS_AT`` characters."""
    if " " in text:
        lines = textwrap.wrap(text, WRAP_WORDS_AT, break_long_words=False, break_on_hyphens=False)
    else:
        step = WRAP_CHARACTERS_AT
        lines = [text[i : i + step] for i in range(0, len(text), step)]
    return "\\n".join(line.replace("\\", "\\\\") for line in lines)


def dot_source(key: str, open_question: str | None) -> str:
    model = load_model(key)
    relations = model_relations(model, open_question)
    graph = graphviz.Digraph(
        name=key,
        graph_attr={
            "rankdir": "LR",
            "fontname": FONT,
            "bgcolor": "white",
            "nodesep": "0.25",
            "ranksep": "0.35",
        },
        node_attr={"fontname": FONT, "fontsize": LABEL_POINTS, "fontcolor": "#1a1a1a"},
        edge_attr={
            "fontname": FONT,
            "fontsize": LABEL_POINTS,
            "fontcolor": "#333333",
            "color": "#4d4d4d",
        },
    )
    tokens = dict.fromkeys(t for r in relations for t in (r.subject, r.object))
    for token in tokens:
        prefix, _value = split_selector(token)
        graph.node(
            _node_id(token),
            wrap_label(str(token_label(token, model))),
            **_NODE_STYLE.get(prefix, _NODE_STYLE["relative"]),
        )
    for relation in relations:
        alternative = "|alternative|" in relation.detail or relation.relation == "entrusts"
        graph.edge(
            _node_id(relation.subject),
            _node_id(relation.object),
            label=wrap_label(str(RELATION_LABELS[relation.relation])),
            style="dashed" if alternative else "solid",
        )
    return graph.source


@functools.lru_cache(maxsize=32)
def _render(key: str, open_question: str | None, language: str) -> str | None:
    with override(language):
        source = dot_source(key, open_question)
    try:
        svg = graphviz.Source(source).pipe(format="svg", encoding="utf-8")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return None
    svg = svg[svg.index("<svg") :]
    # The figure around it names the image; the shapes' own titles would only repeat the table.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="diagram" ', 1)


def render_svg(key: str, open_question: str | None = None) -> str | None:
    """The model's diagram as SVG markup in the active language, or None without Graphviz."""
    return _render(key, open_question, get_language() or "ja")
