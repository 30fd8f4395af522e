"""journals: BC's Gen. Journal Batch in the GENERAL template (AL: page 30016 "APIV2 - Journals").

The same BC table as customerPaymentJournals, another template: bc_mock keeps each template's
batches in its own set, with ids unique across both (BC's SystemId). BC's rules:
* a new journal's ``templateDisplayName`` is the GENERAL template (OnNewRecord);
* ``code`` required, upper-cased, unique within the template; a rename renames the lines;
* ``balancingAccountId`` as for customerPaymentJournals (a posting G/L account with direct posting);
* ``GET journals`` lists the GENERAL template's batches, but ``journals({id})`` finds any batch by
  its id (OnFindRecord: an id filter skips the template filter), so a customer payment journal's id
  finds it here too, and ``Microsoft.NAV.post`` posts it; ``$filter=templateDisplayName eq
  'CASHRCPT'`` lists the customer payment journals (OnFindRecord takes a template filter);
* deleting a journal deletes its lines.

Where bc_mock differs: a customer payment journal found through ``journals({id})`` is read and
posted there, but changed, deleted or given lines only at ``customerPaymentJournals({id})``
(bc_mock's own text says so); a journal created or changed here is of the GENERAL template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bc_mock import errors
from bc_mock.entities.journals import TEMPLATE as CASH_RECEIPTS
from bc_mock.entities.journals import JournalRules
from bc_mock.entities.kinds import Code, DateTime, Guid, Text
from bc_mock.entities.model import Action, EntitySet, Navigation, Prop
from bc_mock.entities.rules import CompanyView

if TYPE_CHECKING:
    from bc_mock.store import Company, Row

V2 = ("v2.0",)
GENERAL = "GENERAL"  # the default journal lines template (Graph Mgt - Journal)
ELSEWHERE = (
    "The journal {code} is a customer payment journal (template {template}): bc_mock changes it, "
    "deletes it and adds its lines only at customerPaymentJournals({id})."
)


class GeneralJournalRules(JournalRules):
    template = GENERAL
    lines = "journalLines"

    def listed(self, company: Company, equalities: dict) -> list[Row] | None:
        # OnFindRecord: a filter on the template lists that template's batches
        if equalities.get("templateDisplayName") != CASH_RECEIPTS:
            return None
        return [self._as_journal(row) for row in company.tables["customerPaymentJournals"].values()]

    def find(self, company: Company, key: str, parent: dict | None = None) -> Row | None:
        row = super().find(company, key, parent)
        if row is not None:
            return row
        # OnFindRecord: a batch of another template, found by its id, shown as a journal
        payment_journals = company.tables.get("customerPaymentJournals")
        other = payment_journals.get(key) if payment_journals is not None else None
        return None if other is None else self._as_journal(other)

    def _as_journal(self, row: Row) -> Row:
        """A customer payment journal as ``journals`` shows it (the same ETag: the same record)."""
        from bc_mock.store import Row

        return Row(self.entity.blank_record(**row.data, templateDisplayName=CASH_RECEIPTS), row.version)

    def create(self, view: CompanyView, values: dict, parent: dict | None) -> dict:
        self._check_template(values)
        record = super().create(view, values, parent)
        record["templateDisplayName"] = GENERAL
        return record

    def update(self, view: CompanyView, current: dict, values: dict, parent: dict | None) -> dict:
        self.check_own(current)
        self._check_template(values)
        return super().update(view, current, values, parent)

    def delete(self, view: CompanyView, current: dict) -> None:
        self.check_own(current)
        super().delete(view, current)

    @staticmethod
    def check_own(journal: dict) -> None:
        """Refuse a change through ``journals`` to a batch of another template (see the module)."""
        if journal["templateDisplayName"] != GENERAL:
            raise errors.bad_request(
                ELSEWHERE.format(
                    code=journal["code"], template=journal["templateDisplayName"], id=journal["id"]
                )
            )

    @staticmethod
    def _check_template(values: dict) -> None:
        template = values.get("templateDisplayName", GENERAL)
        if template != GENERAL:
            raise errors.bad_request(
                f"bc_mock's journals are of the {GENERAL} template; '{template}' cannot be given "
                f"(customer payment journals are at customerPaymentJournals)."
            )


def _post(view: CompanyView, journal: dict) -> None:
    from bc_mock import posting  # the engine imports the entities: loaded on the first post

    posting.post(view, journal["id"])


journals = EntitySet(
    name="journals",
    type_name="journal",
    table="Gen. Journal Batch",
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    rules=GeneralJournalRules(),
    sort_key=lambda row: row["code"],
    top_level_versions=V2,
    description="General journals (v2.0): batches of the GENERAL journal template. `journals({id})` "
    "also finds a customer payment journal by its id, as BC does; `Microsoft.NAV.post` posts either.",
    navigations=(
        Navigation("journalLines", "journalLines", many=True, target_field="journalId", versions=V2),
    ),
    actions=(
        Action(
            "post",
            _post,
            "Posts every line of the batch (a general or a customer payment journal), all or nothing: "
            "204 with no body, or BC's error and no change.",
            versions=V2,
        ),
    ),
    props=(
        Prop("id", Guid(), read_only=True, nullable=False, settable_on_create=V2, versions=V2),
        Prop("code", Code(10), nullable=False, versions=V2),
        Prop("displayName", Text(100), versions=V2),
        Prop("templateDisplayName", Code(10), versions=V2),
        Prop("lastModifiedDateTime", DateTime(), read_only=True, versions=V2),
        Prop("balancingAccountId", Guid(), versions=V2),
        Prop("balancingAccountNumber", Code(20), read_only=True, versions=V2),
    ),
)
