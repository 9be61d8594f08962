from odoo import api, models

NAME_ONLY = {"id", "display_name"}


class PermanenceAccessLoggedMixin(models.AbstractModel):
    """Documents of a client whose reading is logged when the client is
    confidential (call sheets, messages): every read over RPC, the form, the
    list, ``search_read`` or an export, goes through ``_read_format`` or
    ``export_data``, and both write ``permanence.access.log``. Superuser
    reads (crons, the code's own sudo) are not people reading."""

    _name = "permanence.access.logged.mixin"
    _description = "Reading logged for confidential clients"

    def _permanence_access_rows(self):
        """``[(id, client id, company id)]`` of the records whose reading is
        logged: those of confidential clients."""
        return [
            (record.id, record.client_id.id, record.company_id.id)
            for record in self
            if record.client_id.confidential
        ]

    def _read_format(self, fnames, load="_classic_read"):
        # Every RPC read ends here: read, web_read, search_read, web_search_read
        result = super()._read_format(fnames, load=load)
        if self.env.context.get("permanence_access_skip"):
            return result
        if set(fnames) <= NAME_ONLY:
            # A reference shown in another record's list or many2one (its
            # name only) is not the document being opened.
            return result
        kind = self.env.context.get(
            "permanence_access_kind"
        ) or self._permanence_access_kind(fnames)
        self.env["permanence.access.log"]._log(self, kind)
        return result

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        # The chatter's header of a document already opened (and logged)
        return super(
            PermanenceAccessLoggedMixin,
            self.with_context(permanence_access_skip=True),
        )._thread_to_store(store, fields=fields, request_list=request_list)

    def _permanence_access_kind(self, fnames):
        """How the records are being read: one opened, or a list."""
        return "open" if len(self) == 1 else "list"

    def read(self, fields=None, load="_classic_read"):
        return super().read(fields=fields, load=load)

    # Reading a confidential call writes the access log: the RPC needs a
    # read/write transaction (Odoo picks it from the method's ``_readonly``).
    read._readonly = False

    def web_read(self, specification):
        return super().web_read(specification)

    web_read._readonly = False

    @api.model
    def web_search_read(self, *args, **kwargs):
        return super().web_search_read(*args, **kwargs)

    web_search_read._readonly = False

    @api.model
    def search_read(self, *args, **kwargs):
        return super().search_read(*args, **kwargs)

    search_read._readonly = False

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self.env["permanence.access.log"]._log(self, "export")
        return result
