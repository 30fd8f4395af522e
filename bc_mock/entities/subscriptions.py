"""``subscriptions``: BC's webhook subscriptions, at the tenant level of each API root.

BC keeps them in table 2000000095 "API Webhook Subscription" (one per tenant environment, not
per company), keyed by ``subscriptionId`` (Text[150]), which URLs quote:
``subscriptions('c670ea73cacb459bb51dc1740da2f1db')``. The properties, in the order of BC's
resource page (v1.0 has the first seven without ``timestamp``). The API and the handshake are in
``bc_mock.webhooks.api``; nothing here is written through the generic write path.
"""

from __future__ import annotations

from bc_mock.entities.kinds import DateTime, Guid, Int64, Text
from bc_mock.entities.model import EntitySet, Prop

V2 = ("v2.0",)

# The entity sets BC's docs list as supporting webhooks (v2.0 and v1.0 list the same), which a
# subscription's resource may name when bc_mock serves them. Not customerPayments (BC's list
# leaves it out), not salesInvoiceLines (a temporary table: a change to a line notifies its
# invoice in BC, and bc_mock's lines are read-only).
WEBHOOK_SETS = (
    "accounts",
    "companyInformation",
    "countriesRegions",
    "currencies",
    "customerPaymentJournals",
    "customers",
    "dimensions",
    "employees",
    "generalLedgerEntries",
    "itemCategories",
    "items",
    "journals",
    "paymentMethods",
    "paymentTerms",
    "purchaseInvoices",
    "salesCreditMemos",
    "salesInvoices",
    "salesOrders",
    "salesQuotes",
    "shipmentMethods",
    "unitsOfMeasure",
    "vendors",
)

subscriptions = EntitySet(
    name="subscriptions",
    type_name="subscription",
    table="API Webhook Subscription",
    key="subscriptionId",
    company_scoped=False,
    methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    top_level_versions=(),
    sort_key=lambda row: row["subscriptionId"],
    description=(
        "Webhook subscriptions of the tenant environment, at the API root (not under a company): "
        "BC notifies `notificationUrl` of changes to `resource`. See *Webhooks*."
    ),
    props=(
        # the key: a client may choose it (BC's docs samples do); bc_mock makes one if not
        Prop(
            "subscriptionId", Text(150), read_only=True, settable_on_create=("v1.0", "v2.0"), nullable=False
        ),
        Prop("notificationUrl", Text()),  # a BLOB in BC: no length
        Prop("resource", Text()),  # a BLOB in BC
        Prop("timestamp", Int64(), read_only=True, versions=V2),
        Prop("userId", Guid(), read_only=True),
        Prop("lastModifiedDateTime", DateTime(), read_only=True),
        Prop("clientState", Text(2048)),
        Prop("expirationDateTime", DateTime(), read_only=True),
        Prop("systemCreatedAt", DateTime(), read_only=True, versions=V2),
        Prop("systemCreatedBy", Guid(), read_only=True, versions=V2),
        Prop("systemModifiedAt", DateTime(), read_only=True, versions=V2),
        Prop("systemModifiedBy", Guid(), read_only=True, versions=V2),
    ),
)
