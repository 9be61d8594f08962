"""vCard 3.0 of interlocutors, with vobject."""

import vobject


def build_vcard(contacts):
    """Serialize contacts to vCard text (several cards concatenated).

    ``contacts`` are mappings with ``name`` and optionally ``organization``,
    ``role``, ``email``, ``phone``, ``mobile`` and ``note``.
    """
    cards = []
    for contact in contacts:
        card = vobject.vCard()
        name = contact["name"] or ""
        card.add("fn").value = name
        parts = name.rsplit(" ", 1)
        family, given = (parts[1], parts[0]) if len(parts) == 2 else (name, "")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if contact.get("organization"):
            card.add("org").value = [contact["organization"]]
        if contact.get("role"):
            card.add("title").value = contact["role"]
        if contact.get("email"):
            email = card.add("email")
            email.value = contact["email"]
            email.type_param = "INTERNET"
        for key, kind in (("phone", "WORK"), ("mobile", "CELL")):
            if contact.get(key):
                tel = card.add("tel")
                tel.value = contact[key]
                tel.type_param = kind
        if contact.get("note"):
            card.add("note").value = contact["note"]
        cards.append(card.serialize())
    return "".join(cards)
