"""Whose alarm or call it was: searching the night service's clients, linking one to an
incident of an unknown sender, naming a caller by client number."""
