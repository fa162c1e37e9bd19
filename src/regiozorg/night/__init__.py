"""The shared night-care console (organisatie-overstijgende nachtzorg)."""
