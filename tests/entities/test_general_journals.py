"""journals and journalLines (v2.0): BC's general journal batches of the GENERAL template and their lines."""

from __future__ import annotations

import pytest

from tests.helpers import BANK, BLANK, GENERAL, UK, USA, account, error_of

DEFAULT = "da000001-0000-4000-8000-000000000003"  # the USA company's GENERAL-template journal
JOURNAL_FIELDS = [
    "id",
    "code",
    "displayName",
    "templateDisplayName",
    "lastModifiedDateTime",
    "balancingAccountId",
    "balancingAccountNumber",
]
LINE_FIELDS = [
    "id",
    "journalId",
    "journalDisplayName",
    "lineNumber",
    "accountType",
    "accountId",
    "accountNumber",
    "postingDate",
    "documentNumber",
    "externalDocumentNumber",
    "amount",
    "description",
    "comment",
    "taxCode",
    "balanceAccountType",
    "balancingAccountId",
    "balancingAccountNumber",
    "lastModifiedDateTime",
]


def journals(bc, suffix: str = "", company: str = USA) -> str:
    return bc.company(f"journals{suffix}", company)


def lines(bc, journal: str = DEFAULT, suffix: str = "", company: str = USA) -> str:
    return bc.company(f"journals({journal})/journalLines{suffix}", company)


def add_line(bc, body: dict, journal: str = DEFAULT) -> dict:
    response = bc.post(lines(bc, journal), body)
    assert response.status_code == 201, response.text
    return response.json()


# --- journals ----------------------------------------------------------------------------


def test_list_holds_the_general_template_only(bc):
    body = bc.get(journals(bc)).json()
    assert body["@odata.context"] == f"{bc.root}/$metadata#companies({USA})/journals"
    assert [(j["code"], j["templateDisplayName"]) for j in body["value"]] == [("DEFAULT", "GENERAL")]
    assert list(body["value"][0]) == ["@odata.etag", *JOURNAL_FIELDS]


def test_a_customer_payment_journal_is_found_by_its_id(bc):
    # BC's OnFindRecord: an id filter skips the template filter
    response = bc.get(journals(bc, f"({BANK})"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["templateDisplayName"]) == ("BANK", "CASHRCPT")
    assert body["balancingAccountNumber"] == "10100"
    payment_journal = bc.get(bc.journals(f"({BANK})")).json()
    assert body["@odata.etag"] == payment_journal["@odata.etag"]
    assert bc.get(journals(bc, f"({BANK})/journalLines")).json()["value"] == []


def test_a_filter_on_the_template_lists_its_batches(bc):
    # BC's OnFindRecord takes a template filter; without one, the GENERAL template
    cash = bc.get(journals(bc, "?$filter=templateDisplayName eq 'CASHRCPT'")).json()["value"]
    assert [(j["code"], j["templateDisplayName"]) for j in cash] == [
        ("BANK", "CASHRCPT"),
        ("GENERAL", "CASHRCPT"),
    ]
    general = bc.get(journals(bc, "?$filter=templateDisplayName eq 'GENERAL'")).json()["value"]
    assert [j["code"] for j in general] == ["DEFAULT"]
    assert bc.get(journals(bc, "/$count?$filter=templateDisplayName eq 'CASHRCPT'")).text == "2"


def test_a_customer_payment_journal_is_changed_only_at_its_own_set(bc):
    status, code, message = error_of(bc.patch(journals(bc, f"({GENERAL})"), {"displayName": "x"}))
    assert (status, code) == (400, "BadRequest")
    assert "customerPaymentJournals" in message
    assert bc.delete(journals(bc, f"({GENERAL})")).status_code == 400
    assert bc.post(journals(bc, f"({GENERAL})/journalLines"), {"amount": 1}).status_code == 400


def test_journals_are_v2_only(bc1):
    assert bc1.get(journals(bc1)).status_code == 404


def test_create_update_rename_delete(bc):
    response = bc.post(journals(bc), {"code": " payroll ", "displayName": "Payroll"})
    assert response.status_code == 201, response.text
    journal = response.json()
    assert (journal["code"], journal["templateDisplayName"]) == ("PAYROLL", "GENERAL")
    assert response.headers["Location"].endswith(f"journals({journal['id']})")
    add_line(bc, {"accountNumber": "60100", "amount": 10}, journal["id"])
    renamed = bc.patch(
        journals(bc, f"({journal['id']})"), {"code": "WAGES", "balancingAccountId": account(10100)}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["balancingAccountNumber"] == "10100"
    assert [line["journalDisplayName"] for line in bc.get(lines(bc, journal["id"])).json()["value"]] == [
        "WAGES"
    ]
    assert bc.delete(journals(bc, f"({journal['id']})")).status_code == 204
    assert bc.get(journals(bc, f"({journal['id']})")).status_code == 404
    listed = bc.get(bc.company(f"journalLines?$filter=journalId eq {journal['id']}")).json()["value"]
    assert listed == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"displayName": "no code"},
            (400, "BadRequest_RequiredParamNotProvided", "Field 'code' must not be blank or empty."),
        ),
        (
            {"code": "DEFAULT"},
            (
                409,
                "Internal_EntityWithSameKeyExists",
                "The Gen. Journal Batch already exists. Identification fields and values: "
                "Journal Template Name='GENERAL',Name='DEFAULT'",
            ),
        ),
        (
            {"code": "X", "balancingAccountId": account(10400)},
            (400, "Application_FieldValidationException", None),
        ),
        ({"code": "X", "templateDisplayName": "CASHRCPT"}, (400, "BadRequest", None)),
        ({"code": "X", "id": BANK}, (409, "Internal_EntityWithSameKeyExists", None)),
    ],
)
def test_create_refusals(bc, body, expected):
    status, code, message = error_of(bc.post(journals(bc), body))
    assert (status, code) == expected[:2]
    if expected[2] is not None:
        assert message == expected[2]


def test_the_same_code_in_another_template_is_another_batch(bc):
    # the customer payment journal GENERAL is of template CASHRCPT
    assert bc.post(journals(bc), {"code": "GENERAL"}).status_code == 201


# --- journalLines ------------------------------------------------------------------------


def test_line_shape_and_defaults(bc):
    line = add_line(bc, {"accountId": account(60100), "amount": 125.005, "postingDate": "2026-02-10"})
    assert list(line) == ["@odata.context", "@odata.etag", *LINE_FIELDS]
    assert (
        line["@odata.context"]
        == f"{bc.root}/$metadata#companies({USA})/journals({DEFAULT})/journalLines/$entity"
    )
    assert line["journalId"] == DEFAULT
    assert line["journalDisplayName"] == "DEFAULT"
    assert (line["lineNumber"], line["documentNumber"]) == (10000, "G00001")
    assert (line["accountType"], line["accountNumber"]) == ("G_x002F_L_x0020_Account", "60100")
    assert line["description"] == "Rent Expense"
    assert line["amount"] == 125.01
    assert line["balanceAccountType"] == "G_x002F_L_x0020_Account"
    assert (line["balancingAccountId"], line["balancingAccountNumber"]) == (BLANK, "")
    # the next line: the same posting date; the same document while the journal does not balance
    second = add_line(bc, {"accountNumber": "10100", "amount": -125.01})
    assert (second["lineNumber"], second["postingDate"], second["documentNumber"]) == (
        20000,
        "2026-02-10",
        "G00001",
    )
    third = add_line(bc, {"accountNumber": "10100", "amount": 1})
    assert third["documentNumber"] == "G00002"


def test_a_line_takes_its_journals_balancing_account(bc):
    bc.patch(journals(bc, f"({DEFAULT})"), {"balancingAccountId": account(10100)})
    line = add_line(bc, {"accountNumber": "60100", "amount": 5})
    assert (line["balancingAccountId"], line["balancingAccountNumber"]) == (account(10100), "10100")
    changed = bc.patch(lines(bc, suffix=f"({line['id']})"), {"balancingAccountNumber": "10200"}).json()
    assert changed["balancingAccountId"] == account(10200)


def test_company_level_lines_need_a_journal(bc):
    status, _, message = error_of(bc.get(bc.company("journalLines")))
    assert (status, message) == (
        400,
        "You must specify a journal batch ID or a journal ID to get a journal line.",
    )
    response = bc.post(
        bc.company("journalLines"), {"journalId": DEFAULT, "accountNumber": "60100", "amount": 3}
    )
    assert response.status_code == 201, response.text
    found = bc.get(bc.company(f"journalLines?$filter=journalId eq {DEFAULT}")).json()["value"]
    assert [line["id"] for line in found] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"accountId": account(99999)}, 'The "accountId" does not match to an Account.'),
        ({"accountNumber": "99999"}, 'The "accountNumber" does not match to an Account.'),
        (
            {"accountId": account(60100), "accountNumber": "10100"},
            "The account values do not match to a specific Account.",
        ),
        ({"journalDisplayName": "OTHER"}, "The Journal Batch Display Name isn't editable."),
        ({"balancingAccountId": account(99999)}, 'The "balancingAccountId" does not match to an Account.'),
        (
            {"accountNumber": "10500"},
            "Blocked must be equal to 'No'  in G/L Account: No.=10500. Current value is 'Yes'.",
        ),
        (
            {"accountNumber": "10400"},
            "Direct Posting must be equal to 'Yes'  in G/L Account: No.=10400. Current value is 'No'.",
        ),
        (
            {"accountNumber": "10000"},
            "Account Type must be equal to 'Posting'  in G/L Account: No.=10000. Current value is 'Heading'.",
        ),
    ],
)
def test_line_refusals(bc, body, message):
    response = bc.post(lines(bc), body)
    assert response.status_code == 400
    assert error_of(response)[2] == message
    assert bc.get(lines(bc)).json()["value"] == []


def test_line_updates_as_bc(bc):
    line = add_line(bc, {"accountNumber": "60100", "amount": 7, "description": "Rent, March"})
    assert line["description"] == "Rent, March"
    path = lines(bc, suffix=f"({line['id']})")
    status, _, message = error_of(bc.patch(path, {"journalId": BANK}))
    assert (status, message) == (400, "The Journal Batch Id isn't editable.")
    renumbered = bc.patch(path, {"lineNumber": 15000, "amount": -7}, etag=line["@odata.etag"])
    assert renumbered.status_code == 200, renumbered.text
    assert (renumbered.json()["lineNumber"], renumbered.json()["amount"]) == (15000, -7)
    other = add_line(bc, {"accountNumber": "60100", "amount": 1})
    status, code, _ = error_of(bc.patch(lines(bc, suffix=f"({other['id']})"), {"lineNumber": 15000}))
    assert (status, code) == (409, "Internal_EntityWithSameKeyExists")
    assert bc.patch(path, {"accountType": "Customer"}).status_code == 400
    assert bc.delete(path).status_code == 204
    assert [x["id"] for x in bc.get(lines(bc)).json()["value"]] == [other["id"]]


def test_another_companys_journal_is_not_found(bc):
    assert bc.get(journals(bc, f"({DEFAULT})", company=UK)).status_code == 404
