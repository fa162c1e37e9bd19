"""Dutch labels for the codes the screens show; the English catalog translates them."""

from __future__ import annotations

LABELS = {
    # organisation kinds
    "vvt": "VVT (verpleeg- en verzorgingshuis, thuiszorg)",
    "disability_care": "Gehandicaptenzorg",
    "home_care": "Thuiszorg",
    "gp_practice": "Huisartsenpraktijk",
    "gp_post": "Huisartsenpost",
    "hospital": "Ziekenhuis",
    "municipality": "Gemeente of welzijn",
    # ward types
    "pg": "PG (psychogeriatrie)",
    "somatiek": "Somatiek",
    "grz": "GRZ (geriatrische revalidatie)",
    "elv": "ELV (eerstelijnsverblijf)",
    "kleinschalig_pg": "Kleinschalig wonen PG",
    "kleinschalig_somatiek": "Kleinschalig wonen somatiek",
    "gehandicaptenzorg": "Gehandicaptenzorg",
    # professions
    "so": "Specialist ouderengeneeskunde",
    "vs": "Verpleegkundig specialist",
    "pa": "Physician assistant",
    "basisarts": "Basisarts",
    "verpleegkundige": "Verpleegkundige",
    "verzorgende_ig": "Verzorgende IG",
    "begeleider": "Begeleider",
    "planner": "Planner",
    "coordinator": "Coördinator",
    # roles
    "network_admin": "Netwerkbeheerder",
    "org_admin": "Organisatiebeheerder",
    "night_carer": "Nachtzorgmedewerker",
    "physician": "Arts",
    "viewer": "Meekijker",
}


def label(code: object) -> str:
    text = str(code)
    return LABELS.get(text, text)
