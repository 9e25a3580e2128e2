"""TLP marking definitions in STIX 2.1: TLP 1.0's four (the STIX 2.1 specification's fixed ids)
and TLP 2.0's five (the OASIS TLP 2.0 extension's fixed ids), mapped to our one internal level
(``sharing.choices.Tlp``). TLP 1.0 WHITE reads as CLEAR.

An object's level is the most restrictive TLP marking among its ``object_marking_refs``; an
object with none is treated by the caller (a collection may require one).
"""

from __future__ import annotations

from shireito.sharing.choices import TLP_RANK, Tlp

TLP1_IDS: dict[str, str] = {
    Tlp.CLEAR: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # TLP:WHITE
    Tlp.GREEN: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    Tlp.AMBER: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    Tlp.RED: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
TLP2_IDS: dict[str, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

LEVEL_OF_MARKING: dict[str, str] = {
    **{marking: level for level, marking in TLP1_IDS.items()},
    **{marking: level for level, marking in TLP2_IDS.items()},
}


def level_of(marking_refs) -> str | None:
    """The most restrictive internal TLP level among ``marking_refs`` (None if none is TLP)."""
    levels = [LEVEL_OF_MARKING[ref] for ref in marking_refs or () if ref in LEVEL_OF_MARKING]
    return max(levels, key=TLP_RANK.__getitem__) if levels else None
