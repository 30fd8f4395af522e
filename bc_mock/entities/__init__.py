"""The entity registry: every entity set bc_mock serves, declared once."""

from __future__ import annotations

from bc_mock.entities.dimension_set_lines import dimension_set_lines
from bc_mock.entities.dimensions import dimensions
from bc_mock.entities.general_journals import journals
from bc_mock.entities.journal_lines import journal_lines
from bc_mock.entities.journals import customer_payment_journals
from bc_mock.entities.ledger import customer_posting_groups, general_ledger_entries
from bc_mock.entities.model import VERSIONS, Action, EntitySet, Navigation, Prop
from bc_mock.entities.payments import customer_payments
from bc_mock.entities.reference_data import accounts, companies, customers, sales_invoices
from bc_mock.entities.sales_invoice_lines import sales_invoice_lines
from bc_mock.entities.subscriptions import subscriptions

REGISTRY: dict[str, EntitySet] = {
    entity.name: entity
    for entity in (
        companies,
        accounts,
        customer_posting_groups,
        customers,
        sales_invoices,
        sales_invoice_lines,
        dimensions,
        customer_payment_journals,
        customer_payments,
        journals,
        journal_lines,
        general_ledger_entries,
        dimension_set_lines,
        subscriptions,
    )
}

COMPANY_SETS = tuple(name for name, entity in REGISTRY.items() if entity.company_scoped)

__all__ = ["COMPANY_SETS", "REGISTRY", "VERSIONS", "Action", "EntitySet", "Navigation", "Prop"]
