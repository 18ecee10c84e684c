"""Referral dossiers (issue 15 item 4): a case file as PDF for the UN Working Group on Enforced or
Involuntary Disappearances, a UN urgent appeal, or the host country's police.

``consent`` records who agreed to which referral; ``content`` and ``gather`` assemble and redact
what the dossier shows; ``render`` and ``pdf`` typeset it with local fonts and no fetching;
``make`` ties them together with the intervention and the audit log.
"""
