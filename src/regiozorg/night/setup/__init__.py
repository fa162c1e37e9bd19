"""Setting up the night service: locations and their norms, the night roster, alarm devices,
escalation steps, and each organisation's night care plans for its clients."""
