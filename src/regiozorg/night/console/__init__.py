"""The console: the desk's queue, an incident and its steps from acknowledgement to the
logbook entry, the mobile carer's view, and the escalation of incidents left waiting."""
