"""The entity registry: every entity set bc_mock serves, declared once."""

from __future__ import annotations

from bc_mock.entities.dimension_set_lines import dimension_set_lines
from bc_mock.entities.dimensions import dimension_values, dimensions
from bc_mock.entities.finance import (
    bank_accounts,
    currencies,
    customer_financial_details,
    general_ledger_setup,
    payment_methods,
    payment_terms,
)
from bc_mock.entities.general_journals import journals
from bc_mock.entities.journal_lines import journal_lines
from bc_mock.entities.journals import customer_payment_journals
from bc_mock.entities.ledger import (
    bank_account_posting_groups,
    customer_posting_groups,
    general_ledger_entries,
)
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
        # before customers and bank accounts, whose fixture records name them
        general_ledger_setup,
        currencies,
        payment_terms,
        payment_methods,
        customer_posting_groups,
        bank_account_posting_groups,
        bank_accounts,
        customers,
        customer_financial_details,
        sales_invoices,
        sales_invoice_lines,
        dimensions,
        dimension_values,
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


def served_in(entity: EntitySet, version: str) -> bool:
    """Whether a client reaches ``entity`` in ``version``: at company level, or through a
    navigation of another set (fixture-only sets, such as posting groups, it never does)."""
    return version in entity.top_level_versions or any(
        nav.target == entity.name and version in nav.versions
        for other in REGISTRY.values()
        for nav in other.navigations
    )


# per entity set, the sets whose records are derived again when one of its records changes
FOLLOWERS: dict[str, tuple[EntitySet, ...]] = {
    name: tuple(entity for entity in REGISTRY.values() if name in entity.rules.follows) for name in REGISTRY
}

__all__ = ["COMPANY_SETS", "FOLLOWERS", "REGISTRY", "VERSIONS", "Action", "EntitySet", "Navigation", "Prop"]
