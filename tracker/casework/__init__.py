"""The caseworker workspace: triage, incidents, people and relatives, cases, dedup, messaging."""
