"""Call filtering: which of a client's rules applies to a caller.

Pure functions over plain values so the console, the telephony webhook and
tests share one decision. Rules are mappings with the keys ``id``,
``sequence``, ``match`` ("number", "partner" or "category"), ``number``,
``partner_id``, ``category`` and ``action``.
"""

# The most specific match wins: a known number before a known person before a
# category the operator picked; among equals, the lowest sequence.
MATCH_PRIORITY = {"number": 0, "partner": 1, "category": 2}


def rule_matches(rule, caller_number=None, partner_ids=(), category=None):
    match = rule["match"]
    if match == "number":
        return bool(caller_number) and rule.get("number") == caller_number
    if match == "partner":
        return bool(rule.get("partner_id")) and rule["partner_id"] in partner_ids
    if match == "category":
        return bool(category) and rule.get("category") == category
    return False


def select_rule(rules, caller_number=None, partner_ids=(), category=None):
    """Return the rule that applies, or ``None``."""
    matching = [
        rule
        for rule in rules
        if rule_matches(rule, caller_number, partner_ids, category)
    ]
    if not matching:
        return None
    return min(
        matching,
        key=lambda r: (MATCH_PRIORITY[r["match"]], r.get("sequence", 10), r["id"]),
    )
