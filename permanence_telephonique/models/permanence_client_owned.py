from odoo import api, models, tools
from odoo.exceptions import ValidationError


class PermanenceClientOwned(models.AbstractModel):
    """A record that belongs to one client account (``client_id``).

    Its links to other client-owned records carry ``check_client=True``
    (like ``check_company=True``): on create and on write, every record they
    point at must belong to the same client account, or to none. A record of
    client A pointing at client B's protocol, question or call would
    otherwise show or send B's data to A's people.
    """

    _name = "permanence.client.owned"
    _description = "Record owned by one client account"

    def _valid_field_parameter(self, field, name):
        return name == "check_client" or super()._valid_field_parameter(field, name)

    @api.model
    @tools.ormcache()
    def _permanence_thread_models(self):
        """Chatter models holding a client account's data: the accounts and
        every mail.thread with a ``client_id``."""
        return tuple(
            sorted(
                name
                for name, model in self.env.items()
                if not model._abstract
                and "message_ids" in model._fields
                and (
                    name == "permanence.client"
                    or getattr(model._fields.get("client_id"), "comodel_name", None)
                    == "permanence.client"
                )
            )
        )

    @api.model
    def _client_link_fields(self):
        return [
            name
            for name, field in self._fields.items()
            # a related field follows its source, checked where it is set
            if getattr(field, "check_client", False) and not field.related
        ]

    def _client_link_triggers(self):
        # The links themselves, and what decides the record's own client
        # (``client_id``, or the first field of a related ``client_id``).
        owner = self._fields.get("client_id")
        triggers = set(self._client_link_fields())
        if owner is not None:
            related = getattr(owner, "related", None)
            triggers.add(related.split(".")[0] if related else "client_id")
        return list(triggers)

    @api.constrains(lambda self: self._client_link_triggers())
    def _check_client_links(self):
        link_fields = self._client_link_fields()
        for record in self.sudo():
            client = record.client_id
            for fname in link_fields:
                targets = record[fname]
                if "client_id" not in targets._fields:
                    continue
                foreign = targets.filtered(
                    lambda t, client=client: t.client_id and t.client_id != client
                )
                if foreign:
                    # Name neither the foreign record nor its client: the
                    # user may not be allowed to see them.
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(record)s must belong to the same "
                            "client account (%(client)s).",
                            field=record._fields[fname]._description_string(self.env),
                            record=record._description,
                            client=client.display_name or "-",
                        )
                    )
