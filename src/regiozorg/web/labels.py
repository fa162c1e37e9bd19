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
    # bed care types (coördinatiepunt bedden)
    "ELV_LOW": "ELV laag-complex",
    "ELV_HIGH": "ELV hoog-complex",
    "ELV_PALLIATIVE": "ELV palliatief",
    "WLZ_CRISIS_VV": "Wlz-crisis V&V",
    "WLZ_CRISIS_GZ": "Wlz-crisis GZ",
    "WLZ_RESPITE": "Wlz-respijt",
    "GRZ": "GRZ",
    # bed status (HL7 v2 table 0116)
    "U": "Niet-bezet",
    "O": "Bezet",
    "C": "Gesloten",
    "H": "Onderhoud",
    "I": "In isolatie",
    "K": "Besmet",
    # bed request and hold status
    "received": "Ontvangen",
    "triage": "Triage",
    "not_eligible": "Niet passend",
    "searching": "Zoekt bed",
    "on_hold": "Gepauzeerd",
    "offered": "Bed aangeboden",
    "accepted": "Geaccepteerd",
    "confirmed": "Bevestigd",
    "admitted": "Opgenomen",
    "cancelled": "Geannuleerd",
    "expired": "Verlopen",
    "held": "Gereserveerd",
    "completed": "Afgerond",
    "declined": "Afgewezen",
    # bed capabilities and referrers
    "oxygen": "Zuurstof",
    "isolation": "Isolatie",
    "bariatric": "Bariatrisch",
    "hoist": "Tillift",
    "tube_feeding": "Sondevoeding",
    "dialysis": "Dialyse",
    "gp": "Huisarts",
}


def label(code: object) -> str:
    text = str(code)
    return LABELS.get(text, text)
