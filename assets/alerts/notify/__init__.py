"""Who is told what, and when: the contacts, the notify rules, one notification per state change and recipient,
and the two ways it goes out (an immediate mail, or the daily digest)."""
