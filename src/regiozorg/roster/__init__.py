"""The rostering engine: domain-free shift rostering on OR-Tools CP-SAT."""
