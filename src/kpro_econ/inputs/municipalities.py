"""The 98 Danish municipalities (kommuner) with their official codes and regions, and name lookup.

Names are written as Statistics Denmark writes them in FOLK1A ("København", "Nordfyns",
"Vesthimmerlands"). Christiansø (411) has a code but is not a municipality, so it is not here.
"""

from __future__ import annotations

import re
from typing import Final

HOVEDSTADEN: Final = "Region Hovedstaden"
SJAELLAND: Final = "Region Sjælland"
SYDDANMARK: Final = "Region Syddanmark"
MIDTJYLLAND: Final = "Region Midtjylland"
NORDJYLLAND: Final = "Region Nordjylland"

REGIONS: Final = (HOVEDSTADEN, SJAELLAND, SYDDANMARK, MIDTJYLLAND, NORDJYLLAND)

MUNICIPALITIES: Final[tuple[tuple[int, str, str], ...]] = (
    (101, "København", HOVEDSTADEN),
    (147, "Frederiksberg", HOVEDSTADEN),
    (151, "Ballerup", HOVEDSTADEN),
    (153, "Brøndby", HOVEDSTADEN),
    (155, "Dragør", HOVEDSTADEN),
    (157, "Gentofte", HOVEDSTADEN),
    (159, "Gladsaxe", HOVEDSTADEN),
    (161, "Glostrup", HOVEDSTADEN),
    (163, "Herlev", HOVEDSTADEN),
    (165, "Albertslund", HOVEDSTADEN),
    (167, "Hvidovre", HOVEDSTADEN),
    (169, "Høje-Taastrup", HOVEDSTADEN),
    (173, "Lyngby-Taarbæk", HOVEDSTADEN),
    (175, "Rødovre", HOVEDSTADEN),
    (183, "Ishøj", HOVEDSTADEN),
    (185, "Tårnby", HOVEDSTADEN),
    (187, "Vallensbæk", HOVEDSTADEN),
    (190, "Furesø", HOVEDSTADEN),
    (201, "Allerød", HOVEDSTADEN),
    (210, "Fredensborg", HOVEDSTADEN),
    (217, "Helsingør", HOVEDSTADEN),
    (219, "Hillerød", HOVEDSTADEN),
    (223, "Hørsholm", HOVEDSTADEN),
    (230, "Rudersdal", HOVEDSTADEN),
    (240, "Egedal", HOVEDSTADEN),
    (250, "Frederikssund", HOVEDSTADEN),
    (260, "Gribskov", HOVEDSTADEN),
    (270, "Halsnæs", HOVEDSTADEN),
    (400, "Bornholm", HOVEDSTADEN),
    (253, "Greve", SJAELLAND),
    (259, "Køge", SJAELLAND),
    (265, "Roskilde", SJAELLAND),
    (269, "Solrød", SJAELLAND),
    (306, "Odsherred", SJAELLAND),
    (316, "Holbæk", SJAELLAND),
    (320, "Faxe", SJAELLAND),
    (326, "Kalundborg", SJAELLAND),
    (329, "Ringsted", SJAELLAND),
    (330, "Slagelse", SJAELLAND),
    (336, "Stevns", SJAELLAND),
    (340, "Sorø", SJAELLAND),
    (350, "Lejre", SJAELLAND),
    (360, "Lolland", SJAELLAND),
    (370, "Næstved", SJAELLAND),
    (376, "Guldborgsund", SJAELLAND),
    (390, "Vordingborg", SJAELLAND),
    (410, "Middelfart", SYDDANMARK),
    (420, "Assens", SYDDANMARK),
    (430, "Faaborg-Midtfyn", SYDDANMARK),
    (440, "Kerteminde", SYDDANMARK),
    (450, "Nyborg", SYDDANMARK),
    (461, "Odense", SYDDANMARK),
    (479, "Svendborg", SYDDANMARK),
    (480, "Nordfyns", SYDDANMARK),
    (482, "Langeland", SYDDANMARK),
    (492, "Ærø", SYDDANMARK),
    (510, "Haderslev", SYDDANMARK),
    (530, "Billund", SYDDANMARK),
    (540, "Sønderborg", SYDDANMARK),
    (550, "Tønder", SYDDANMARK),
    (561, "Esbjerg", SYDDANMARK),
    (563, "Fanø", SYDDANMARK),
    (573, "Varde", SYDDANMARK),
    (575, "Vejen", SYDDANMARK),
    (580, "Aabenraa", SYDDANMARK),
    (607, "Fredericia", SYDDANMARK),
    (621, "Kolding", SYDDANMARK),
    (630, "Vejle", SYDDANMARK),
    (615, "Horsens", MIDTJYLLAND),
    (657, "Herning", MIDTJYLLAND),
    (661, "Holstebro", MIDTJYLLAND),
    (665, "Lemvig", MIDTJYLLAND),
    (671, "Struer", MIDTJYLLAND),
    (706, "Syddjurs", MIDTJYLLAND),
    (707, "Norddjurs", MIDTJYLLAND),
    (710, "Favrskov", MIDTJYLLAND),
    (727, "Odder", MIDTJYLLAND),
    (730, "Randers", MIDTJYLLAND),
    (740, "Silkeborg", MIDTJYLLAND),
    (741, "Samsø", MIDTJYLLAND),
    (746, "Skanderborg", MIDTJYLLAND),
    (751, "Aarhus", MIDTJYLLAND),
    (756, "Ikast-Brande", MIDTJYLLAND),
    (760, "Ringkøbing-Skjern", MIDTJYLLAND),
    (766, "Hedensted", MIDTJYLLAND),
    (779, "Skive", MIDTJYLLAND),
    (791, "Viborg", MIDTJYLLAND),
    (773, "Morsø", NORDJYLLAND),
    (787, "Thisted", NORDJYLLAND),
    (810, "Brønderslev", NORDJYLLAND),
    (813, "Frederikshavn", NORDJYLLAND),
    (820, "Vesthimmerlands", NORDJYLLAND),
    (825, "Læsø", NORDJYLLAND),
    (840, "Rebild", NORDJYLLAND),
    (846, "Mariagerfjord", NORDJYLLAND),
    (849, "Jammerbugt", NORDJYLLAND),
    (851, "Aalborg", NORDJYLLAND),
    (860, "Hjørring", NORDJYLLAND),
)

BY_CODE: Final = {code: (name, region) for code, name, region in MUNICIPALITIES}

# Other spellings seen in registers and older exports, on top of the aa/å and dash/space variants.
_ALIASES: Final = {
    "københavns": 101,
    "brønderslev dronninglund": 810,
    "nordfyn": 480,
    "vesthimmerland": 820,
}


def _key(name: str) -> str:
    """Lower case, no "kommune", aa written å, dashes as spaces: "Århus" and "Aarhus" meet."""
    text = name.strip().lower().replace("aa", "å").replace("-", " ")
    text = re.sub(r"\s+", " ", text)
    return text.removesuffix(" kommune").strip()


_BY_KEY: Final = {_key(name): code for code, name, _ in MUNICIPALITIES} | {
    _key(alias): code for alias, code in _ALIASES.items()
}


def code_for_name(name: str) -> int | None:
    """The code of the municipality a name refers to, or None if it names none."""
    return _BY_KEY.get(_key(name))


def region_for(text: str) -> str | None:
    """The canonical region name ("Region Nordjylland") for "Nordjylland", "region nordjylland", …"""
    wanted = text.strip().lower().removeprefix("region").strip()
    return next((r for r in REGIONS if r.lower().removeprefix("region ") == wanted), None)


def not_a_municipality_code(code: float) -> str:
    """The message for a code that is no municipality's (the same in every register)."""
    return "ikke en dansk kommunekode" + (" (Christiansø er ikke en kommune)" if code == 411 else "")
