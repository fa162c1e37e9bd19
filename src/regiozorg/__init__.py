"""regiozorg: shared beds, night care and on-call rosters for Dutch regional care networks."""
